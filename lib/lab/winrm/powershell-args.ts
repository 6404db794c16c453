/**
 * Maps powershell.exe's command-line parameters to pwsh's. Windows PowerShell accepts any
 * unambiguous prefix (`-enc`, `-nop`, `-noni`); pwsh accepts the same names, so most pass
 * through. What changes:
 * - `-NoProfile` is dropped: the lab's "machine" (simulated cmdlets, Windows-like error view) is
 *   loaded as a profile, which is part of the host here, not the user's choice;
 * - `-WindowStyle`, `-Version`, `-Sta`, `-Mta`, `-PSConsoleFile` are dropped (meaningless or fatal
 *   on Linux: pwsh exits 64 on -WindowStyle);
 * - `-File` is refused: lab hosts have no Windows file system to find the script in.
 */

export type PwshArgs = { kind: 'run'; args: string[] } | { kind: 'unsupported'; reason: string };

const PARAMS = [
  'command',
  'encodedcommand',
  'encodedarguments',
  'executionpolicy',
  'file',
  'inputformat',
  'outputformat',
  'noprofile',
  'nologo',
  'noexit',
  'noninteractive',
  'windowstyle',
  'version',
  'sta',
  'mta',
  'psconsolefile',
  'configurationname',
] as const;
type Param = (typeof PARAMS)[number];

/** Short forms powershell.exe documents or resolves that a plain prefix search would not. */
const ALIASES: Record<string, Param> = {
  c: 'command',
  e: 'encodedcommand',
  ec: 'encodedcommand',
  enc: 'encodedcommand',
  ea: 'encodedarguments',
  ep: 'executionpolicy',
  ex: 'executionpolicy',
  f: 'file',
  nop: 'noprofile',
  noni: 'noninteractive',
  nol: 'nologo',
  w: 'windowstyle',
  v: 'version',
  if: 'inputformat',
  of: 'outputformat',
};

const TAKES_VALUE = new Set<Param>([
  'encodedarguments',
  'executionpolicy',
  'inputformat',
  'outputformat',
  'windowstyle',
  'version',
  'psconsolefile',
  'configurationname',
]);
const DROP = new Set<Param>(['noprofile', 'windowstyle', 'version', 'sta', 'mta', 'psconsolefile']);

function resolve(name: string): Param | undefined {
  const lower = name.toLowerCase();
  const alias = ALIASES[lower];
  if (alias) return alias;
  const hits = PARAMS.filter((p) => p.startsWith(lower));
  return hits.length === 1 ? hits[0] : hits.find((p) => p === lower);
}

export function mapPowerShellArgs(argv: readonly string[]): PwshArgs {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const param = arg.startsWith('-') && arg.length > 1 ? resolve(arg.slice(1)) : undefined;
    if (!param) {
      // A bare first argument is a -Command (powershell.exe's default parameter): keep the rest.
      out.push(...argv.slice(i));
      break;
    }
    if (param === 'file') {
      return {
        kind: 'unsupported',
        reason:
          'The lab cannot run "powershell -File": lab hosts have no Windows file system. Send the script with -EncodedCommand or on stdin with "-Command -".',
      };
    }
    if (param === 'command' || param === 'encodedcommand') {
      out.push(`-${param === 'command' ? 'Command' : 'EncodedCommand'}`, ...argv.slice(i + 1));
      break;
    }
    const value = TAKES_VALUE.has(param) ? argv[++i] : undefined;
    if (DROP.has(param)) continue;
    out.push(arg);
    if (value !== undefined) out.push(value);
  }
  return { kind: 'run', args: out };
}

/** A command line the warm hosts run as the console host would: see warm-pool.ts. */
export type WarmCommandLine = { script: string; encoded: boolean };

/** Parameters that change nothing a warm host would do differently (they are dropped or moot here). */
const WARM_NEUTRAL = new Set<Param>(['nologo', 'noprofile', 'executionpolicy', 'windowstyle', 'sta', 'mta']);

/**
 * The script of a `powershell -NonInteractive … -EncodedCommand <b64>` or `… -Command <text>`
 * line, when nothing else on it would make a process of its own behave differently from a warm
 * host; otherwise undefined (the executor then starts pwsh for it). Interactive lines (no
 * -NonInteractive), `-Command -` (a script read from stdin like a prompt), -NoExit, -File,
 * -InputFormat/-OutputFormat, -EncodedArguments, -ConfigurationName, -Version, -PSConsoleFile and
 * malformed base64 all go to a process of their own.
 */
export function warmCommandLine(argv: readonly string[]): WarmCommandLine | undefined {
  let nonInteractive = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const param = arg.startsWith('-') && arg.length > 1 ? resolve(arg.slice(1)) : undefined;
    let found: WarmCommandLine | undefined;
    if (!param) {
      found = { script: argv.slice(i).join(' '), encoded: false };
    } else if (param === 'command') {
      const rest = argv.slice(i + 1);
      if (rest.length === 0 || rest[0] === '-') return undefined;
      found = { script: rest.join(' '), encoded: false };
    } else if (param === 'encodedcommand') {
      if (argv.length !== i + 2) return undefined;
      const b64 = argv[i + 1] ?? '';
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return undefined;
      const bytes = Buffer.from(b64, 'base64');
      if (bytes.length % 2 !== 0) return undefined;
      found = { script: bytes.toString('utf16le'), encoded: true };
    } else if (param === 'noninteractive') {
      nonInteractive = true;
      continue;
    } else if (WARM_NEUTRAL.has(param)) {
      if (TAKES_VALUE.has(param)) i++;
      continue;
    } else {
      return undefined;
    }
    return nonInteractive && found.script.trim() !== '' ? found : undefined;
  }
  return undefined;
}
