import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cmdInnerLine, programName, splitCommandLine } from './cmdline';
import { ConsoleInput, WindowsConsoleText } from './console';
import { codePage } from './codepage';
import { mapPowerShellArgs, warmCommandLine } from './powershell-args';
import { finishedProcess } from './process';
import type { CommandExecutor, ExecutorProcess, ExecutorStartRequest } from './types';
import { WarmPool } from './warm-pool';

export interface PwshExecutorOptions {
  /** The pwsh binary; default `pwsh` from PATH. */
  pwshPath?: string;
  /**
   * PowerShell run at the start of every PowerShell session, before the client's script: the
   * hook through which the Windows simulation injects its cmdlets (Get-WindowsFeature,
   * Get-Cluster, the certificate store, …). It is loaded as the session's profile (see below),
   * so the client's script keeps its own line numbers, `param()` block, `$?`-based exit code and
   * CLIXML error records. It should define functions/modules and print nothing.
   */
  preludeScript?: string;
  /**
   * Windows PowerShell 5.1 has only the NormalView error format (message, then
   * `+ CategoryInfo …` and `+ FullyQualifiedErrorId …` lines); pwsh 7 defaults to ConciseView.
   * Default 'NormalView', so error text reads as a real server's.
   */
  errorView?: 'NormalView' | 'ConciseView';
  /** Extra environment for every process (e.g. the simulation's state directory, PSModulePath). */
  env?: Readonly<Record<string, string>>;
  /** Working directory of the processes; default the OS temp directory. */
  cwd?: string;
  /**
   * Warm PowerShell hosts (warm-pool.ts) for the non-interactive -EncodedCommand/-Command lines
   * they run exactly as a process of their own would: a pool shared with other executors (the
   * lab shares one across its hosts), `true` for one of this executor's own (the default), or
   * `false` to start pwsh for every command. LAB_PWSH_WARM=0 in the environment turns it off.
   */
  warm?: WarmPool | boolean;
}

export interface PwshExecutor extends CommandExecutor {
  /** Kills every process still running and removes the profile directory. */
  close(): Promise<void>;
}

/**
 * The lab's default executor: PowerShell command lines run in real PowerShell 7, everything
 * else gets a clear "not simulated" error in cmd.exe's manner (stderr, exit code 1).
 *
 * How pwsh is made to look like powershell.exe over WinRS:
 * - CLIXML on stderr: pwsh, like powershell.exe, serializes error/warning records as
 *   `#< CLIXML` + `<Objs>` with `<S S="Error">` lines when the script came with -EncodedCommand
 *   and stderr is not a terminal (with -Command or stdin scripts both write plain text). pwsh
 *   ends lines with LF and escapes newlines as `_x000A_`; WindowsConsoleText turns those into
 *   Windows' CRLF and `_x000D__x000A_` (pywinrm matches `#< CLIXML\r\n` exactly).
 * - TERM=dumb: otherwise pwsh colours error text with ANSI escapes (also inside CLIXML, as
 *   `_x001B_[31;1m`) and `-Command -` emits cursor-key mode sequences on stdout.
 * - The prelude and the error view live in a profile (`$XDG_CONFIG_HOME/powershell/profile.ps1`,
 *   the CurrentUserAllHosts profile on Linux) in a directory of the executor's own; -NoProfile
 *   from the client is dropped so it loads. Prepending the prelude to the script instead shifts
 *   line numbers and breaks `param()`; wrapping the script in a script block changes `$?`, hence
 *   the exit code of a script whose last statement fails, and every error's position.
 * - Exit codes are pwsh's: `exit N` gives N (Linux keeps only the low 8 bits), a failing last
 *   statement or a terminating error gives 1, as with powershell.exe.
 */
