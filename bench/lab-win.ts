// node --conditions=react-server --import tsx bench/lab-win.ts — the lab's Windows side as the
// wizard meets it: commands per second through one WinRM shell and through 16 shells at once (one
// per host of a lab started with 14 workers: SQLNODE1, SQLNODE2, WORKER1..14), for a trivial
// script through our client's runPowerShell (in the lab's warm PowerShell hosts, a fresh runspace
// with the lab module per command; LAB_PWSH_WARM=0 npm run bench:lab-win for a pwsh per command)
// and for `cmd /c echo` (answered by the lab without a process); then what a pwsh start costs:
// first command on a fresh shell vs later ones, and raw `pwsh -NoProfile -Command 1` with and
// without the lab module's prelude. A benchmark, not a test: run it on a quiet machine.
// The lab runs as a child process, so client and server do not share an event loop.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { windowsPrelude, windowsSessionEnv } from '@/lib/lab/windows';
import type { LabEndpoints } from '@/lib/lab/topology';
import type { WinrmClient } from '@/lib/winrm';
import { labClient } from '@/lib/winrm/lab-client.test-helper';
import { startLabProcess, stopLabProcess, table } from './lab-process';

const DURATION_MS = Number(process.env.BENCH_MS ?? 4000);
const ECHO = 'cmd /c echo x';
const PWSH = process.env.PWSH ?? path.join(os.homedir(), '.dotnet', 'tools', 'pwsh');
const node = (args: string[]) =>
  spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};
const ms = (t0: number) => performance.now() - t0;
const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');

/** Commands per second: `shells` loops at once, each on its own client, for DURATION_MS. */
async function rate(
  clients: WinrmClient[],
  run: (c: WinrmClient) => Promise<unknown>,
  minMs = DURATION_MS,
): Promise<{ perSec: number; n: number }> {
  const until = performance.now() + minMs;
  const t0 = performance.now();
  const counts = await Promise.all(
    clients.map(async (c) => {
      let n = 0;
      // At least one command per shell, so a slow command still counts once everywhere.
      do {
        await run(c);
        n++;
      } while (performance.now() < until);
      return n;
    }),
  );
  const n = counts.reduce((a, b) => a + b, 0);
  return { perSec: n / (ms(t0) / 1000), n };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return ms(t0);
}

