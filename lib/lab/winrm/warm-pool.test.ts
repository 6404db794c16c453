import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildInvocation } from '../../winrm/powershell';
import { createPwshExecutor } from './executor';
import { warmCommandLine } from './powershell-args';
import { HOST, PWSH_AVAILABLE, encodeScript } from './test-support';
import type { ExecutorProcess, ExecutorStartRequest } from './types';
import { WarmPool } from './warm-pool';

const PRELUDE = "function Get-LabThing { 'thing' }\n$env:LAB_FROM_PRELUDE = 'p'";

function request(commandLine: string, extra: Partial<ExecutorStartRequest> = {}): ExecutorStartRequest {
  return { hostName: HOST, user: 'LAB\\svc_ssis', command: commandLine, arguments: [], commandLine, codepage: 437, env: {}, viaCmd: true, ...extra };
}

async function collect(proc: ExecutorProcess, stdin?: string) {
  const read = async (s: NodeJS.ReadableStream) => {
    const parts: Buffer[] = [];
    for await (const chunk of s) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(parts).toString('latin1');
  };
  if (stdin !== undefined) proc.stdin.end(Buffer.from(stdin, 'latin1'));
  const [stdout, stderr, code] = await Promise.all([read(proc.stdout), read(proc.stderr), proc.exit]);
  return { stdout, stderr, code };
}

/** What differs between any two runs of the same script: times, process and thread ids. */
const normalize = (text: string) =>
  text
    .replace(/<DT N="TimeGenerated">[^<]*<\/DT>/g, '<DT N="TimeGenerated">T</DT>')
    .replace(/<U32 N="(ProcessId|NativeThreadId|ManagedThreadId)">\d+<\/U32>/g, '<U32 N="$1">n</U32>');

const line = (script: string) => `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${encodeScript(script)}`;

describe('warmCommandLine: which command lines a warm host may run', () => {
  it('takes non-interactive -EncodedCommand and -Command lines and leaves the rest to a process of their own', () => {
    expect(warmCommandLine(['-NoProfile', '-NonInteractive', '-EncodedCommand', encodeScript('Get-Date')])).toEqual({ script: 'Get-Date', encoded: true });
    expect(warmCommandLine(['-nop', '-noni', '-ep', 'Bypass', '-c', 'Get-Date', '-Format', 'o'])).toEqual({ script: 'Get-Date -Format o', encoded: false });
    expect(warmCommandLine(['-NonInteractive', 'Get-Date'])).toEqual({ script: 'Get-Date', encoded: false });
    // Interactive (pywinrm's run_ps), stdin as a prompt, -NoExit, formats, -File, bad base64, empty.
    expect(warmCommandLine(['-EncodedCommand', encodeScript('Get-Date')])).toBeUndefined();
    expect(warmCommandLine(['-NonInteractive', '-Command', '-'])).toBeUndefined();
    expect(warmCommandLine(['-NonInteractive', '-NoExit', '-Command', 'x'])).toBeUndefined();
    expect(warmCommandLine(['-NonInteractive', '-OutputFormat', 'xml', '-Command', 'x'])).toBeUndefined();
    expect(warmCommandLine(['-NonInteractive', '-InputFormat', 'xml', '-Command', 'x'])).toBeUndefined();
    expect(warmCommandLine(['-NonInteractive', '-File', 'C:\\x.ps1'])).toBeUndefined();
    expect(warmCommandLine(['-NonInteractive', '-EncodedCommand', 'not*base64'])).toBeUndefined();
    expect(warmCommandLine(['-NonInteractive', '-EncodedCommand', 'QQ=='])).toBeUndefined();
    expect(warmCommandLine(['-NonInteractive', '-Command', ' '])).toBeUndefined();
  });
});