export function createPwshExecutor(options: PwshExecutorOptions = {}): PwshExecutor {
  const running = new Set<ExecutorProcess>();
  let configHome: string | undefined;
  const warmWanted = options.warm ?? true;
  const ownPool = warmWanted === true && process.env.LAB_PWSH_WARM !== '0';
  let pool: WarmPool | undefined = warmWanted instanceof WarmPool ? warmWanted : undefined;
  const warmPool = (): WarmPool | undefined => {
    if (!pool && ownPool) pool = new WarmPool({ pwshPath: options.pwshPath, cwd: options.cwd });
    return pool;
  };

  const profileDir = (): string => {
    if (configHome) return configHome;
    configHome = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-winrm-pwsh-'));
    fs.mkdirSync(path.join(configHome, 'powershell'));
    const profile = [
      '# Written by the lab WinRM executor: the simulated Windows host, loaded as a profile.',
      `$ErrorView = '${options.errorView ?? 'NormalView'}'`,
      options.preludeScript ?? '',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(configHome, 'powershell', 'profile.ps1'), profile);
    return configHome;
  };

  const identity = (request: ExecutorStartRequest) => {
    const [domain, user] = request.user.includes('\\')
      ? request.user.split('\\', 2)
      : [request.hostName, request.user];
    return {
      COMPUTERNAME: request.hostName,
      USERNAME: user ?? request.user,
      USERDOMAIN: domain ?? request.hostName,
    };
  };

  const startWarm = (target: WarmPool, request: ExecutorStartRequest, script: string, encoded: boolean): ExecutorProcess => {
    const home = profileDir();
    const proc = target.run({
      script,
      encoded,
      env: { ...options.env, ...request.env, XDG_CONFIG_HOME: home, ...identity(request) },
      profile: path.join(home, 'powershell', 'profile.ps1'),
      codepage: request.codepage,
    });
    running.add(proc);
    void proc.exit.then(() => running.delete(proc));
    return proc;
  };

  const startPwsh = (request: ExecutorStartRequest, args: string[]): ExecutorProcess => {
    const child = spawn(options.pwshPath ?? 'pwsh', args, {
      cwd: options.cwd ?? os.tmpdir(),
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...options.env,
        ...request.env,
        TERM: 'dumb',
        XDG_CONFIG_HOME: profileDir(),
        ...identity(request),
        POWERSHELL_TELEMETRY_OPTOUT: '1',
        POWERSHELL_UPDATECHECK: 'Off',
        DOTNET_CLI_TELEMETRY_OPTOUT: '1',
      },
    });
    const stdout = new WindowsConsoleText(request.codepage);
    const stderr = new WindowsConsoleText(request.codepage);
    const stdin = new ConsoleInput(request.codepage);
    child.stdout.pipe(stdout);
    child.stderr.pipe(stderr);
    stdin.pipe(child.stdin);
    child.stdin.on('error', () => undefined);
    const exit = new Promise<number>((resolve) => {
      child.once('error', (e) => {
        stderr.end(
          codePage(request.codepage).encode(
            `The lab could not start PowerShell 7 (${options.pwshPath ?? 'pwsh'}): ${e.message}\r\n`,
          ),
        );
        stdout.end();
        resolve(1);
      });
      // A process ended by a signal (kill) has no code; Windows' TerminateProcess reports 1.
      child.once('exit', (code) => resolve(code ?? 1));
    });
    const proc: ExecutorProcess = {
      stdout,
      stderr,
      stdin,
      exit,
      kill: () => {
        try {
          // The whole process group: pwsh and anything it started.
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      },
    };
    running.add(proc);
    void exit.then(() => running.delete(proc));
    return proc;
  };

  return {
    start(request) {
      const line = request.viaCmd
        ? (cmdInnerLine(request.commandLine) ?? request.commandLine)
        : request.commandLine;
      const argv = splitCommandLine(line);
      const program = programName(argv[0] ?? '');
      if (program === 'powershell' || program === 'pwsh') {
        const mapped = mapPowerShellArgs(argv.slice(1));
        if (mapped.kind === 'unsupported') return fail(request, mapped.reason);
        const warm = warmCommandLine(argv.slice(1));
        const target = warm ? warmPool() : undefined;
        if (warm && target) return startWarm(target, request, warm.script, warm.encoded);
        return startPwsh(request, mapped.args);
      }
      if (request.viaCmd) {
        const echoed = cmdEcho(line);
        if (echoed !== undefined) {
          return finishedProcess(codePage(request.codepage).encode(echoed), Buffer.alloc(0), 0);
        }
      }
      const shown = program === 'cmd' ? request.commandLine.trim() : (argv[0] ?? '');
      return fail(
        request,
        `'${shown}' is not supported by the lab: lab hosts run powershell.exe/pwsh (real PowerShell 7) and cmd's echo only.`,
      );
    },
    async close() {
      for (const proc of running) proc.kill();
      await Promise.all([...running].map((p) => p.exit));
      if (ownPool && pool) await pool.close();
      pool = undefined;
      if (configHome) fs.rmSync(configHome, { recursive: true, force: true });
      configHome = undefined;
    },
  };
}

function fail(request: ExecutorStartRequest, message: string): ExecutorProcess {
  return finishedProcess(Buffer.alloc(0), codePage(request.codepage).encode(`${message}\r\n`), 1);
}

/**
 * cmd.exe's `echo` for the simple cases: `echo text` prints the text (one separator dropped),
 * `echo.` an empty line, bare `echo` the echo state. Anything with cmd syntax (redirection,
 * pipes, `&`, `%VAR%`, `^`) is not simulated and returns undefined.
 */
export function cmdEcho(line: string): string | undefined {
  const m = /^\s*@?echo(?:([ \t.:;,=(])(.*)|)$/is.exec(line);
  if (!m) return undefined;
  const rest = m[2] ?? '';
  if (/[&|<>^%]/.test(rest)) return undefined;
  if (m[1] === undefined) return 'ECHO is on.\r\n';
  if (m[1] !== ' ' && m[1] !== '\t') return `${rest}\r\n`;
  if (rest.trim() === '') return 'ECHO is on.\r\n';
  return `${rest}\r\n`;
}
