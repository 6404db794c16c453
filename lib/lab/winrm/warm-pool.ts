import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ConsoleInput, WindowsConsoleText } from './console';
import type { ExecutorProcess } from './types';

/**
 * A pool of warm PowerShell hosts (lib/lab/winrm/warm-host.ps1): long-lived pwsh processes that
 * each run one powershell.exe command line at a time, in a fresh runspace hosted by the
 * process's own console host, so stdout, the CLIXML on stderr and the exit code are what a pwsh
 * started for that command alone would give (the executor tests and the differential test in
 * warm-pool.test.ts hold the two to the same bytes). A command costs ~50 ms of CPU here instead
 * of ~1.1 s for starting pwsh (and ~1.7 s with the lab's Windows module).
 *
 * Channels: the pool listens on a Unix socket in a folder of its own. A host connects once with
 * `ctl <server>` (its replies: ready, then `{id, exit}` per command) and twice per command with
 * `<id> out` and `<id> err` (that command's stdout, which also carries its stdin the other way,
 * and its stderr). Commands go to the host's stdin as JSON lines. What a host writes to its own
 * stdout/stderr (a native program a script starts inherits those) is given to the command it is
 * running.
 *
 * Scheduling: an idle host takes the next command; with none idle a new host starts while fewer
 * than `maxServers` run, otherwise the command waits. A command may be waiting on another one
 * (e.g. a script that waits for a scheduled task's), so a bounded pool could deadlock: when no
 * command has finished for `queueWaitMs` while commands wait, a host is started for the oldest
 * one anyway (under load that still progresses, no extra host starts: starting one costs more
 * CPU than the commands waiting for a busy one). At most `maxIdle` hosts stay
 * idle; a host retires after `jobsPerServer` commands (every import of a module with enums or
 * classes defines new dynamic types, which .NET never unloads).
 */

export interface WarmPoolOptions {
  pwshPath?: string;
  /** Hosts started before commands queue. Default 4, or twice the CPUs when more. */
  maxServers?: number;
  /** Hosts kept idle. Default 4. */
  maxIdle?: number;
  /** How long the pool may go without a command finishing, while some wait, before it starts a host for the oldest. Default 2000 ms. */
  queueWaitMs?: number;
  /** Commands a host runs before it retires. Default 150. */
  jobsPerServer?: number;
  /** Working directory of the hosts. Default the OS temp directory. */
  cwd?: string;
}

export interface WarmCommand {
  /** The command text: what followed -Command, or -EncodedCommand decoded. */
  script: string;
  /** It came as -EncodedCommand: the console host then writes errors as CLIXML on a redirected stderr. */
  encoded: boolean;
  /** The whole environment the command's process would have had, beyond the host's own. */
  env: Record<string, string>;
  /** The profile the console host would load first (-NoProfile is not honoured by the lab), or null. */
  profile: string | null;
  codepage: number;
}

export interface WarmPoolStats {
  /** Hosts started since the pool was created. */
  started: number;
  /** Hosts serving now (busy or idle; not those retiring). */
  running: number;
  /** Commands run. */
  commands: number;
}

/**
 * The .NET runtime settings of a warm host, read once when it starts (the host removes them from
 * its environment then, so commands see the environment a pwsh of their own would have; a value
 * the lab itself was given is left alone). Tiered compilation off: each command opens a runspace
 * and compiles its scripts anew, and with tiering on each host's background JIT re-compiled for
 * seconds after every burst (0.5 CPU s per second per host, measured, so 4 hosts held both cores
 * of a 2-core machine); with it off a host starts ~1 CPU s slower and each command costs about
 * half (Re-check all on the 1-worker lab: 12.8 → 5.1 CPU s; lib/lab/winrm/README.md, "Warm hosts").
 */
const HOST_RUNTIME_ENV: Record<string, string> = Object.fromEntries(
  Object.entries({ DOTNET_TieredCompilation: '0' }).filter(([k]) => process.env[k] === undefined),
);
const HOST_RUNTIME_DROP = Object.keys(HOST_RUNTIME_ENV).join(',');

/** Absolute path of warm-host.ps1, resolved like the lab's Windows module (see prelude.ts). */
export function warmHostScriptPath(): string {
  return process.env.LAB_WARM_HOST_SCRIPT ?? path.resolve(process.cwd(), 'lib/lab/winrm/warm-host.ps1');
}

