// The script bundle against the built-in lab: made from real job records and real probes, every
// .ps1 in it parses in pwsh, no secret is in any file, and its Pester drift tests pass on the
// healthy lab and fail, naming the fault, once the lab is reset to its misconfigured scenario.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobLab, type JobLab } from '@/lib/engine/faults.lab.test-helper';
import { PWSH_DIR } from '@/lib/lab/windows/test-support';
import { closeAllPools } from '@/lib/sql';
import type { StepContext } from '@/lib/steps/context';
import { probeAllSteps, startStepApply } from '@/lib/steps/service';
import { getJob } from '@/lib/engine/jobs';
import { exportScripts } from './export';
import { runbookMarkdown } from './markdown';
import { loadRunbook } from './model';
import { readZip } from './zip';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PWSH = path.join(PWSH_DIR, 'pwsh');
let t: JobLab;
let ctx: StepContext;
let dir: string;
let files: Map<string, Buffer>;
let endpointsFile: string;

/** Async: the lab answers from this very process, so its event loop must keep running. */
function pwsh(command: string, env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PWSH, ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', command], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function invokeDrift(): Promise<{ passed: number; failed: number; skipped: number; output: string }> {
  const runner = path.join(dir, 'lab-runner.ps1');
  const r = await pwsh(
    `$c = New-PesterConfiguration; $c.Run.Path = '${path.join(dir, 'bundle', 'drift')}'; $c.Run.PassThru = $true; $c.Output.Verbosity = 'Detailed';` +
      `$r = Invoke-Pester -Configuration $c; Write-Output ('##RESULT ' + (@{ passed = $r.PassedCount; failed = $r.FailedCount; skipped = $r.SkippedCount } | ConvertTo-Json -Compress))`,
    { DRIFT_RUNNER: runner, DRIFT_LAB_ENDPOINTS: endpointsFile },
  );
  const out = `${r.stdout}\n${r.stderr}`;
  const line = /##RESULT (\{.*\})/.exec(out);
  if (!line) throw new Error(`Pester did not report:\n${out}`);
  return { ...(JSON.parse(line[1]!) as { passed: number; failed: number; skipped: number }), output: out };
}

beforeAll(async () => {
  t = await startJobLab();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-bundle-'));
  endpointsFile = path.join(dir, 'endpoints.json');
  fs.writeFileSync(endpointsFile, JSON.stringify(t.lab.endpoints));
  fs.writeFileSync(
    path.join(dir, 'lab-runner.ps1'),
    [
      'param([string]$Node, [string]$ScriptText, [hashtable]$Params)',
      '$in = @{ endpoints = $env:DRIFT_LAB_ENDPOINTS; node = $Node; scriptText = $ScriptText; params = $Params } | ConvertTo-Json -Depth 20 -Compress',
      `$out = $in | & '${process.execPath}' --conditions=react-server --import tsx '${path.join(ROOT, 'lib/runbook/drift-lab-runner.test-helper.ts')}' 2>&1`,
      'if ($LASTEXITCODE -ne 0) { throw "The lab runner failed on ${Node}: $($out -join "`n")" }',
      '($out -join "`n") | ConvertFrom-Json -AsHashtable',
    ].join('\n'),
  );

  // Records as the wizard makes them: the primary applied for real on the misconfigured lab...
  ctx = await t.use('misconfigured');
  const applyPrimary = async (confirmations: string[]) => {
    const started = await startStepApply(t.rt, ctx.deploymentId, 'primary', 'dba-alice', confirmations);
    expect(started).toMatchObject({ ok: true });
    for (let i = 0; i < 600 && getJob(t.rt.db, (started as { jobId: string }).jobId)?.status === 'running'; i++) await new Promise((r) => setTimeout(r, 250));
    expect(getJob(t.rt.db, (started as { jobId: string }).jobId)?.status).toBe('succeeded');
  };
  await applyPrimary(['rebind SQLNODE1']);
  // ...then the fresh lab, whose catalog step 2 enables Scale Out in (a second job), and every step
  // probed on it, healthy up to step 3; step 4 still has its manual plan.
  await t.control('/reset', { scenario: 'fresh' });
  await closeAllPools();
  await applyPrimary([]);
  await probeAllSteps(t.rt, ctx.deploymentId);

  const rt = { ...t.rt, env: { dataDir: path.join(dir, 'data') } } as Parameters<typeof exportScripts>[0];
  const zip = await exportScripts(rt, { deploymentId: ctx.deploymentId, actor: 'dba-alice' });
  files = readZip(zip);
  for (const [name, data] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, 'bundle', name)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'bundle', name), data);
  }
}, 600_000);

