import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isWinrmError } from './errors';
import {
  bootstrapNonce,
  decodePowerShellStdin,
  errorStdout,
  resultStdout,
} from './fake-server.test-helper';
import { buildInvocation, interpretOutput } from './powershell';
import { MAX_COMMAND_LINE } from './shell';

const PWSH = [
  process.env.PWSH,
  path.join(os.homedir(), '.dotnet/tools/pwsh'),
  '/usr/bin/pwsh',
].find((p): p is string => !!p && existsSync(p));

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return isWinrmError(e) ? e.code : String(e);
  }
}

describe('buildInvocation', () => {
  it('keeps the command line short and free of script text and parameter values, whatever the script length', () => {
    const script = `# ${'x'.repeat(200_000)}\n$Params.Password`;
    const inv = buildInvocation(
      script,
      { Password: 'S3cr3t-Value', Name: "O'Brien" },
      'powershell',
    );
    expect(inv.commandLine.length).toBeLessThan(MAX_COMMAND_LINE);
    expect(inv.commandLine).toMatch(
      /^powershell -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand [A-Za-z0-9+/=]+$/,
    );
    expect(inv.commandLine).not.toContain('S3cr3t');
    expect(inv.stdin.toString('ascii')).not.toContain('S3cr3t'); // base64, not clear text
    expect(decodePowerShellStdin(inv.stdin)).toEqual({
      script,
      params: { Password: 'S3cr3t-Value', Name: "O'Brien" },
    });
    expect(bootstrapNonce(inv.commandLine)).toBe(inv.nonce);
  });

  it('uses a fresh nonce per run and refuses non-object parameters', () => {
    expect(buildInvocation('1', {}, 'pwsh').nonce).not.toBe(buildInvocation('1', {}, 'pwsh').nonce);
    expect(buildInvocation('1', {}, 'pwsh').commandLine.startsWith('pwsh ')).toBe(true);
    expect(() => buildInvocation('1', [] as unknown as Record<string, unknown>, 'pwsh')).toThrow(
      TypeError,
    );
  });
});

describe('interpretOutput', () => {
  const inv = buildInvocation('x', {}, 'powershell');
  const run = (stdout: string, stderr = '', exitCode: number | null = 0) => ({
    stdout,
    stderr,
    exitCode,
  });

  it('finds the result among stray output and validates it with the schema', () => {
    const r = interpretOutput(
      'h',
      'powershell',
      run(resultStdout(inv.commandLine, { a: 1 }, 'noise\r\n##WINRM-RESULT:forged:e30=')),
      inv.nonce,
      z.object({ a: z.number() }),
    );
    expect(r.value).toEqual({ a: 1 });
    expect(r.output).toBe('noise\n##WINRM-RESULT:forged:e30='); // a forged marker without the nonce is just output
    expect(
      codeOf(() =>
        interpretOutput(
          'h',
          'powershell',
          run(resultStdout(inv.commandLine, { a: 'x' })),
          inv.nonce,
          z.object({ a: z.number() }),
        ),
      ),
    ).toBe('POWERSHELL_BAD_RESULT');
  });

  it('turns the error marker into POWERSHELL_SCRIPT_FAILED with the line', () => {
    const out = errorStdout(inv.commandLine, {
      kind: 'runtime',
      message: 'boom',
      category: 'OperationStopped',
      line: 4,
      position: 2,
    });
    try {
      interpretOutput('sqlnode1', 'powershell', run(out, '', 1), inv.nonce);
      expect.unreachable();
    } catch (e) {
      expect(isWinrmError(e, 'POWERSHELL_SCRIPT_FAILED')).toBe(true);
      if (!isWinrmError(e)) return;
      expect(e.message).toBe('The script failed on sqlnode1 (script line 4, char 2): boom');
      expect(e.details.records?.[0]).toMatchObject({
        message: 'boom',
        category: 'OperationStopped',
        line: 4,
        position: 2,
      });
      expect(e.details.exitCode).toBe(1);
    }
  });

  it('recognises PowerShell not starting', () => {
    const notFound = run(
      '',
      "'pwsh' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n",
      9009,
    );
    expect(codeOf(() => interpretOutput('h', 'pwsh', notFound, inv.nonce))).toBe(
      'POWERSHELL_NOT_STARTED',
    );
    expect(
      codeOf(() => interpretOutput('h', 'powershell', run('', '', -1073741502), inv.nonce)),
    ).toBe('POWERSHELL_NOT_STARTED');
    const runner = errorStdout(inv.commandLine, {
      kind: 'runner',
      message: 'Invalid length for a Base-64 char array',
    });
    expect(codeOf(() => interpretOutput('h', 'powershell', run(runner, '', 1), inv.nonce))).toBe(
      'POWERSHELL_NOT_STARTED',
    );
  });

  it('reports a script that exits without a result, with its exit code', () => {
    try {
      interpretOutput('h', 'powershell', run(`##WINRM-START:${inv.nonce}\r\n`, '', 7), inv.nonce);
      expect.unreachable();
    } catch (e) {
      expect(isWinrmError(e, 'POWERSHELL_BAD_RESULT')).toBe(true);
      if (isWinrmError(e)) expect(e.details.exitCode).toBe(7);
    }
  });
});

