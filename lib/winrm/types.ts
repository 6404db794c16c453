/** The public types of lib/winrm. */
import type { ZodType } from 'zod';
import type { ClixmlRecord } from './clixml';
import type {
  PeerCertificateSummary,
  WinrmErrorCode,
  WinrmErrorDetails,
  WinrmLayer,
} from './errors';
import type { PowerShellExe, PowerShellResult, ScriptParams } from './powershell';
import type { TlsTrust } from './tls';

export type {
  ClixmlRecord,
  PeerCertificateSummary,
  PowerShellExe,
  PowerShellResult,
  ScriptParams,
  TlsTrust,
};

export type WinrmAuth = 'basic' | 'ntlm' | 'kerberos' | 'credssp';

export interface WinrmTarget {
  /** The host's name: what the TLS certificate must cover (e.g. SQLNODE1.lab.local). */
  host: string;
  /** Default 5986 for HTTPS, 5985 for HTTP. */
  port?: number;
  /** "Connect to address:port" override ("127.0.0.1:45986", "[::1]:5986"); TLS still checks `host`. */
  connectTo?: string;
}

export interface WinrmClientOptions {
  protocol: 'https' | 'http';
  auth: WinrmAuth;
  /** DOMAIN\user, user@domain, or a local account name. */
  user: string;
  password: string;
  /** Default: the system trust store. */
  trust?: TlsTrust;
  /** WS-Man OperationTimeout: how long one Receive waits on the server for output. Default 20. */
  operationTimeoutSec?: number;
  /** Default deadline of one command, from Create/Command to Done. Default 10 minutes. */
  commandTimeoutMs?: number;
  /** The shell is deleted after this long without a command. Default 60 s. */
  shellIdleMs?: number;
  /** TCP + TLS connection set-up limit. Default 10 s. */
  connectTimeoutMs?: number;
  /** Windows PowerShell 5.1 (default, present on every server) or PowerShell 7. */
  powershell?: PowerShellExe;
  /** Default en-US (fault messages in English, whatever the server's UI language). */
  locale?: string;
  /** Default 153600, pywinrm's value, which every Windows version accepts. */
  maxEnvelopeSize?: number;
  /** Extra attempts for operations marked idempotent. Default 2. */
  retries?: number;
  /** First back-off delay; doubles per attempt. Default 500 ms. */
  retryDelayMs?: number;
  /** Stop a command whose stdout + stderr exceed this. Default 64 MiB. */
  maxOutputBytes?: number;
}

export interface RunOptions {
  /** Deadline for this command. Default: the client's commandTimeoutMs. */
  timeoutMs?: number;
  /** Cancel: the command is terminated and its shell deleted. */
  signal?: AbortSignal;
  /** The command only reads: it may be re-run (bounded) after a transient failure. */
  idempotent?: boolean;
  /** Values to scrub from any error message (the client's password always is). */
  secrets?: readonly string[];
}

export interface RunCommandOptions extends RunOptions {
  stdin?: string | Buffer;
  /**
   * Streams stdout instead of collecting it: called with each piece as it arrives (at most one
   * envelope's worth, ~110 KB), and the result's `stdout` is then empty. Memory stays bounded
   * by the envelope size, whatever the command writes; maxOutputBytes does not apply to it.
   */
  onStdout?: (chunk: Buffer) => void;
  /** The same for stderr. */
  onStderr?: (chunk: Buffer) => void;
}

/** What one command cost: for benchmarks, diagnostics and tests. */
export interface CommandStats {
  /** HTTP requests this command sent (Create when a shell was opened, NTLM legs, Command, Send, Receive…, Signal). */
  requests: number;
  /** Receive requests among them. */
  receives: number;
  /** The most output bytes held in memory at once by the client (buffered result, or one streamed piece). */
  peakBufferedBytes: number;
  /** The largest output piece one Receive brought. */
  largestChunkBytes: number;
}

export interface RunPowerShellOptions<T> extends RunOptions {
  /**
   * Parameters, sent as JSON (inline with the script in the Command when both fit the command
   * line, else on stdin; always on stdin when one is secret: under a password-like key or listed
   * in `secrets`): the script sees them as $Params and, splatted, through its param() block.
   * String values under keys that look like passwords are scrubbed from errors.
   */
  params?: ScriptParams;
  /** Validates the script's result. */
  schema?: ZodType<T>;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  stats: CommandStats;
}

export interface ConnectionTestError {
  code: WinrmErrorCode;
  layer: WinrmLayer;
  message: string;
  details: WinrmErrorDetails;
}

export interface ConnectionTestResult {
  ok: boolean;
  /** The layer that failed (config, dns, tcp, tls, http, auth, wsman, powershell, client). */
  failedLayer: WinrmLayer | null;
  /** Layers proven to work, in connection order. */
  passed: WinrmLayer[];
  error: ConnectionTestError | null;
  /** The server certificate seen during the test (HTTPS). */
  certificate: PeerCertificateSummary | null;
  /** $PSVersionTable.PSVersion of the remote PowerShell. */
  powershellVersion: string | null;
  elapsedMs: number;
}

export interface WinrmClient {
  readonly host: string;
  /** Runs a command line through cmd.exe (at most 8191 characters); long input goes on stdin. */
  runCommand(commandLine: string, options?: RunCommandOptions): Promise<CommandResult>;
  /** Runs a script with JSON parameters and returns its one JSON result. */
  runPowerShell<T = unknown>(
    script: string,
    options?: RunPowerShellOptions<T>,
  ): Promise<PowerShellResult<T>>;
  /** Connects, authenticates, opens a shell and runs PowerShell; names the first layer that fails. */
  testConnection(options?: {
    timeoutMs?: number;
    signal?: AbortSignal;
  }): Promise<ConnectionTestResult>;
  /** Terminates what runs, deletes the shell, drops the connection. */
  close(): Promise<void>;
}
