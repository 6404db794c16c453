// npm run bench:winrm — the WinRM client against the lab: HTTP round trips per command (ours with
// shell reuse vs pywinrm's run_cmd pattern, counted by the lab's WinRM server), commands per
// second on one shell and on 16 hosts at once, and client memory for a command writing 20 MiB
// (collected vs streamed). A benchmark, not a test: numbers for the README, on a quiet machine.
// The lab runs as a child process (`npm run lab`), so memory figures are the client's alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { LabEndpoints } from '@/lib/lab/topology';
import { PYWINRM_AVAILABLE, encodeScript, runPywinrm } from '@/lib/lab/winrm/test-support';
import type { WinrmClient } from '@/lib/winrm';
import { MODES, type Mode, labClient, labPywinrmConn } from '@/lib/winrm/lab-client.test-helper';
import { startLabProcess, stopLabProcess, table } from './lab-process';

const DURATION_MS = Number(process.env.BENCH_MS ?? 3000);
const ECHO = 'cmd /c echo x';
/**
 * A probe-sized script (~2 KB, like most of lib/powershell/scripts) with parameters: small enough
 * to travel inline in the Command, as `runPowerShell('1')` does.
 */
const PROBE = [
  'param([string]$Node, [string[]]$Services)',
  '$result = [ordered]@{ node = $Node; checked = (Get-Date).ToString("o"); services = @() }',
  ...Array.from(
    { length: 12 },
    (_, i) =>
      `$result.services += [pscustomobject]@{ index = ${i}; name = "svc${i}-$Node"; wanted = ($Services -contains "svc${i}"); note = 'probe line ${i} of the benchmark script' }`,
  ),
  '$result',
].join('\n');
const PROBE_PARAMS = { Node: 'SQLNODE1', Services: ['svc1', 'svc4', 'svc9'] };

function main(): Promise<void> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-winrm-'));
  return run(stateDir).finally(() => fs.rmSync(stateDir, { recursive: true, force: true }));
}

async function run(stateDir: string): Promise<void> {
  const { child, ep } = await startLabProcess(stateDir);
  try {
    await bench(ep);
  } finally {
    await stopLabProcess(child);
  }
}