type Job = {
  id: number;
  /** Shown only to the host: its stream connections must carry it. */
  token: string;
  /** Stream connections the host opened for it (from its exit report); they must all close. */
  streams?: number;
  closedStreams: number;
  command: WarmCommand;
  stdout: WindowsConsoleText;
  stderr: WindowsConsoleText;
  stdin: ConsoleInput;
  server?: Server;
  out?: net.Socket;
  err?: net.Socket;
  exitCode?: number;
  done: boolean;
  finish: (code: number) => void;
};

type Server = {
  id: number;
  /** A retiring host that has not exited by then is killed. */
  retireTimer?: NodeJS.Timeout;
  child: ChildProcessWithoutNullStreams;
  ctl?: net.Socket;
  ready: boolean;
  job?: Job;
  runs: number;
  retiring: boolean;
};

type Control = { ready?: boolean; id?: number; exit?: number; streams?: number; failed?: boolean };

export class WarmPool {
  readonly #o: Required<Omit<WarmPoolOptions, 'cwd'>> & { cwd: string };
  readonly #dir: string;
  readonly #socketPath: string;
  readonly #listener: net.Server;
  readonly #listening: Promise<void>;
  readonly #servers = new Set<Server>();
  readonly #idle: Server[] = [];
  readonly #queue: Job[] = [];
  readonly #jobs = new Map<number, Job>();
  readonly #token = randomBytes(16).toString('hex');
  #script: string | undefined;
  #nextJob = 1;
  #nextServer = 1;
  #closed = false;
  /** When a command last finished (or the queue last became non-empty). */
  #progressAt = 0;
  #stall: NodeJS.Timeout | undefined;
  #stats = { started: 0, commands: 0 };