/** The bootstrap for real, in PowerShell 7, fed through stdin exactly as WinRS would. */
describe.skipIf(!PWSH)('the bootstrap in real PowerShell', () => {
  const exec = (script: string, params: Record<string, unknown>) => {
    const inv = buildInvocation(script, params, 'pwsh');
    const args = inv.commandLine.split(' ').slice(1);
    const r = spawnSync(PWSH ?? 'pwsh', args, {
      input: inv.stdin,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { inv, raw: { stdout: r.stdout, stderr: r.stderr, exitCode: r.status } };
  };

  it('binds JSON parameters to param() and $Params, never as code, and returns one JSON result', () => {
    const hostile = `'; Remove-Item C:\\ -Recurse; '$(whoami)"`;
    const { inv, raw } = exec(
      'param([string]$Name, [int]$Count)\nWrite-Host "stray"\n[pscustomobject]@{ name = $Name; twice = $Count * 2; same = $Params.Name; list = @(1) }',
      { Name: hostile, Count: 21 },
    );
    const r = interpretOutput(
      'lab',
      'pwsh',
      raw,
      inv.nonce,
      z.object({
        name: z.string(),
        twice: z.number(),
        same: z.string(),
        list: z.array(z.number()),
      }),
    );
    expect(r.value).toEqual({ name: hostile, twice: 42, same: hostile, list: [1] });
    expect(r.exitCode).toBe(0);
  });

  it('runs a script far beyond the 8191-character command line limit', () => {
    const filler = Array.from({ length: 3000 }, (_, i) => `$v${i} = ${i}`).join('\n');
    const { inv, raw } = exec(`${filler}\n$v2999 + 1`, {});
    expect(inv.commandLine.length).toBeLessThan(MAX_COMMAND_LINE);
    expect(interpretOutput('lab', 'pwsh', raw, inv.nonce).value).toBe(3000);
  });

  it('reports a terminating error with its script line, and a parse error with line and column', () => {
    const failed = exec('$a = 1\n\nGet-Item -LiteralPath "/definitely/not/here"\n"unreached"', {});
    try {
      interpretOutput('lab', 'pwsh', failed.raw, failed.inv.nonce);
      expect.unreachable();
    } catch (e) {
      expect(isWinrmError(e, 'POWERSHELL_SCRIPT_FAILED')).toBe(true);
      if (isWinrmError(e))
        expect(e.details.records?.[0]).toMatchObject({
          line: 3,
          category: 'ObjectNotFound',
          target: '/definitely/not/here',
        });
    }
    const parse = exec('$x = 1\n$y = (2', {});
    try {
      interpretOutput('lab', 'pwsh', parse.raw, parse.inv.nonce);
      expect.unreachable();
    } catch (e) {
      if (isWinrmError(e))
        expect(e.details.records?.[0]).toMatchObject({
          line: 2,
          position: 8,
          message: "Missing closing ')' in expression.",
        });
    }
  });

  it('returns unicode intact, null for no output, and an array for several objects', () => {
    const u = exec('$Params.Text + " ✓"', { Text: 'Zürich — 東京' });
    expect(interpretOutput('lab', 'pwsh', u.raw, u.inv.nonce).value).toBe('Zürich — 東京 ✓');
    const none = exec('$null = 1', {});
    expect(interpretOutput('lab', 'pwsh', none.raw, none.inv.nonce).value).toBeNull();
    const many = exec('1; "two"; @{ three = 3 }', {});
    expect(interpretOutput('lab', 'pwsh', many.raw, many.inv.nonce).value).toEqual([
      1,
      'two',
      { three: 3 },
    ]);
  });
});