async function bench(ep: LabEndpoints): Promise<void> {
  const caPem = fs.readFileSync(ep.caCertPath, 'utf8');
  const hosts = Object.keys(ep.hosts);
  const client = (host: string, mode: Mode): WinrmClient => labClient(ep, caPem, host, mode);
  const serverRequests = async (host: string): Promise<number> => {
    const res = await fetch(`${ep.control.url}/state`, {
      headers: { authorization: `Bearer ${ep.control.token}` },
    });
    const state = (await res.json()) as { winrm: Record<string, { requests: number }> };
    return state.winrm[host]?.requests ?? 0;
  };
  /** Server-counted requests per command for `n` runs of `fn`. */
  const perCommand = async (
    host: string,
    n: number,
    fn: () => Promise<unknown>,
  ): Promise<number> => {
    const before = await serverRequests(host);
    for (let i = 0; i < n; i++) await fn();
    return ((await serverRequests(host)) - before) / n;
  };
  const fmt = (n: number, d = 1) => n.toFixed(d);

  console.log(
    `Lab: ${hosts.length} hosts (${hosts.join(', ')}), Node ${process.version}, ${os.cpus().length} CPUs\n`,
  );

  // 1. Round trips per command, counted at the lab's WinRM server.
  const rows: string[][] = [];
  const PS = `powershell -NoProfile -NonInteractive -EncodedCommand ${encodeScript('Write-Output 1')}`;
  for (const [i, mode] of MODES.entries()) {
    const host = hosts[i]!;
    const c = client(host, mode);
    const first = await perCommand(host, 1, () => c.runCommand(ECHO));
    const echo = await perCommand(host, 50, () => c.runCommand(ECHO));
    const psCmd = await perCommand(host, 3, () => c.runCommand(PS));
    const ps = await perCommand(host, 3, () => c.runPowerShell('1'));
    const probe = await perCommand(host, 2, () => c.runPowerShell(PROBE, { params: PROBE_PARAMS }));
    // A secret parameter keeps script and parameters off the command line: they go through Send.
    const secret = await perCommand(host, 2, () =>
      c.runPowerShell('param($Password) $Password.Length', { params: { Password: 'S3cr3t!' } }),
    );
    const clientSide = (await c.runCommand(ECHO)).stats.requests;
    await c.close();
    let py = NaN;
    let pyPs = NaN;
    if (PYWINRM_AVAILABLE) {
      const conn = labPywinrmConn(ep, host, mode);
      const cycle = (command: string) => [
        { op: 'open' },
        { op: 'run', command },
        { op: 'output' },
        { op: 'cleanup' },
        { op: 'close' },
      ];
      const pyRun = async (command: string, n: number) => {
        // One Protocol (one keep-alive session) for all n cycles, as a script reusing a Session would.
        const actions = Array.from({ length: n }, () => cycle(command)).flat();
        const before = await serverRequests(host);
        const out = await runPywinrm(conn, actions, {
          dropEnv: ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'],
        });
        const failed = out.results.find((r) => r.error !== undefined);
        if (failed) throw new Error(`pywinrm: ${String(failed.message)}`);
        return ((await serverRequests(host)) - before) / n;
      };
      py = await pyRun(ECHO, 20);
      pyPs = await pyRun(PS, 3);
    }
    rows.push([
      mode,
      fmt(first, 0),
      fmt(echo),
      fmt(clientSide, 0),
      fmt(psCmd),
      fmt(ps),
      fmt(probe),
      fmt(secret),
      fmt(py),
      fmt(pyPs),
    ]);
  }
  table(
    'HTTP requests per command (counted by the lab server)',
    [
      'transport',
      'ours: 1st (Create+auth)',
      'ours: echo, reused shell',
      '(client count)',
      'ours: powershell cmd line',
      "ours: runPowerShell('1')",
      `ours: runPowerShell, ${(PROBE.length / 1024).toFixed(1)} KB + params`,
      'ours: runPowerShell, secret param (Send)',
      'pywinrm run_cmd: echo',
      'pywinrm run_cmd: powershell',
    ],
    rows,
  );

  // 2. Throughput.
  const rate = async (fn: () => Promise<unknown>, ms = DURATION_MS): Promise<number> => {
    const until = Date.now() + ms;
    const started = Date.now();
    let n = 0;
    while (Date.now() < until) {
      await fn();
      n++;
    }
    return n / ((Date.now() - started) / 1000);
  };
  const tput: string[][] = [];
  {
    // Warm up (JIT, TLS session code) so the first row is not penalised.
    const w = client(hosts[0]!, 'https-basic');
    await rate(() => w.runCommand(ECHO), 1000);
    await w.close();
  }
  for (const mode of MODES) {
    const one = client(hosts[0]!, mode);
    await one.runCommand(ECHO);
    const oneShell = await rate(() => one.runCommand(ECHO));
    await one.close();
    const all = hosts.map((h) => client(h, mode));
    await Promise.all(all.map((c) => c.runCommand(ECHO)));
    const counts = await Promise.all(all.map((c) => rate(() => c.runCommand(ECHO)).then((r) => r)));
    await Promise.all(all.map((c) => c.close()));
    tput.push([
      mode,
      fmt(oneShell, 0),
      fmt(
        counts.reduce((a, b) => a + b, 0),
        0,
      ),
    ]);
  }
  {
    const one = client(hosts[0]!, 'https-basic');
    const oneShell = await rate(() => one.runPowerShell('1'), Math.max(DURATION_MS, 5000));
    await one.close();
    const all = hosts.map((h) => client(h, 'https-basic'));
    const counts = await Promise.all(
      all.map((c) => rate(() => c.runPowerShell('1'), Math.max(DURATION_MS, 8000))),
    );
    await Promise.all(all.map((c) => c.close()));
    tput.push([
      'https-basic, runPowerShell (pwsh start each)',
      fmt(oneShell, 2),
      fmt(
        counts.reduce((a, b) => a + b, 0),
        2,
      ),
    ]);
  }
  table(
    'Commands per second (cmd /c echo: the lab answers without a process)',
    ['transport', 'one shell', `${hosts.length} hosts in parallel`],
    tput,
  );

  // 3. Memory for 20 MiB of output: streamed, then collected.
  const BIG = `pwsh -NoProfile -NonInteractive -EncodedCommand ${encodeScript("$s = 'x' * 1023; $w = [Console]::Out; for ($i = 0; $i -lt 20480; $i++) { $w.WriteLine($s) }")}`;
  const mem: string[][] = [];
  const c = client(hosts[0]!, 'https-basic');
  await c.runCommand(ECHO);
  // Live memory, not garbage: a full GC before each sample (gc exposed at run time, so the npm
  // script needs no --expose-gc).
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (const streamed of [true, false]) {
    gc();
    const base = process.memoryUsage();
    let peakRss = base.rss;
    let peakHeap = base.heapUsed + base.arrayBuffers;
    const timer = setInterval(() => {
      gc();
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed + m.arrayBuffers);
    }, 100);
    let bytes = 0;
    const started = Date.now();
    const r = await c.runCommand(BIG, streamed ? { onStdout: (b) => (bytes += b.length) } : {});
    clearInterval(timer);
    bytes += Buffer.byteLength(r.stdout);
    const MB = 1024 * 1024;
    mem.push([
      streamed ? 'streamed (onStdout)' : 'collected (default)',
      fmt(bytes / MB),
      fmt((Date.now() - started) / 1000, 2),
      String(r.stats.receives),
      fmt(r.stats.largestChunkBytes / 1024, 0),
      fmt(r.stats.peakBufferedBytes / 1024, 0),
      fmt((peakHeap - (base.heapUsed + base.arrayBuffers)) / MB),
      fmt((peakRss - base.rss) / MB),
    ]);
  }
  await c.close();
  table(
    'A command writing 20 MiB (HTTPS+Basic)',
    [
      'mode',
      'MiB received',
      's',
      'Receives',
      'largest chunk KiB',
      'client peak buffered KiB',
      'peak live heap+buffers Δ MiB',
      'peak RSS Δ MiB',
    ],
    mem,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
