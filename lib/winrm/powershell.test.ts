import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isWinrmError } from './errors';
import {
  bootstrapNonce,
  decodeInlinePowerShell,
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
    // Forced to stdin, as the client does for secret parameters (this script would fit inline:
    // 200 KB of one character deflates to almost nothing).
    const inv = buildInvocation(
      script,
      { Password: 'S3cr3t-Value', Name: "O'Brien" },
      'powershell',
      { inline: false },
    );
    expect(inv.commandLine.length).toBeLessThan(MAX_COMMAND_LINE);
    expect(inv.commandLine).toMatch(
      /^powershell -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand [A-Za-z0-9+/=]+$/,
    );
    expect(inv.commandLine).not.toContain('S3cr3t');
    expect(decodeInlinePowerShell(inv.commandLine)).toBeNull();
    const stdin = inv.stdin ?? Buffer.alloc(0);
    expect(stdin.toString('ascii')).not.toContain('S3cr3t'); // base64, not clear text
    expect(decodePowerShellStdin(stdin)).toEqual({
      script,
      params: { Password: 'S3cr3t-Value', Name: "O'Brien" },
    });
    expect(bootstrapNonce(inv.commandLine)).toBe(inv.nonce);
  });

  it('puts a script that fits, with its parameters, inline in the command line (no stdin to send)', () => {
    const script = 'param([string]$Name)\n"hello $Name"';
    const params = { Name: `O'Brien "$(whoami)" \`; % ^ & | 東京` };
    const inv = buildInvocation(script, params, 'powershell');
    expect(inv.stdin).toBeNull();
    expect(inv.commandLine.length).toBeLessThanOrEqual(MAX_COMMAND_LINE);
    expect(inv.commandLine).toMatch(
      /^powershell -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand [A-Za-z0-9+/=]+$/,
    );
    const inline = decodeInlinePowerShell(inv.commandLine);
    expect(inline).toMatchObject({ script, params });
    expect(inline?.runner).toContain('[ScriptBlock]::Create($__l[0])');
    expect(bootstrapNonce(inv.commandLine)).toBe(inv.nonce);
  });

  it('sends on stdin when told to (secret parameters), when the line would be too long, or when the script holds NUL', () => {
    const forced = buildInvocation('$Params.Password', { Password: 'S3cr3t' }, 'pwsh', {
      inline: false,
    });
    expect(forced.stdin).not.toBeNull();
    expect(decodeInlinePowerShell(forced.commandLine)).toBeNull();
    // Random text does not compress: ~4 KB of it cannot fit in 8191 characters.
    const noise = randomBytes(3000).toString('base64');
    const long = buildInvocation(`'${noise}'`, {}, 'pwsh');
    expect(long.stdin).not.toBeNull();
    expect(long.commandLine.length).toBeLessThanOrEqual(MAX_COMMAND_LINE);
    expect(buildInvocation('"a\0b"', {}, 'pwsh').stdin).not.toBeNull();
    // Growing scripts: inline up to some size, then stdin, and no line ever over the limit.
    const modes = Array.from({ length: 30 }, (_, i) => {
      const inv = buildInvocation(`'${randomBytes((i + 1) * 100).toString('hex')}'`, {}, 'pwsh');
      expect(inv.commandLine.length).toBeLessThanOrEqual(MAX_COMMAND_LINE);
      return inv.stdin === null ? 'inline' : 'stdin';
    });
    expect(modes[0]).toBe('inline');
    expect(modes.at(-1)).toBe('stdin');
    expect(modes.join(',')).toMatch(/^(inline,)+(stdin,?)+$/);
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
    // PowerShell itself said why, before the runner printed anything.
    const refused = run(
      '',
      'Cannot invoke method. Method invocation is supported only on core types in this language mode.\r\n',
      1,
    );
    try {
      interpretOutput('h', 'powershell', refused, inv.nonce);
      expect.unreachable();
    } catch (e) {
      expect(isWinrmError(e, 'POWERSHELL_NOT_STARTED')).toBe(true);
      if (isWinrmError(e))
        expect(e.message).toMatch(/before running the script: Cannot invoke method/);
    }
  });

  it('a process that died silently (no START, nothing on stderr) is reported as killed, not as not started', () => {
    try {
      interpretOutput('h', 'powershell', run('partial output\r\n', '', 1), inv.nonce);
      expect.unreachable();
    } catch (e) {
      expect(isWinrmError(e, 'POWERSHELL_BAD_RESULT')).toBe(true);
      if (isWinrmError(e)) {
        expect(e.message).toMatch(/before the script finished.*killed/);
        expect(e.details.exitCode).toBe(1);
      }
    }
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

/** Each test starts pwsh one to three times: a few seconds each on a busy machine. */
const PWSH_TEST_MS = 60_000;

/**
 * The bootstrap for real, in PowerShell 7, both ways: script and parameters inline in the command
 * line, and fed through stdin exactly as WinRS would (forced, as for secret parameters).
 */
describe.skipIf(!PWSH).each([
  { mode: 'inline', inline: true },
  { mode: 'stdin', inline: false },
])('the bootstrap in real PowerShell ($mode)', ({ inline }) => {
  const exec = (script: string, params: Record<string, unknown>) => {
    const inv = buildInvocation(script, params, 'pwsh', { inline });
    const args = inv.commandLine.split(' ').slice(1);
    const r = spawnSync(PWSH ?? 'pwsh', args, {
      input: inv.stdin ?? '',
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { inv, raw: { stdout: r.stdout, stderr: r.stderr, exitCode: r.status } };
  };

  it(
    'travels the way it was asked to',
    () => {
      const { inv, raw } = exec('param($N) $N + 1', { N: 41 });
      expect(inv.stdin === null).toBe(inline);
      expect(interpretOutput('lab', 'pwsh', raw, inv.nonce).value).toBe(42);
    },
    PWSH_TEST_MS,
  );

  it(
    'a script that calls exit: its exit code, START printed, no result',
    () => {
      const { inv, raw } = exec('Write-Output before\nexit 7\n"unreached"', {});
      expect(raw.exitCode).toBe(7);
      expect(raw.stdout).toContain(`##WINRM-START:${inv.nonce}`);
      expect(raw.stdout).not.toContain('unreached');
      try {
        interpretOutput('lab', 'pwsh', raw, inv.nonce);
        expect.unreachable();
      } catch (e) {
        expect(isWinrmError(e, 'POWERSHELL_BAD_RESULT')).toBe(true);
        if (isWinrmError(e)) expect(e.message).toMatch(/called exit/);
      }
    },
    PWSH_TEST_MS,
  );

  it(
    'binds JSON parameters to param() and $Params, never as code, and returns one JSON result',
    () => {
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
    },
    PWSH_TEST_MS,
  );

  it(
    'runs a script far beyond the 8191-character command line limit',
    () => {
      const filler = Array.from({ length: 3000 }, (_, i) => `$v${i} = ${i}`).join('\n');
      const { inv, raw } = exec(`${filler}\n$v2999 + 1`, {});
      expect(inv.commandLine.length).toBeLessThan(MAX_COMMAND_LINE);
      expect(interpretOutput('lab', 'pwsh', raw, inv.nonce).value).toBe(3000);
    },
    PWSH_TEST_MS,
  );

  it(
    'reports a terminating error with its script line, and a parse error with line and column',
    () => {
      const failed = exec(
        '$a = 1\n\nGet-Item -LiteralPath "/definitely/not/here"\n"unreached"',
        {},
      );
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
    },
    PWSH_TEST_MS,
  );

  it(
    'returns unicode intact, null for no output, and an array for several objects',
    () => {
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
    },
    PWSH_TEST_MS,
  );
});
