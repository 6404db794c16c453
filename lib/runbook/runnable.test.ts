import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleInventory } from '@/lib/inventory/example';
import { PWSH_DIR } from '@/lib/lab/windows/test-support';
import { importCertOp, rebindOp, setupOp } from '@/lib/steps/master-shared/ops';
import { ADD_DMK_PASSWORD_SHOWN } from '@/lib/steps/always-on/scripts';
import { workerIni } from './ini';
import { runnableFile, runnablePowerShell, runnableSql } from './runnable';

const inv = { ...exampleInventory(), masterAccount: 'LAB\\svc-ssismaster' };
const env = { inventory: inv, services: { master: 'SSISScaleOutMaster160' } };

function parseErrors(text: string): string[] {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-')), 'x.ps1');
  fs.writeFileSync(file, text);
  const r = spawnSync(path.join(PWSH_DIR, 'pwsh'), ['-NoProfile', '-NonInteractive', '-Command', `$t=$null;$e=$null;$null=[System.Management.Automation.Language.Parser]::ParseFile('${file}',[ref]$t,[ref]$e);ConvertTo-Json -InputObject @($e | ForEach-Object { "$($_.Extent.StartLineNumber): $($_.Message)" }) -Compress`], { encoding: 'utf8' });
  return JSON.parse(r.stdout.trim()) as string[];
}

describe('runnable files from shown operations', () => {
  it('two scripts in one operation become two splatted blocks that parse; secrets are prompted, never written', () => {
    const op = importCertOp('SQLNODE2', 'SQLNODE1', 'AB'.repeat(20));
    const text = runnablePowerShell(op);
    expect(text.match(/^& \{$/gm)).toHaveLength(2);
    expect(text).toContain("Thumbprint = 'ABABABABABABABABABABABABABABABABABABABAB'");
    expect(text).toContain("PfxPassword = (Read-BundleSecret 'PfxPassword')");
    expect(text).toContain("PfxBase64 = (Read-Host 'PfxBase64 (the PFX exported from SQLNODE1)')");
    expect(text).toContain('Exportable = $false');
    expect(text).not.toContain('********');
    expect(parseErrors(text)).toEqual([]);
  }, 30_000);

  it('comments before the first script stay; the splatted block runs the script with its parameters', () => {
    const op = rebindOp(env, 'SQLNODE1', { appId: null, boundThumbprint: 'CD'.repeat(20) } as Parameters<typeof rebindOp>[2], 'EF'.repeat(20));
    const text = runnablePowerShell(op);
    expect(text.startsWith('# What it runs')).toBe(true);
    expect(text).toMatch(/\$Part1 = @\{\n {4}Port = 8391\n/);
    expect(text.trimEnd().endsWith('} @Part1')).toBe(true);
    expect(parseErrors(text)).toEqual([]);
  }, 30_000);

  it('a manual install in PowerShell stays a .ps1 that parses; prose stays .txt', () => {
    const f = runnableFile(setupOp(env, 'SQLNODE2', { kind: 'existing', thumbprint: 'AB'.repeat(20) }));
    expect(f.ext).toBe('ps1');
    expect(parseErrors(f.text)).toEqual([]);
    expect(runnableFile({ id: 'x', target: 'AG', kind: 'manual', summary: 's', script: 'In SSMS, do this.', risk: 'low' }).ext).toBe('txt');
  }, 30_000);

  it('T-SQL: a masked parameter becomes a sqlcmd variable declared at the top', () => {
    const sql = runnableSql({ id: 'dmk', target: 'SQLNODE2', kind: 'tsql', summary: 's', script: ADD_DMK_PASSWORD_SHOWN, risk: 'low' });
    expect(sql).toContain("DECLARE @p nvarchar(4000) = N'$(p)';");
    expect(sql).toContain('sqlcmd -S <server> -E -i <this file> -v p="..."');
    expect(sql).toContain("@password = @p");
    expect(sql).not.toContain('********');
    const inline = runnableSql({ id: 'x', target: 'S', kind: 'tsql', summary: 's', script: "ALTER LOGIN [x] WITH PASSWORD = N'********';", risk: 'low' });
    expect(inline).toContain("WITH PASSWORD = N'$(Secret1)';");
  });

  it('the worker ConfigurationFile.ini names the master endpoint and has no password', () => {
    const text = workerIni(inv, 'WORKER1');
    expect(text).toContain('FEATURES=IS_Worker');
    expect(text).toContain(`ISWORKERSVCMASTER="https://${inv.masterDnsName}:${inv.masterPort}"`);
    expect(text).toContain('ISWORKERSVCACCOUNT="NT Service\\SSISScaleOutWorker160"');
    expect(text.split('\r\n').filter((l) => !l.startsWith(';'))).not.toContainEqual(expect.stringMatching(/PASSWORD/i));
  });
});
