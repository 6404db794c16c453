import { operationAbortedFault, timedOutFault } from './faults';
import type { ExecutorProcess } from './types';

export type OutputStreamName = 'stdout' | 'stderr';

export interface OutputChunk {
  stream: OutputStreamName;
  data: Buffer;
}

export interface ReceiveResult {
  chunks: OutputChunk[];
  /** True when the process has exited and every byte of its output has been handed out. */
  done: boolean;
  exitCode: number | undefined;
}

export interface ReceiveLimits {
  timeoutMs: number;
  /** Raw output bytes this response may carry (the caller derives it from MaxEnvelopeSize). */
  maxBytes: number;
  streams: ReadonlySet<OutputStreamName>;
  signal?: AbortSignal;
}

/** After exit, how long to wait for the pipes to close (a grandchild may hold them open). */
const PIPE_GRACE_MS = 1000;
/**
 * Once output exists, wait this long for more (or for the exit) before answering, so a quick
 * command comes back in one Receive instead of several: WinRS batches output similarly.
 */
const SETTLE_MS = 25;

/** Writes are merged into the previous chunk only while it is smaller than this. */
const COALESCE_LIMIT = 64 * 1024;

/** STATUS_CONTROL_C_EXIT, what a console process killed by Ctrl+C reports (as a signed int). */
export const CTRL_C_EXIT_CODE = -1073741510;

/**
 * One WinRS command: buffers the process's output in arrival order until Receive takes it, and
 * tracks when it is finished (exited, pipes closed) so the last Receive can say Done.
 */
export class RunningCommand {
  readonly id: string;
  readonly #process: ExecutorProcess;
  readonly #chunks: OutputChunk[] = [];
  readonly #ended = new Set<OutputStreamName>();
  readonly #listeners = new Set<() => void>();
  #exitCode: number | undefined;
  #exitOverride: number | undefined;
  #aborted = false;
  #stdinEnded = false;

  constructor(id: string, process: ExecutorProcess) {
    this.id = id;
    this.#process = process;
    for (const name of ['stdout', 'stderr'] as const) {
      const stream = process[name];
      stream.on('data', (data: Buffer | string) => {
        const buf = typeof data === 'string' ? Buffer.from(data) : data;
        if (buf.length > 0) this.#push({ stream: name, data: buf });
      });
      const end = () => this.#end(name);
      stream.once('end', end);
      stream.once('close', end);
      stream.once('error', end);
    }
    // A stdin the process stopped reading must not crash the lab with EPIPE.
    process.stdin.on('error', () => undefined);
    process.exit.then(
      (code) => this.#exited(code),
      () => this.#exited(1),
    );
  }

  get finished(): boolean {
    return this.#exitCode !== undefined && this.#ended.size === 2;
  }

  /** Output still to hand out, optionally only of some streams. */
  #pending(streams?: ReadonlySet<OutputStreamName>): boolean {
    return this.#chunks.some((c) => !streams || streams.has(c.stream));
  }

  #pendingBytes(streams: ReadonlySet<OutputStreamName>): number {
    let n = 0;
    for (const c of this.#chunks) if (streams.has(c.stream)) n += c.data.length;
    return n;
  }

  #push(chunk: OutputChunk): void {
    const last = this.#chunks[this.#chunks.length - 1];
    // Coalesce consecutive writes to one stream: fewer rsp:Stream elements, same bytes.
    // (Only small ones: re-copying a large buffer on every write would be quadratic.)
    if (last && last.stream === chunk.stream && last.data.length < COALESCE_LIMIT)
      last.data = Buffer.concat([last.data, chunk.data]);
    else this.#chunks.push(chunk);
    this.#notify();
  }

  #end(name: OutputStreamName): void {
    if (this.#ended.has(name)) return;
    this.#ended.add(name);
    this.#notify();
  }

  #exited(code: number): void {
    this.#exitCode = this.#exitOverride ?? code;
    this.#notify();
    if (this.#ended.size < 2) {
      setTimeout(() => {
        this.#end('stdout');
        this.#end('stderr');
      }, PIPE_GRACE_MS).unref();
    }
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /** Resolves when `ready()` holds, `ms` pass or the signal/abort fires. */
  #waitFor(ready: () => boolean, ms: number, signal?: AbortSignal): Promise<void> {
    if (ready() || this.#aborted || signal?.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      const check = () => {
        if (ready() || this.#aborted) finish();
      };
      const timer = setTimeout(finish, ms);
      this.#listeners.add(check);
      signal?.addEventListener('abort', finish, { once: true });
    });
  }

  /**
   * Blocks until there is output or the command finished, up to `timeoutMs`; then the TimedOut
   * fault, exactly as WinRS answers a Receive that found nothing within OperationTimeout.
   */
  async receive(limits: ReceiveLimits): Promise<ReceiveResult> {
    const { streams, signal } = limits;
    const started = Date.now();
    const ready = () => this.#pending(streams) || this.finished;
    await this.#waitFor(ready, limits.timeoutMs, signal);
    if (this.#aborted) throw operationAbortedFault();
    if (!ready()) throw timedOutFault();
    const left = limits.timeoutMs - (Date.now() - started);
    // A full envelope's worth is waiting: send it now (no point waiting for more).
    if (this.#pendingBytes(streams) < limits.maxBytes)
      await this.#waitFor(() => this.finished, Math.min(SETTLE_MS, left), signal);
    if (this.#aborted) throw operationAbortedFault();

    const chunks: OutputChunk[] = [];
    let budget = Math.max(1, limits.maxBytes);
    for (let i = 0; i < this.#chunks.length && budget > 0;) {
      const chunk = this.#chunks[i];
      if (!chunk) break;
      if (!streams.has(chunk.stream)) {
        i++;
        continue;
      }
      if (chunk.data.length <= budget) {
        chunks.push(chunk);
        budget -= chunk.data.length;
        this.#chunks.splice(i, 1);
      } else {
        chunks.push({ stream: chunk.stream, data: chunk.data.subarray(0, budget) });
        chunk.data = chunk.data.subarray(budget);
        budget = 0;
      }
    }
    const done = this.finished && !this.#pending(streams);
    return { chunks, done, exitCode: done ? this.#exitCode : undefined };
  }

  /** rsp:Send on stdin; `end` closes it (End="true"). Input after the end is dropped, as WinRS does. */
  send(data: Buffer, end: boolean): void {
    if (this.#stdinEnded) return;
    if (data.length > 0) this.#process.stdin.write(data);
    if (end) {
      this.#stdinEnded = true;
      this.#process.stdin.end();
    }
  }

  /** Ctrl+C: the process dies and the command reports Done with STATUS_CONTROL_C_EXIT. */
  interrupt(): void {
    if (this.#exitCode === undefined) this.#exitOverride = CTRL_C_EXIT_CODE;
    this.#process.kill();
  }

  /** The process dies on its own (killed from outside): the command ends with its exit code. */
  kill(): boolean {
    if (this.#exitCode !== undefined) return false;
    this.#process.kill();
    return true;
  }

  /** Terminate / Delete: kills the process and fails any Receive still waiting on it. */
  terminate(): void {
    this.#aborted = true;
    this.#notify();
    if (this.#exitCode === undefined) this.#process.kill();
  }
}