describe.skipIf(!PWSH_AVAILABLE)('warm hosts against a pwsh of its own per command', () => {
  const cold = createPwshExecutor({ preludeScript: PRELUDE, warm: false });
  // A long queue wait: the cap of two hosts holds however slow this machine is.
  const pool = new WarmPool({ maxServers: 2, maxIdle: 2, jobsPerServer: 6, queueWaitMs: 120_000 });
  const warm = createPwshExecutor({ preludeScript: PRELUDE, warm: pool });
  afterAll(async () => {
    await Promise.all([cold.close(), warm.close()]);
    await pool.close();
  });

  // Everything a script can send down the console host's streams, and every way it can end.
  const corpus: [string, string][] = [
    ['output, warning, non-terminating and terminating errors, host, information, verbose, progress, raw console', "Write-Output 'out1'; Write-Warning 'warn1'; Write-Error 'err1'; Write-Host 'host1'; Write-Information 'info1'; Write-Verbose 'v' -Verbose; Write-Progress -Activity a -Status s; [Console]::Out.WriteLine('raw'); Get-Item /no/such/path; throw 'boom'"],
    ['exit N', 'Write-Output before; exit 7'],
    ['exit inside a function', 'function f { exit 3 }; f; "never"'],
    ['a failing last statement gives 1', "'a'; Get-Item /no/such/path"],
    ['a failing statement then a good one gives 0', "Get-Item /no/such/path; 'after'"],
    ['a parse error', 'if ( {'],
    ['formatted objects: table and list', "[pscustomobject]@{ Name = 'a'; Value = 1 }, [pscustomobject]@{ Name = 'b'; Value = 2 } | Format-Table; Get-Item / | Format-List Name"],
    ['the prelude, the identity and unicode under code page 437', '"$(Get-LabThing) $env:USERDOMAIN\\$env:USERNAME on $env:COMPUTERNAME é ü €"'],
    ['$ErrorActionPreference Stop', "$ErrorActionPreference = 'Stop'; Get-Item /no/such/path; 'never'"],
    ['a param block', 'param($a = 5) "a=$a"'],
    ['exit with a large code', 'exit 300'],
    ['write to stderr directly', "[Console]::Error.WriteLine('direct'); 'x'"],
    ['exit -1', 'exit -1'],
    ['the process ended by the script', '[Environment]::Exit(3)'],
  ];

  it.each(corpus)('%s: same stdout, stderr and exit code', async (_name, script) => {
    const a = await collect(cold.start(request(line(script))));
    const b = await collect(warm.start(request(line(script))));
    expect(normalize(b.stdout)).toBe(normalize(a.stdout));
    expect(normalize(b.stderr)).toBe(normalize(a.stderr));
    expect(b.code).toBe(a.code);
  });

  it('runs -Command lines (errors as text, not CLIXML) the same', async () => {
    const script = "Write-Warning 'w'; Get-Item /no/such/path; 'out'";
    const cmd = `powershell -NonInteractive -NoProfile -Command ${script}`;
    const a = await collect(cold.start(request(cmd, { viaCmd: false })));
    const b = await collect(warm.start(request(cmd, { viaCmd: false })));
    expect(b).toEqual(a);
    expect(a.stderr).not.toContain('CLIXML');
  });

  it("runs the wizard's own runner the same, inline and with script and parameters on stdin", async () => {
    const script = "param($Name) [pscustomobject]@{ hello = $Name; quote = \"it's\" }";
    for (const inline of [true, false]) {
      const inv = buildInvocation(script, { Name: 'wörld' }, 'powershell', { inline });
      const stdin = inv.stdin?.toString('latin1');
      const a = await collect(cold.start(request(inv.commandLine)), stdin);
      const b = await collect(warm.start(request(inv.commandLine)), stdin);
      expect(b).toEqual(a);
      expect(a.stdout).toContain(`##WINRM-RESULT:${inv.nonce}:`);
    }
  });

  it('gives every command a fresh session: no variable, function, location or environment variable leaks to the next', async () => {
    await collect(warm.start(request(line("$global:leak = 1; function Leak {}; Set-Location /; $env:LEAK = 'x'; $env:LAB_FROM_PRELUDE = 'changed'"))));
    const after = await collect(warm.start(request(line("\"[$global:leak][$(Test-Path function:Leak)][$((Get-Location).Path -eq '/')][$env:LEAK][$env:LAB_FROM_PRELUDE]\""))));
    const fresh = await collect(cold.start(request(line("\"[$global:leak][$(Test-Path function:Leak)][$((Get-Location).Path -eq '/')][$env:LEAK][$env:LAB_FROM_PRELUDE]\""))));
    expect(after).toEqual(fresh);
    expect(after.stdout).toBe('[][False][False][][p]\r\n');
    // Removed, not just emptied.
    const gone = await collect(warm.start(request(line('Test-Path env:LEAK; Test-Path env:LAB_WARM_SOCKET'))));
    expect(gone.stdout).toBe('False\r\nFalse\r\n');
  });

  it.skipIf(process.platform !== 'linux' || process.env.DOTNET_TieredCompilation !== undefined)(
    'starts its hosts with tiered compilation off, which the commands do not see in their environment',
    async () => {
      const r = await collect(warm.start(request(line('$PID; Test-Path env:DOTNET_TieredCompilation; Test-Path env:LAB_WARM_DROP'))));
      const [pid, tc, drop] = r.stdout.split('\r\n');
      expect([tc, drop]).toEqual(['False', 'False']);
      // What the host process was started with (its initial environment).
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      expect(environ).toContain('DOTNET_TieredCompilation=0');
    },
  );

  it('reads stdin for $input and $global:input alike', async () => {
    for (const script of ['"[$(@($input) -join \',\')]"', '"[$(@($global:input) -join \',\')]"']) {
      const a = await collect(cold.start(request(line(script))), 'a\r\nb\r\n');
      const b = await collect(warm.start(request(line(script))), 'a\r\nb\r\n');
      expect(b).toEqual(a);
      expect(b.stdout).toBe('[a,b]\r\n');
    }
  });

  it('starts a script whose $input is only inside a function at once, as the console host does (stdin left open)', async () => {
    const proc = warm.start(request(line("function f { $input }; 'ran'")));
    const out = await collect(proc);
    expect(out).toEqual({ stdout: 'ran\r\n', stderr: '', code: 0 });
  });

  it('keeps all of a quick command\'s output when this process is too busy to read it at once', async () => {
    for (let i = 0; i < 3; i++) {
      const proc = warm.start(request(line("'hello'; Write-Error 'oops'")));
      const out = collect(proc);
      // Busy: the host connects, writes, closes and reports its exit before we read anything.
      const until = Date.now() + 400;
      while (Date.now() < until) {
        /* spin */
      }
      const r = await out;
      expect(r.stdout).toBe('hello\r\n');
      expect(r.stderr).toContain('oops');
      expect(r.code).toBe(1); // Write-Error last: $? is false
    }
  });

  it('ends a killed command with exit code 1 and keeps serving the next ones', async () => {
    const proc = warm.start(request(line("'started'; Start-Sleep -Seconds 60; 'never'")));
    const out = collect(proc);
    await new Promise((r) => setTimeout(r, 3000));
    proc.kill();
    const killed = await out;
    expect(killed.code).toBe(1);
    expect(killed.stdout).not.toContain('never');
    const next = await collect(warm.start(request(line("'next'"))));
    expect(next).toEqual({ stdout: 'next\r\n', stderr: '', code: 0 });
  });

  it('runs more commands than hosts at once, and retires hosts after their share of commands', async () => {
    const before = pool.stats();
    const runs = await Promise.all(Array.from({ length: 10 }, (_, i) => collect(warm.start(request(line(`Start-Sleep -Milliseconds 200; ${i}`))))));
    expect(runs.map((r) => r.stdout)).toEqual(Array.from({ length: 10 }, (_, i) => `${i}\r\n`));
    const after = pool.stats();
    expect(after.commands - before.commands).toBe(10);
    // Two hosts at most before queueing; 6 commands each before retiring: at least one new host.
    expect(after.started).toBeGreaterThan(before.started);
    expect(after.running).toBeLessThanOrEqual(2);
  });

  it('starts a host beyond the cap when the waiting commands would otherwise wait on each other', async () => {
    const single = new WarmPool({ maxServers: 1, maxIdle: 1, queueWaitMs: 1000 });
    const exec = createPwshExecutor({ preludeScript: PRELUDE, warm: single });
    try {
      const flag = `/tmp/lab-warm-test-${process.pid}-${Date.now()}`;
      // The first holds the only host until the second, queued behind it, has run.
      const waiter = collect(exec.start(request(line(`while (-not (Test-Path '${flag}')) { Start-Sleep -Milliseconds 100 }; Remove-Item '${flag}'; 'waited'`))));
      await new Promise((r) => setTimeout(r, 500));
      const maker = await collect(exec.start(request(line(`$null = New-Item -ItemType File '${flag}'; 'made'`))));
      expect(maker).toEqual({ stdout: 'made\r\n', stderr: '', code: 0 });
      expect(await waiter).toEqual({ stdout: 'waited\r\n', stderr: '', code: 0 });
      expect(single.stats().started).toBe(2);
    } finally {
      await exec.close();
      await single.close();
    }
  });

  it('runs the first commands on hosts started ahead of them', async () => {
    const early = new WarmPool({ maxServers: 2, maxIdle: 2 });
    const exec = createPwshExecutor({ preludeScript: PRELUDE, warm: early });
    try {
      early.prewarm(2);
      expect(early.stats()).toMatchObject({ started: 2, running: 2 });
      const runs = await Promise.all([1, 2].map((i) => collect(exec.start(request(line(`${i}`))))));
      expect(runs.map((r) => r.stdout)).toEqual(['1\r\n', '2\r\n']);
      expect(early.stats()).toMatchObject({ started: 2, commands: 2 });
    } finally {
      await exec.close();
      await early.close();
    }
  });
});
