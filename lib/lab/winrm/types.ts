import type { Readable, Writable } from 'node:stream';

/** A Windows account the simulated host knows. */
export interface WinrmAccount {
  user: string;
  /**
   * NetBIOS domain (`LAB`) for a domain account; absent or empty for a local account of this
   * host. Basic authentication accepts local accounts only, as Windows' WinRM does.
   */
  domain?: string;
  password: string;
  /**
   * Member of the host's Administrators group. WinRM's default root SDDL admits Administrators
   * only; anyone else authenticates and then gets the AccessDenied fault.
   */
  isAdmin: boolean;
}

/** What a command gets when WinRS starts it: the seam between the protocol and the simulation. */
export interface ExecutorStartRequest {
  hostName: string;
  /** `DOMAIN\user` for a domain account, `user` for a local one. */
  user: string;
  /** rsp:Command as sent: often the whole command line (`powershell -encodedcommand …`). */
  command: string;
  /** rsp:Arguments elements in order. */
  arguments: string[];
  /** Command and arguments joined by spaces: the line CreateProcess (or cmd.exe) sees. */
  commandLine: string;
  /** WINRS_CODEPAGE of the shell (437 unless the client asked otherwise; 65001 is UTF-8). */
  codepage: number;
  /** The shell's rsp:Environment variables. */
  env: Readonly<Record<string, string>>;
  /** The shell's rsp:WorkingDirectory, a Windows path the lab may ignore. */
  workingDirectory?: string;
  /** WINRS_SKIP_CMD_SHELL=FALSE (the default): Windows runs the line through `cmd.exe /c`. */
  viaCmd: boolean;
}

/** A running command. Output is bytes in the shell's code page, as a Windows console writes it. */
export interface ExecutorProcess {
  stdout: Readable;
  stderr: Readable;
  stdin: Writable;
  /** Resolves with the exit code once the process is gone (streams may still be draining). */
  exit: Promise<number>;
  /** Ends the process at once (Signal terminate / ctrl_c, shell Delete, idle expiry). */
  kill(): void;
}

export interface CommandExecutor {
  start(request: ExecutorStartRequest): ExecutorProcess;
}

export interface WinrmListenerAddress {
  /** Loopback by default; the lab never listens beyond it. */
  host?: string;
  /** 0 picks a free port (read it back from `WinrmServer.addresses`). */
  port: number;
}

export interface WinrmServerOptions {
  /** The simulated computer name, e.g. `SQLNODE1`: NTLM target info, fault Machine, COMPUTERNAME. */
  hostName: string;
  /** NetBIOS domain the host is joined to (NTLM target info); absent for a workgroup host. */
  domainName?: string;
  /** DNS domain (e.g. `lab.test`) for NTLM's DNS target info. */
  dnsDomainName?: string;
  /** HTTPS listener (5986): Basic and Negotiate/NTLM, with channel binding checked when sent. */
  https?: WinrmListenerAddress & { cert: string; key: string };
  /** HTTP listener (5985): Negotiate/NTLM with message encryption only (AllowUnencrypted=false). */
  http?: WinrmListenerAddress;
  accounts: readonly WinrmAccount[];
  executor: CommandExecutor;
  /** Service\Auth\Basic; default true (the lab enables it for HTTPS, where it is safe). */
  allowBasic?: boolean;
  /** MaxEnvelopeSizekb: larger requests get HTTP 413. Default 500 (Windows Server 2012+). */
  maxEnvelopeSizeKb?: number;
  /** MaxTimeoutms: a longer OperationTimeout is refused. Default 60000. */
  maxTimeoutMs?: number;
  /** Winrs\MaxShellsPerUser. Default 30. */
  maxShellsPerUser?: number;
  /** Winrs\IdleTimeout for shells that do not ask for one. Default 7200000 (2 h). */
  idleTimeoutMs?: number;
  /** How long an idle keep-alive connection (and its NTLM context) lives. Default 120000 (HTTP.sys). */
  keepAliveTimeoutMs?: number;
}

export interface WinrmServer {
  readonly hostName: string;
  /** Bound addresses, e.g. `{ https: { host: '127.0.0.1', port: 41234 } }`. */
  readonly addresses: {
    https?: { host: string; port: number };
    http?: { host: string; port: number };
  };
  /** `https://127.0.0.1:41234/wsman` etc. */
  readonly urls: { https?: string; http?: string };
  /** Open shells (all users); for the control API and tests. */
  shellCount(): number;
  /**
   * HTTP requests received on both listeners since start (every POST, including NTLM handshake
   * legs and refused ones): what a client's round trips cost the server, for benchmarks.
   */
  requestCount(): number;
  /** True between `down()` and `up()`. */
  readonly isDown: boolean;
  /**
   * The host goes down: both listeners stop listening and every open connection is dropped, so
   * clients get "connection refused"/"reset". Shells and their processes are lost, as after a
   * reboot. Ports are kept for `up()`.
   */
  down(): Promise<void>;
  /** Listens again on the same ports (after `down()`); a no-op when already up. */
  up(): Promise<void>;
  /**
   * The next `count` HTTP requests (any listener, before authentication) are answered with
   * `status` and an empty body, as HTTP.sys does when the WinRM service fails (500) or is
   * unavailable (503).
   */
  failNextRequests(count: number, status: number): void;
  /** Delays every request by this many ms (simulated network latency); 0 = none. */
  setLatency(ms: number): void;
  /** Kills every running command's process (as if pwsh died): commands end with exit code 1. */
  killProcesses(): number;
  /** Stops listening, drops connections and kills every running command. */
  close(): Promise<void>;
}
