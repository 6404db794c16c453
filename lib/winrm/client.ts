/**
 * The WinRS client for one host. One shell is created lazily and reused by every command;
 * commands run one at a time (one authenticated connection, and a blocking Receive would hold
 * it anyway), each as Command → [Send (stdin)] → Receive… → Signal(terminate). The shell is
 * deleted after `shellIdleMs` without commands and on close(). Whenever a command ends abnormally
 * (deadline, AbortSignal, error), the process is terminated and the shell deleted, so nothing is
 * left running on the server; the next command opens a fresh shell.
 */
import 'server-only';
import net from 'node:net';
import { z } from 'zod';
import {
  LAYER_ORDER,
  type PeerCertificateSummary,
  type WinrmError,
  authNotSupported,
  cancelled,
  clientClosed,
  commandTimeout,
  configError,
  insecureBasic,
  isWinrmError,
  redactError,
} from './errors';
import {
  buildInvocation,
  interpretOutput,
  type PowerShellExe,
  type PowerShellResult,
} from './powershell';
import { type CommandOutput, receiveUntilDone } from './receive';
import {
  type ShellSettings,
  type WsmanContext,
  deleteShell,
  openShell,
  sendStdin,
  startCommand,
  terminateCommand,
} from './shell';
import { validateTrust } from './tls';
import { WinrmTransport } from './transport';
import type {
  CommandResult,
  CommandStats,
  ConnectionTestResult,
  RunCommandOptions,
  RunOptions,
  RunPowerShellOptions,
  WinrmClient,
  WinrmClientOptions,
  WinrmTarget,
} from './types';

const DEFAULTS = {
  operationTimeoutSec: 20,
  commandTimeoutMs: 10 * 60_000,
  shellIdleMs: 60_000,
  connectTimeoutMs: 10_000,
  locale: 'en-US',
  maxEnvelopeSize: 153_600,
  retries: 2,
  retryDelayMs: 500,
  maxOutputBytes: 64 * 1024 * 1024,
} as const;

/** Cleanup (Signal, Delete) gets its own budget: the caller's signal may already be aborted. */
const CLEANUP_BUDGET_MS = 10_000;
/** Keys whose string values are treated as secrets in error messages. */
const SECRET_KEY = /pass(word)?|pwd|secret|token|credential|key$/i;

/** Parses "address:port" / "[v6]:port". */
function parseConnectTo(value: string): { host: string; port: number } | null {
  const m =
    /^\[([^\]]+)\]:(\d{1,5})$/.exec(value.trim()) ?? /^([^:[\]\s]+):(\d{1,5})$/.exec(value.trim());
  if (!m || !m[1] || !m[2]) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  if (value.trim().startsWith('[') && net.isIPv6(m[1]) === false) return null;
  return { host: m[1], port };
}

function sleep(ms: number, signal: AbortSignal, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(cancelled(host));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(cancelled(host));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function waitOrAbort(p: Promise<unknown>, signal: AbortSignal, host: string): Promise<void> {
  if (signal.aborted) return Promise.reject(cancelled(host));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(cancelled(host));
    signal.addEventListener('abort', onAbort, { once: true });
    void p.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

interface Sinks {
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

type Finished = Omit<CommandOutput, 'receives' | 'peakBufferedBytes' | 'largestChunkBytes'> & {
  stats: CommandStats;
};

/** `p`, unless the signal fires first (then CANCELLED; `p` goes on). */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal, host: string): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelled(host));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelled(host));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Secret-looking string values of the parameters (top level and nested). */
function secretValues(value: unknown, key = ''): string[] {
  if (typeof value === 'string') return SECRET_KEY.test(key) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => secretValues(v, key));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => secretValues(v, k));
  return [];
}

class Client implements WinrmClient {
  readonly host: string;
  readonly #secrets: string[];
  readonly #config: WinrmError | null;
  readonly #transport: WinrmTransport | null;
  readonly #ctx: WsmanContext | null;
  readonly #o: Required<Omit<WinrmClientOptions, 'password' | 'trust'>>;
  readonly #https: boolean;
  readonly #shell: ShellSettings;
  readonly #closing = new AbortController();
  #shellId: string | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #idle: NodeJS.Timeout | null = null;
  #closed: Promise<void> | null = null;
  #certificate: PeerCertificateSummary | null = null;
  /** Cleanups still running after their caller returned (see #ensureShell). */
  readonly #background = new Set<Promise<unknown>>();