  constructor(options: WarmPoolOptions = {}) {
    this.#o = {
      pwshPath: options.pwshPath ?? 'pwsh',
      maxServers: options.maxServers ?? Math.max(4, 2 * os.cpus().length),
      maxIdle: options.maxIdle ?? 4,
      queueWaitMs: options.queueWaitMs ?? 2000,
      jobsPerServer: options.jobsPerServer ?? 150,
      cwd: options.cwd ?? os.tmpdir(),
    };
    this.#dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-warm-'));
    this.#socketPath = path.join(this.#dir, 'pool.sock');
    this.#listener = net.createServer((socket) => this.#accept(socket));
    this.#listening = new Promise((resolve, reject) => {
      this.#listener.once('error', reject);
      this.#listener.listen(this.#socketPath, () => resolve());
    });
    // Nobody may be waiting on it; a failure to listen shows as hosts that never get ready.
    this.#listening.catch(() => undefined);
    this.#listener.on('error', () => undefined);
  }

  stats(): WarmPoolStats {
    return { ...this.#stats, running: [...this.#servers].filter((s) => !s.retiring).length };
  }

  /**
   * Starts hosts ahead of the first commands (up to `count`, at most `maxIdle`), so the first
   * commands do not pay for starting pwsh: the lab calls this when it starts.
   */
  prewarm(count: number): void {
    const n = Math.min(count, this.#o.maxIdle) - this.#servers.size;
    for (let i = 0; i < n && !this.#closed; i++) this.#idle.push(this.#start());
  }

  /** Runs one command; its streams and exit code behave as a process of its own would. */
  run(command: WarmCommand): ExecutorProcess {
    const stdout = new WindowsConsoleText(command.codepage);
    const stderr = new WindowsConsoleText(command.codepage);
    const stdin = new ConsoleInput(command.codepage);
    let finish!: (code: number) => void;
    const exit = new Promise<number>((resolve) => {
      finish = resolve;
    });
    const job: Job = { id: this.#nextJob++, token: randomBytes(12).toString('hex'), closedStreams: 0, command, stdout, stderr, stdin, done: false, finish };
    this.#jobs.set(job.id, job);
    this.#stats.commands++;
    this.#dispatch(job);
    return {
      stdout,
      stderr,
      stdin,
      exit,
      kill: () => this.#kill(job),
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#stall) clearTimeout(this.#stall);
    for (const job of [...this.#jobs.values()]) this.#end(job, 1);
    for (const s of [...this.#servers]) this.#terminate(s);
    await new Promise<void>((resolve) => this.#listener.close(() => resolve()));
    fs.rmSync(this.#dir, { recursive: true, force: true });
  }

  #dispatch(job: Job): void {
    if (this.#closed) return this.#fail(job, 'The lab is shutting down.');
    const idle = this.#idle.pop();
    if (idle) return this.#send(idle, job);
    // The stall guard measures from when the queue stopped being empty.
    if (this.#queue.length === 0) this.#progressAt = performance.now();
    this.#queue.push(job);
    this.#drain(); // a new host when under the cap
    this.#watchStall();
  }

  /** Hosts that serve (not retiring). */
  #active(): number {
    let n = 0;
    for (const s of this.#servers) if (!s.retiring) n++;
    return n;
  }

  /** Queued commands get new hosts while the serving ones are under the cap (after a kill, a crash, a retirement). */
  #drain(): void {
    while (!this.#closed && this.#queue.length > 0 && this.#active() < this.#o.maxServers) this.#send(this.#start(), this.#queue.shift()!);
  }

  /** While commands wait: after `queueWaitMs` without any command finishing, a host for the oldest. */
  #watchStall(): void {
    if (this.#stall || this.#queue.length === 0 || this.#closed) return;
    const due = this.#progressAt + this.#o.queueWaitMs - performance.now();
    this.#stall = setTimeout(() => {
      this.#stall = undefined;
      if (this.#queue.length === 0 || this.#closed) return;
      // A host still starting will take the next command soon: that is progress, not a stall.
      if ([...this.#servers].some((x) => !x.ready && !x.retiring)) this.#progressAt = performance.now();
      else if (performance.now() - this.#progressAt >= this.#o.queueWaitMs) {
        const oldest = this.#queue.shift()!;
        this.#progressAt = performance.now();
        this.#send(this.#start(), oldest);
      }
      this.#watchStall();
    }, Math.max(0, due));
  }

  #hostScript(): string {
    this.#script ??= Buffer.from(fs.readFileSync(warmHostScriptPath(), 'utf8'), 'utf16le').toString('base64');
    return this.#script;
  }

  #start(): Server {
    const id = this.#nextServer++;
    this.#stats.started++;
    const child = spawn(this.#o.pwshPath, ['-NoLogo', '-NoProfile', '-NonInteractive', '-EncodedCommand', this.#hostScript()], {
      cwd: this.#o.cwd,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...HOST_RUNTIME_ENV,
        TERM: 'dumb',
        POWERSHELL_TELEMETRY_OPTOUT: '1',
        POWERSHELL_UPDATECHECK: 'Off',
        DOTNET_CLI_TELEMETRY_OPTOUT: '1',
        LAB_WARM_SOCKET: this.#socketPath,
        LAB_WARM_SERVER: String(id),
        LAB_WARM_TOKEN: this.#token,
        LAB_WARM_DROP: HOST_RUNTIME_DROP,
      },
    });
    const server: Server = { id, child, ready: false, runs: 0, retiring: false };
    this.#servers.add(server);
    // A native program started by a script writes to the host's own stdout/stderr.
    child.stdout.on('data', (d: Buffer) => server.job?.stdout.write(d));
    child.stderr.on('data', (d: Buffer) => server.job?.stderr.write(d));
    child.stdin.on('error', () => undefined);
    const gone = (why: string, code: number | null) => {
      if (!this.#servers.delete(server)) return;
      if (server.retireTimer) clearTimeout(server.retireTimer);
      const at = this.#idle.indexOf(server);
      if (at >= 0) this.#idle.splice(at, 1);
      server.ctl?.destroy();
      const job = server.job;
      server.job = undefined;
      if (job && !job.done) {
        if (!server.ready && !server.retiring) this.#fail(job, why);
        else if (server.retiring || code === null) this.#end(job, 1); // killed: TerminateProcess gives 1
        else {
          // The command ended the process itself ([Environment]::Exit): its code, once its streams are in.
          job.exitCode = code;
          job.streams = (job.out ? 1 : 0) + (job.err ? 1 : 0) + job.closedStreams;
          this.#maybeEnd(job);
        }
      }
      this.#drain();
    };
    child.once('error', (e) => gone(`The lab could not start PowerShell 7 (${this.#o.pwshPath}): ${e.message}`, null));
    child.once('exit', (code) => gone(`PowerShell 7 (${this.#o.pwshPath}) ended before it was ready (exit code ${code ?? 'none'}).`, code));
    return server;
  }

  #send(server: Server, job: Job): void {
    server.job = job;
    job.server = server;
    server.runs++;
    if (server.ready) this.#write(server, job);
  }

  #write(server: Server, job: Job): void {
    const { script, encoded, env, profile } = job.command;
    server.child.stdin.write(`${JSON.stringify({ id: job.id, token: job.token, encoded, script, env, profile })}\n`);
  }

  #accept(socket: net.Socket): void {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const nl = head.indexOf(10);
      if (nl < 0) return;
      socket.off('data', onData);
      const [a, b, c] = head.subarray(0, nl).toString('utf8').split(' ');
      const rest = head.subarray(nl + 1);
      if (a === 'ctl' && c === this.#token) this.#attachControl(Number(b), socket, rest);
      else if (a !== 'ctl') this.#attachStream(Number(a), b, c, socket, rest);
      else socket.destroy();
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
  }

  #attachControl(serverId: number, socket: net.Socket, first: Buffer): void {
    const server = [...this.#servers].find((s) => s.id === serverId);
    if (!server) return void socket.destroy();
    server.ctl = socket;
    let buffered = '';
    const onText = (text: string) => {
      buffered += text;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        let m: Control;
        try {
          m = JSON.parse(line) as Control;
        } catch {
          continue;
        }
        this.#control(server, m);
      }
    };
    socket.setEncoding('utf8');
    socket.on('data', onText);
    if (first.length) onText(first.toString('utf8'));
  }

  #control(server: Server, m: Control): void {
    if (m.ready) {
      server.ready = true;
      if (server.job) this.#write(server, server.job);
      return;
    }
    const job = m.id === undefined ? undefined : this.#jobs.get(m.id);
    if (!job || job.server !== server) return;
    // The host's own failure is not a script's exit code: 1, as a crashed process would give.
    job.exitCode = m.failed || m.exit === undefined ? 1 : m.exit;
    job.streams = m.streams ?? 0;
    this.#maybeEnd(job);
    server.job = undefined;
    this.#release(server);
  }

  #attachStream(jobId: number, token: string | undefined, which: string | undefined, socket: net.Socket, first: Buffer): void {
    const job = this.#jobs.get(jobId);
    if (!job || job.done || token !== job.token || (which !== 'out' && which !== 'err')) return void socket.destroy();
    const target = which === 'out' ? job.stdout : job.stderr;
    if (first.length) target.write(first);
    socket.on('data', (d: Buffer) => target.write(d));
    const closed = () => {
      if (which === 'out') job.out = undefined;
      else job.err = undefined;
      job.closedStreams++;
      this.#maybeEnd(job);
    };
    socket.once('close', closed);
    if (which === 'out') {
      job.out = socket;
      // The command's stdin travels back on its stdout connection; the host reads it only when
      // the script uses $input, as the console host does.
      job.stdin.pipe(socket);
    } else {
      job.err = socket;
    }
  }

  /**
   * Ends a command once its exit code is known and every stream connection the host opened for
   * it has closed: the exit report can arrive before those connections are even accepted.
   */
  #maybeEnd(job: Job): void {
    if (job.exitCode === undefined || job.streams === undefined || job.closedStreams < job.streams) return;
    this.#end(job, job.exitCode);
  }

  /** Ends a command: streams closed, exit code given, as a process that has exited. */
  #end(job: Job, code: number): void {
    if (job.done) return;
    job.done = true;
    this.#progressAt = performance.now();
    this.#jobs.delete(job.id);
    job.stdin.unpipe();
    job.out?.destroy();
    job.err?.destroy();
    job.stdout.end();
    job.stderr.end();
    // Linux keeps the low 8 bits of a process's exit code; the spawn path shows the same.
    job.finish(code & 0xff);
  }

  #fail(job: Job, message: string): void {
    job.stderr.write(Buffer.from(`${message}\n`, 'utf8'));
    this.#end(job, 1);
  }

  #kill(job: Job): void {
    if (job.done) return;
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      return this.#end(job, 1);
    }
    // The command runs inside a host: ending it at once means ending that host.
    if (job.server) this.#terminate(job.server);
    else this.#end(job, 1);
  }

  #release(server: Server): void {
    if (this.#closed || server.retiring) return;
    if (server.runs >= this.#o.jobsPerServer) return this.#retire(server);
    const next = this.#queue.shift();
    if (next) return this.#send(server, next);
    if (this.#idle.length >= this.#o.maxIdle) return this.#retire(server);
    this.#idle.push(server);
  }

  #retire(server: Server): void {
    server.retiring = true;
    const at = this.#idle.indexOf(server);
    if (at >= 0) this.#idle.splice(at, 1);
    server.child.stdin.end();
    // A host kept alive by something a script left running (a foreground thread) is killed.
    server.retireTimer = setTimeout(() => this.#terminate(server), 30_000);
    server.retireTimer.unref();
    this.#drain();
  }

  #terminate(server: Server): void {
    server.retiring = true;
    try {
      if (server.child.pid !== undefined) process.kill(-server.child.pid, 'SIGKILL');
    } catch {
      server.child.kill('SIGKILL');
    }
  }

  /** Resolves once the socket listens (hosts connect to it). */
  ready(): Promise<void> {
    return this.#listening;
  }
}
