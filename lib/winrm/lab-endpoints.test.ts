/**
 * Every host of a started lab (masters and a worker) over each transport, and the same
 * command line through Debian's pywinrm 0.3.0 (run_cmd's Protocol sequence): same stdout, same
 * exit code. Then parameter values that would be code anywhere else arrive as plain data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  PWSH_AVAILABLE,
  PYWINRM_AVAILABLE,
  b64decode,
  encodeScript,
  runPywinrm,
} from '@/lib/lab/winrm/test-support';
import { MODES, type TestLab, startTestLab } from './lab.test-helper';

const SCRIPT = 'Write-Output "host=$env:COMPUTERNAME"\nWrite-Output ((1..3) -join \',\')\nexit 3';
const COMMAND = `powershell -NoProfile -NonInteractive -EncodedCommand ${encodeScript(SCRIPT)}`;

/** requests lets these override server_cert_validation='ignore' (the lab certificate names the host, not 127.0.0.1). */
const PYWINRM_CA_ENV = ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'];

let t: TestLab;
beforeAll(async () => {
  if (PWSH_AVAILABLE) t = await startTestLab(1);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe.skipIf(!PWSH_AVAILABLE)('our client on every lab host and transport', () => {
  it('runs the script on masters and workers over HTTPS+Basic, HTTPS+NTLM and HTTP+NTLM', async () => {
    expect(t.hosts).toEqual(['SQLNODE1', 'SQLNODE2', 'WORKER1']);
    // Hosts in parallel, transports in turn on each: 9 real PowerShell runs.
    const rows = await Promise.all(
      t.hosts.map(async (host) => {
        const out: Array<[string, string, number | null]> = [];
        for (const mode of MODES) {
          const c = t.client(host, mode);
          try {
            const r = await c.runCommand(COMMAND);
            out.push([mode, r.stdout, r.exitCode]);
          } finally {
            await c.close();
          }
        }
        return [host, out] as const;
      }),
    );
    for (const [host, out] of rows)
      for (const [mode, stdout, exitCode] of out) {
        expect({ host, mode, stdout, exitCode }).toEqual({
          host,
          mode,
          stdout: `host=${host}\r\n1,2,3\r\n`,
          exitCode: 3,
        });
      }
    expect(Object.values(await t.openShells()).every((n) => n === 0)).toBe(true);
  }, 60_000);

  it.skipIf(!PYWINRM_AVAILABLE)(
    'pywinrm and our client give the same stdout and exit code (each transport, rotating hosts)',
    async () => {
      await Promise.all(
        MODES.map(async (mode, i) => {
          const host = t.hosts[i % t.hosts.length]!;
          const py = await runPywinrm(
            t.pywinrmConn(host, mode),
            [
              { op: 'open' },
              { op: 'run', command: COMMAND },
              { op: 'output' },
              { op: 'cleanup' },
              { op: 'close' },
            ],
            { dropEnv: PYWINRM_CA_ENV },
          );
          expect(py.results.filter((r) => r.error !== undefined)).toEqual([]);
          const output = py.results[2];
          const c = t.client(host, mode);
          const ours = await c.runCommand(COMMAND).finally(() => c.close());
          expect({ stdout: ours.stdout, exitCode: ours.exitCode }).toEqual({
            stdout: b64decode(output?.stdout),
            exitCode: output?.code,
          });
          expect(ours.stdout).toContain(`host=${host}`);
        }),
      );
    },
    60_000,
  );
});

/** Values that are code in PowerShell, cmd.exe or a shell; one canary file per way to run. */
function hostileValues(canaryDir: string): Record<string, string> {
  const c = (n: string) => path.join(canaryDir, n);
  return {
    single: `O'Brien'; Set-Content -Path '${c('single')}' -Value x; '`,
    double: `"; Set-Content -Path "${c('double')}" -Value x; "`,
    subexpr: `$(Set-Content -Path '${c('subexpr')}' -Value x)`,
    backtick: "`$(Set-Content -Path '" + c('backtick') + "' -Value x)`n`0",
    semicolon: `a; Set-Content -Path '${c('semicolon')}' -Value x`,
    newline: `line1\nSet-Content -Path '${c('newline')}' -Value x\r\nline3`,
    percent: `%COMPUTERNAME% %PATH% 100%`,
    caret: `^& echo pwned ^| more ^^`,
    ampersand: `& Set-Content -Path '${c('ampersand')}' -Value x`,
    nonAscii: 'Zoë Ærø — 日本語 ☃ 𝄞 \u200b\u00a0',
    braces: `{ } @{ } @( ) $env:PATH $null $true \${x}`,
  };
}

describe.skipIf(!PWSH_AVAILABLE)('parameters are data, never code', () => {
  it('hostile values arrive byte for byte and run nothing, over each transport', async () => {
    const canaries = fs.mkdtempSync(path.join(os.tmpdir(), 'winrm-canary-'));
    const values = hostileValues(canaries);
    const script = `param([hashtable]$Ignored)
$out = [ordered]@{}
foreach ($p in $Params.PSObject.Properties) {
  # Interpolated and echoed: still only text.
  $s = "[$($p.Value)]"
  $out[$p.Name] = [ordered]@{ value = $p.Value; hex = [BitConverter]::ToString([Text.Encoding]::UTF8.GetBytes($p.Value)); echoed = $s }
}
$out`;
    const entry = z.object({ value: z.string(), hex: z.string(), echoed: z.string() });
    await Promise.all(
      MODES.map(async (mode, i) => {
        const c = t.client(t.hosts[i]!, mode);
        try {
          const r = await c.runPowerShell(script, {
            params: values,
            schema: z.record(z.string(), entry),
          });
          for (const [name, value] of Object.entries(values)) {
            const got = r.value[name];
            expect(got?.value, `${mode} ${name}`).toBe(value);
            expect(got?.echoed).toBe(`[${value}]`);
            expect(got?.hex).toBe(
              [...Buffer.from(value, 'utf8')]
                .map((b) => b.toString(16).toUpperCase().padStart(2, '0'))
                .join('-'),
            );
          }
        } finally {
          await c.close();
        }
      }),
    );
    expect(fs.readdirSync(canaries)).toEqual([]);
    fs.rmSync(canaries, { recursive: true, force: true });
  }, 60_000);
});