  constructor(target: WinrmTarget, options: WinrmClientOptions) {
    this.host = target.host.trim();
    const { password, trust, ...rest } = options;
    // Explicit `undefined`s must not override the defaults.
    const given = Object.fromEntries(
      Object.entries(rest).filter(([, v]) => v !== undefined),
    ) as typeof rest;
    this.#o = { ...DEFAULTS, powershell: 'powershell', ...given };
    this.#https = options.protocol === 'https';
    // The Basic header form too, in case a server ever echoes it.
    this.#secrets = [password, Buffer.from(`${options.user}:${password}`).toString('base64')];
    this.#shell = {
      codepage: 65001,
      noProfile: true,
      idleTimeoutSec: Math.max(60, Math.ceil((this.#o.shellIdleMs * 2) / 1000)),
    };
    let problem: WinrmError | null = null;
    let transport: WinrmTransport | null = null;
    let ctx: WsmanContext | null = null;
    try {
      const port = target.port ?? (this.#https ? 5986 : 5985);
      const override = target.connectTo?.trim() ? parseConnectTo(target.connectTo) : null;
      if (!this.host) throw configError('(no host)', 'The host name is empty.');
      if (target.connectTo?.trim() && !override)
        throw configError(
          this.host,
          `The "connect to" override "${target.connectTo}" must look like address:port (for IPv6, [address]:port).`,
        );
      if (options.auth === 'kerberos') throw authNotSupported(this.host, 'Kerberos');
      if (options.auth === 'credssp') throw authNotSupported(this.host, 'CredSSP');
      if (options.auth === 'basic' && !this.#https) throw insecureBasic(this.host);
      const checkedTrust = validateTrust(this.host, trust ?? { mode: 'system' });
      transport = new WinrmTransport(
        {
          hostName: this.host,
          port,
          connectHost: override?.host ?? this.host,
          connectPort: override?.port ?? port,
          https: this.#https,
          trust: checkedTrust,
          auth: options.auth,
          user: options.user,
          connectTimeoutMs: this.#o.connectTimeoutMs,
          idleSocketMs: 45_000,
          onPeerCertificate: (cert) => {
            this.#certificate = cert ?? null;
          },
        },
        password,
      );
      const urlHost = net.isIPv6(this.host) ? `[${this.host}]` : this.host;
      ctx = {
        transport,
        host: this.host,
        endpointUrl: `${this.#https ? 'https' : 'http'}://${urlHost}:${port}/wsman`,
        operationTimeoutSec: this.#o.operationTimeoutSec,
        maxEnvelopeSize: this.#o.maxEnvelopeSize,
        locale: this.#o.locale,
      };
    } catch (e) {
      problem = isWinrmError(e) ? e : configError(this.host, String(e));
    }
    this.#config = problem;
    this.#transport = transport;
    this.#ctx = ctx;
  }

  async runCommand(commandLine: string, options: RunCommandOptions = {}): Promise<CommandResult> {
    const stdin =
      options.stdin === undefined
        ? null
        : Buffer.isBuffer(options.stdin)
          ? options.stdin
          : Buffer.from(options.stdin, 'utf8');
    const out = await this.#run(commandLine, stdin, options, options.secrets ?? []);
    return {
      stdout: out.stdout.toString('utf8'),
      stderr: out.stderr.toString('utf8'),
      exitCode: out.exitCode,
      stats: out.stats,
    };
  }

  async runPowerShell<T = unknown>(
    script: string,
    options: RunPowerShellOptions<T> = {},
  ): Promise<PowerShellResult<T>> {
    const params = options.params ?? {};
    const secrets = [...(options.secrets ?? []), ...secretValues(params)];
    const exe: PowerShellExe = this.#o.powershell;
    // Secrets never ride on a command line (visible to local admins and to process auditing).
    const inv = buildInvocation(script, params, exe, { inline: secrets.length === 0 });
    const out = await this.#run(inv.commandLine, inv.stdin, options, secrets);
    try {
      const result = interpretOutput(
        this.host,
        exe,
        {
          stdout: out.stdout.toString('utf8'),
          stderr: out.stderr.toString('utf8'),
          exitCode: out.exitCode,
        },
        inv.nonce,
        options.schema,
      );
      return { ...result, stats: out.stats };
    } catch (e) {
      throw redactError(e, this.host, [...this.#secrets, ...secrets]);
    }
  }

  async testConnection(
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<ConnectionTestResult> {
    const started = Date.now();
    const layers = LAYER_ORDER.filter((l) => this.#https || l !== 'tls');
    const done = (e: WinrmError | null, version: string | null): ConnectionTestResult => {
      const failedAt = e ? layers.indexOf(e.layer) : layers.length;
      return {
        ok: e === null,
        failedLayer: e ? e.layer : null,
        passed: layers.slice(0, failedAt < 0 ? 0 : failedAt),
        error: e ? { code: e.code, layer: e.layer, message: e.message, details: e.details } : null,
        certificate: this.#certificate,
        powershellVersion: version,
        elapsedMs: Date.now() - started,
      };
    };
    try {
      const r = await this.runPowerShell('$PSVersionTable.PSVersion.ToString()', {
        schema: z.string(),
        timeoutMs: options.timeoutMs ?? 60_000,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return done(null, r.value);
    } catch (e) {
      return done(redactError(e, this.host, this.#secrets), null);
    }
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#clearIdle();
      this.#closing.abort();
      // Wait for the running command to clean up after itself, then delete the idle shell.
      await this.#queue.catch(() => undefined);
      await Promise.all(this.#background);
      const shellId = this.#shellId;
      this.#shellId = null;
      if (shellId && this.#ctx)
        await deleteShell(this.#ctx, shellId, AbortSignal.timeout(CLEANUP_BUDGET_MS)).catch(
          () => undefined,
        );
      this.#transport?.close();
    })();
    return this.#closed;
  }

  /** Runs one command with the retry policy; everything thrown is a redacted WinrmError. */
  async #run(
    commandLine: string,
    stdin: Buffer | null,
    o: RunOptions & Sinks,
    extraSecrets: readonly string[],
  ): Promise<Finished> {
    const secrets = [...this.#secrets, ...extraSecrets];
    const attempts = o.idempotent ? 1 + Math.max(0, this.#o.retries) : 1;
    const signal = AbortSignal.any([this.#closing.signal, ...(o.signal ? [o.signal] : [])]);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#exclusive(signal, () =>
          this.#runOnce(commandLine, stdin, o.timeoutMs ?? this.#o.commandTimeoutMs, signal, o),
        );
      } catch (e) {
        const retry = isWinrmError(e) && e.transient && attempt < attempts && !signal.aborted;
        if (!retry) throw redactError(e, this.host, secrets);
        try {
          await sleep(this.#o.retryDelayMs * 2 ** (attempt - 1), signal, this.host);
        } catch (s) {
          throw redactError(s, this.host, secrets);
        }
      }
    }
  }

  /** One command at a time; a caller that gives up while waiting leaves the queue intact. */
  async #exclusive<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    if (this.#config) throw this.#config;
    if (this.#closed) throw clientClosed(this.host);
    const previous = this.#queue;
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    this.#queue = Promise.all([previous.catch(() => undefined), mine]);
    try {
      await waitOrAbort(
        previous.catch(() => undefined),
        signal,
        this.host,
      );
      if (this.#closing.signal.aborted && !signal.aborted) throw clientClosed(this.host);
      return await fn();
    } finally {
      release();
    }
  }

  async #runOnce(
    commandLine: string,
    stdin: Buffer | null,
    timeoutMs: number,
    outer: AbortSignal,
    sinks: Sinks,
  ): Promise<Finished> {
    const ctx = this.#ctx;
    if (!ctx) throw this.#config ?? configError(this.host, 'not configured');
    this.#clearIdle();
    const requestsBefore = ctx.transport.requestCount;
    const deadline = Date.now() + timeoutMs;
    const expiry = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([outer, expiry]);
    let shellId: string | null = null;
    let commandId: string | null = null;
    try {
      shellId = await this.#ensureShell(ctx, signal, expiry);
      try {
        commandId = await startCommand(ctx, shellId, commandLine, {
          pipedStdin: stdin !== null,
          signal,
        });
      } catch (e) {
        // The server lost our idle shell (expired, WinRM restarted): reopen once.
        if (!isWinrmError(e, 'WSMAN_SHELL_NOT_FOUND')) throw e;
        this.#shellId = null;
        shellId = await this.#ensureShell(ctx, signal, expiry);
        commandId = await startCommand(ctx, shellId, commandLine, {
          pipedStdin: stdin !== null,
          signal,
        });
      }
      if (stdin !== null) await sendStdin(ctx, shellId, commandId, stdin, signal);
      const out = await receiveUntilDone(ctx, shellId, commandId, {
        deadline,
        timeoutMs,
        signal,
        maxOutputBytes: this.#o.maxOutputBytes,
        ...(sinks.onStdout ? { onStdout: sinks.onStdout } : {}),
        ...(sinks.onStderr ? { onStderr: sinks.onStderr } : {}),
      });
      // Release the finished command on the server. Not optional: MS-WSMV 3.1.4.14 says a final
      // Signal MUST be issued after all stream data was received (pywinrm's cleanup_command).
      await terminateCommand(ctx, shellId, commandId, AbortSignal.timeout(CLEANUP_BUDGET_MS)).catch(
        () => undefined,
      );
      return {
        stdout: out.stdout,
        stderr: out.stderr,
        exitCode: out.exitCode,
        stats: {
          requests: ctx.transport.requestCount - requestsBefore,
          receives: out.receives,
          peakBufferedBytes: out.peakBufferedBytes,
          largestChunkBytes: out.largestChunkBytes,
        },
      };
    } catch (e) {
      if (shellId !== null) await this.#abandon(ctx, shellId, commandId);
      if (expiry.aborted && !outer.aborted) throw commandTimeout(this.host, timeoutMs);
      if (isWinrmError(e, 'COMMAND_TIMEOUT')) throw e;
      if (outer.aborted)
        throw this.#closing.signal.aborted ? clientClosed(this.host) : cancelled(this.host);
      throw e;
    } finally {
      this.#armIdle();
    }
  }

  /**
   * Opens the shell unless one is open. The Create itself is not cut short by a cancellation
   * (only by the deadline): the server may already have made the shell, and an answer never
   * read would leak it until its idle timeout. A cancelled caller returns at once; the Create
   * finishes in the background and its shell is deleted (close() waits for that).
   */
  async #ensureShell(ctx: WsmanContext, signal: AbortSignal, expiry: AbortSignal): Promise<string> {
    if (this.#shellId !== null) return this.#shellId;
    const creating = openShell(ctx, this.#shell, expiry);
    try {
      await raceAbort(creating, signal, this.host);
    } catch (e) {
      if (!signal.aborted) throw e;
      const cleanup = creating
        .then((id) => deleteShell(ctx, id, AbortSignal.timeout(CLEANUP_BUDGET_MS)))
        .catch(() => undefined);
      this.#background.add(cleanup);
      void cleanup.finally(() => this.#background.delete(cleanup));
      throw e;
    }
    this.#shellId = await creating;
    return this.#shellId;
  }

  /** Terminates the process and deletes the shell; failures are ignored (the server may be gone). */
  async #abandon(ctx: WsmanContext, shellId: string, commandId: string | null): Promise<void> {
    if (this.#shellId === shellId) this.#shellId = null;
    const budget = AbortSignal.timeout(CLEANUP_BUDGET_MS);
    if (commandId !== null)
      await terminateCommand(ctx, shellId, commandId, budget).catch(() => undefined);
    await deleteShell(ctx, shellId, budget).catch(() => undefined);
  }

  #clearIdle(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
  }

  #armIdle(): void {
    this.#clearIdle();
    if (this.#closed || this.#shellId === null) return;
    this.#idle = setTimeout(() => {
      this.#idle = null;
      void this.#exclusive(this.#closing.signal, async () => {
        const shellId = this.#shellId;
        this.#shellId = null;
        if (shellId && this.#ctx)
          await deleteShell(this.#ctx, shellId, AbortSignal.timeout(CLEANUP_BUDGET_MS)).catch(
            () => undefined,
          );
      }).catch(() => undefined);
    }, this.#o.shellIdleMs);
    // An idle shell must not keep the Node process alive.
    this.#idle.unref();
  }
}

export function createWinrmClient(target: WinrmTarget, options: WinrmClientOptions): WinrmClient {
  return new Client(target, options);
}