async function bench(ep: LabEndpoints): Promise<void> {
  const caPem = fs.readFileSync(ep.caCertPath, 'utf8');
  const hosts = Object.keys(ep.hosts);
  const client = (host: string): WinrmClient => labClient(ep, caPem, host, 'https-basic');
  const ps = (c: WinrmClient) => c.runPowerShell('1');
  const echo = (c: WinrmClient) => c.runCommand(ECHO);

  console.log(
    `Lab: ${hosts.length} hosts (${hosts[0]} … ${hosts.at(-1)}), HTTPS+Basic, Node ${process.version}, ${os.cpus().length} CPUs, ${DURATION_MS} ms per rate\n`,
  );

  // Warm up both sides (JIT, TLS) on a host the measurements below do not start fresh on.
  {
    const w = client(hosts.at(-1)!);
    await rate([w], echo, 500);
    await w.runPowerShell('1');
    await w.close();
  }

  // 1. Throughput.
  const rows: string[][] = [];
  const cases: Array<[string, (c: WinrmClient) => Promise<unknown>, number]> = [
    ['cmd /c echo x (no process)', echo, DURATION_MS],
    [`runPowerShell('1') (${process.env.LAB_PWSH_WARM === '0' ? 'pwsh per command' : 'warm hosts'})`, ps, Math.max(DURATION_MS, 6000)],
  ];
  for (const [label, run, minMs] of cases) {
    const one = client(hosts[0]!);
    await run(one);
    const single = await rate([one], run, minMs);
    await one.close();
    const many = hosts.slice(0, 16).map(client);
    await Promise.all(many.map((c) => run(c)));
    const sixteen = await rate(many, run, minMs);
    await Promise.all(many.map((c) => c.close()));
    rows.push([
      label,
      fmt(single.perSec),
      String(single.n),
      fmt(sixteen.perSec),
      String(sixteen.n),
      fmt(sixteen.perSec / single.perSec, 2),
    ]);
  }
  table(
    'Commands per second (one shell per client; 16 shells = one on each of the 16 hosts)',
    ['command', '1 shell /s', '(n)', '16 shells /s', '(n)', 'ratio'],
    rows,
  );

  // 2. First command on a fresh shell vs later ones (new client each round, hosts rotating).
  const firstPs: number[] = [];
  const laterPs: number[] = [];
  const firstEcho: number[] = [];
  const laterEcho: number[] = [];
  const afterEchoPs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const a = client(hosts[i % hosts.length]!);
    firstPs.push(await timed(() => ps(a)));
    for (let k = 0; k < 2; k++) laterPs.push(await timed(() => ps(a)));
    await a.close();
    const b = client(hosts[(i + 5) % hosts.length]!);
    firstEcho.push(await timed(() => echo(b)));
    for (let k = 0; k < 3; k++) laterEcho.push(await timed(() => echo(b)));
    afterEchoPs.push(await timed(() => ps(b)));
    await b.close();
  }
  table(
    'Latency per command, median ms (5 fresh clients each)',
    ['what', 'median ms', 'samples'],
    [
      [
        'runPowerShell, first on a fresh shell (connect + Create + pwsh)',
        fmt(median(firstPs), 0),
        String(firstPs.length),
      ],
      ['runPowerShell, later on the same shell', fmt(median(laterPs), 0), String(laterPs.length)],
      [
        'cmd /c echo, first on a fresh shell (connect + Create)',
        fmt(median(firstEcho), 0),
        String(firstEcho.length),
      ],
      ['cmd /c echo, later on the same shell', fmt(median(laterEcho), 1), String(laterEcho.length)],
      [
        'runPowerShell on a shell already open (after echoes)',
        fmt(median(afterEchoPs), 0),
        String(afterEchoPs.length),
      ],
    ],
  );
}

/** Raw pwsh starts on this machine, with and without the lab module's prelude (its own Windows API). */
async function rawPwsh(): Promise<void> {
  const server = node(['lib/lab/windows/test-server.ts', 'fresh']);
  const lines = readline.createInterface({ input: server.stdout! });
  const first = await new Promise<string>((resolve) => lines.once('line', resolve));
  const api = JSON.parse(first) as { url: string; token: string };
  const env = {
    ...process.env,
    ...windowsSessionEnv(api, 'SQLNODE1', { remote: true, auth: 'ntlm', user: 'LAB\\wizard' }),
    TERM: 'dumb',
  };
  const run = (args: string[]) =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const p = spawn(PWSH, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      p.on('error', reject);
      p.on('exit', (code) =>
        code === 0 ? resolve(ms(t0)) : reject(new Error(`pwsh exit ${code}: ${err}`)),
      );
    });
  const samples = async (args: string[], n = 5) => {
    await run(args);
    const xs: number[] = [];
    for (let i = 0; i < n; i++) xs.push(await run(args));
    return xs;
  };
  try {
    const bare = await samples(['-NoProfile', '-NonInteractive', '-Command', '1']);
    const prelude = await samples([
      '-NoProfile',
      '-NonInteractive',
      '-Command',
      `${windowsPrelude('SQLNODE1')}1`,
    ]);
    table(
      'Raw pwsh start (this machine, no WinRM), ms over 5 runs after one warm-up',
      ['command', 'median', 'min', 'max'],
      [
        [
          'pwsh -NoProfile -Command 1',
          fmt(median(bare), 0),
          fmt(Math.min(...bare), 0),
          fmt(Math.max(...bare), 0),
        ],
        [
          'same + lab prelude (Import-Module LabWindows, session.open)',
          fmt(median(prelude), 0),
          fmt(Math.min(...prelude), 0),
          fmt(Math.max(...prelude), 0),
        ],
      ],
    );
  } finally {
    server.stdin?.end();
    await new Promise((r) => server.once('exit', r));
  }
}

async function main(): Promise<void> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-lab-win-'));
  try {
    const { child, ep } = await startLabProcess(stateDir);
    try {
      await bench(ep);
    } finally {
      await stopLabProcess(child);
    }
    await rawPwsh();
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