afterAll(async () => {
  await t?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the script bundle, made from the lab', () => {
  it('has per-node folders numbered in plan order, the ini of every master, a README and a drift test per step', () => {
    const names = [...files.keys()];
    const ops = names.filter((n) => /^[^/]+\/\d{2}-/.test(n) && !n.startsWith('drift/') && !n.endsWith('.diff'));
    // The applied primary jobs, in the order they ran, on SQLNODE1: the certificate on the
    // misconfigured lab, then enabling Scale Out in the fresh lab's catalog.
    const primary = ops.filter((n) => n.includes('-primary-')).map((n) => n.replace(/^SQLNODE1\/\d+-primary-/, ''));
    expect(primary).toEqual(['new-certificate_SQLNODE1.ps1', 'rebind_SQLNODE1.ps1', 'settings-thumbprint_SQLNODE1.ps1', 'restart_SQLNODE1.ps1', 'enable-scaleout_SQLNODE1.sql']);
    expect(names.some((n) => /^SQLNODE1\/\d+-primary-settings-thumbprint_SQLNODE1\.diff$/.test(n))).toBe(true);
    // Step 4's manual work on the fresh lab is in the bundle too, after the primary's.
    expect(ops.some((n) => n.includes('-always-on-'))).toBe(true);
    const nums = ops.map((n) => Number(/\/(\d+)-/.exec(n)![1]));
    expect(nums).toEqual([...nums].sort((a, b) => a - b));
    expect(names).toEqual(expect.arrayContaining(['README.md', 'SQLNODE1/ConfigurationFile.ini', 'SQLNODE2/ConfigurationFile.ini', 'drift/Drift.ps1']));
    for (let i = 1; i <= 9; i++) expect(names.some((n) => new RegExp(`^drift/0${i}-[a-z-]+\\.Tests\\.ps1$`).test(n))).toBe(true);
    const readme = files.get('README.md')!.toString();
    for (const op of ops) expect(readme).toContain(op);
    expect(readme).toContain('applied by dba-alice');
    const ini2 = files.get('SQLNODE2/ConfigurationFile.ini')!.toString();
    expect(ini2).toMatch(/ISMASTERSVCTHUMBPRINT="[0-9A-F]{40}"/);
    // The thumbprint the primary's drift baseline read as bound; no password key, as SQL Setup writes it.
    const primaryBaseline = JSON.parse(files.get('drift/baseline/02-primary.json')!.toString()) as { entries: { node: string; facts: Record<string, string> }[] };
    const bound = primaryBaseline.entries.find((e) => e.node === 'SQLNODE1')!.facts['boundCert.thumbprint'];
    expect(ini2).toContain(`ISMASTERSVCTHUMBPRINT="${bound}"`);
    expect(ini2.split('\r\n').filter((l) => !l.startsWith(';'))).not.toContainEqual(expect.stringMatching(/PASSWORD/i));
    // The rebind takes its parameters splatted, secrets read at run time.
    const newCert = files.get(ops.find((n) => n.includes('new-certificate'))!)!.toString();
    expect(newCert).toContain('PfxPassword = (Read-BundleSecret');
    expect(newCert).toContain('Read-Host -AsSecureString');
  });

  it('every .ps1 in it parses in pwsh without errors', async () => {
    const ps1 = [...files.keys()].filter((n) => n.endsWith('.ps1'));
    expect(ps1.length).toBeGreaterThan(12);
    const list = path.join(dir, 'ps1.txt');
    fs.writeFileSync(list, ps1.map((n) => path.join(dir, 'bundle', n)).join('\n'));
    const r = await pwsh(
      `$bad = foreach ($f in Get-Content '${list}') { $t = $null; $e = $null; $null = [System.Management.Automation.Language.Parser]::ParseFile($f, [ref]$t, [ref]$e); foreach ($x in $e) { "$($f):$($x.Extent.StartLineNumber): $($x.Message)" } }; ConvertTo-Json -InputObject @($bad) -Compress`,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual([]);
  });

  it('holds no secret value of the deployment, nor does the runbook', () => {
    const secrets = ctx.secretValues();
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    const md = runbookMarkdown(loadRunbook(t.rt, ctx.deploymentId));
    expect(md).toContain('## Step 2: Install Scale Out Master on the primary');
    for (const s of secrets) {
      for (const [name, data] of files) expect(data.toString('utf8').includes(s), `${name} holds a secret`).toBe(false);
      expect(md.includes(s)).toBe(false);
    }
  });

  it('its Pester drift tests pass on the healthy lab and name the fault after the lab is misconfigured', async () => {
    const healthy = await invokeDrift();
    expect(healthy.failed, healthy.output).toBe(0);
    expect(healthy.passed).toBeGreaterThanOrEqual(3);
    expect(healthy.output).toMatch(/SQLNODE1: master-probe\.ps1 still reads the \d+ facts of the baseline/);

    // The fault, through the lab's control API.
    await t.control('/reset', { scenario: 'misconfigured' });
    const drifted = await invokeDrift();
    expect(drifted.failed, drifted.output).toBeGreaterThan(0);
    // The misconfigured primary binds another certificate: the test says where and what.
    expect(drifted.output).toMatch(/Drift on SQLNODE1/);
    expect(drifted.output).toMatch(/SQLNODE1 master-probe\.ps1: boundCert\.thumbprint reads '[0-9A-F]{40}', the baseline has '[0-9A-F]{40}'/);
  }, 600_000);
});
