/**
 * How a PowerShell script and its parameters travel, and how its one result comes back.
 *
 * Two ways in, chosen per run by `buildInvocation`:
 * - INLINE (the usual case): script and parameters ride in the Command itself. The command line
 *   is `powershell … -EncodedCommand <stub>`, the stub holding the runner (the bootstrap below),
 *   the script and the JSON parameters as one raw-DEFLATE + base64 blob that it inflates and
 *   splits on NUL. Nothing is interpolated into PowerShell text: script and parameters are data
 *   the runner receives as strings, whatever quotes, `$()`, backticks or `%` they hold. No Send
 *   is needed, so a run is Command → Receive… → Signal. Used only when the line fits cmd.exe's
 *   8191 characters (the runner takes ~4.4 K of them; scripts up to ~2.4 KB fit, 15 of the 22 in
 *   lib/powershell/scripts) and when no parameter is secret: the command line of a process is visible to local administrators (Task
 *   Manager, Process Explorer) and to process-creation auditing (event 4688, when command lines
 *   are included), so secrets never go there.
 * - STDIN (long scripts, secret parameters): the command line carries the runner alone (~5 K
 *   characters, fixed except for a nonce), and the script and parameters travel on stdin (WinRS
 *   Send, chunked, so any length works) as two base64 lines (UTF-8 script; UTF-8 JSON). The
 *   runner reads them through $input (what Ansible's Windows bootstrap does, proven on Windows
 *   PowerShell 5.1 and pwsh). `-Command -` was not chosen: 5.1 executes stdin line by line like
 *   a prompt, so multi-line statements need blank-line terminators and errors do not stop the
 *   script.
 * Either way the runner compiles the script with [ScriptBlock]::Create and invokes it with the
 * parameters both splatted (so a `param()` block binds them, typed) and as $Params.
 *
 * Output: the script's pipeline output (one object: that object; none: null; several: an array)
 * is serialised with ConvertTo-Json by the runner and printed, in ONE write just before it exits,
 * as `##WINRM-START:<nonce>` and `##WINRM-RESULT:<nonce>:<base64 JSON>`; a terminating error (or
 * a parse error) is printed the same way as `##WINRM-ERROR:<nonce>:<base64 JSON record>` and
 * exits 1. Nothing is printed earlier, so a quick script's result comes back in one Receive
 * rather than a "started" line first. A script that calls `exit` still gets the START line (from
 * a `finally`), so "ended without a result" is told apart from "PowerShell never ran". Stray
 * output (Write-Host, native commands) may surround it without harm, and a script cannot fake the
 * nonce it never sees. $ErrorActionPreference is Stop: any error ends the script and is reported
 * with its line.
 */
import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { type ZodType, prettifyError } from 'zod';
import { type ClixmlRecord, decodeStderr } from './clixml';
import type { CommandStats } from './types';
import { type WinrmErrorDetails, badResult, powershellNotStarted, scriptFailed } from './errors';
import { MAX_COMMAND_LINE } from './shell';

export type PowerShellExe = 'powershell' | 'pwsh';

/**
 * The runner. Kept on few lines and short: it is UTF-16LE + base64 encoded onto the command
 * line. `$__n` (the nonce) is set before it; `$__in` holds script and parameters when they came
 * inline, otherwise they are read from stdin. `Remove-TypeData System.Array` undoes 5.1's ETS
 * quirk that makes ConvertTo-Json write arrays as {"value":[...],"Count":n}. NormalView gives the
 * same error text on 5.1 and 7.
 */
const BOOTSTRAP = String.raw`$ErrorActionPreference='Stop';$ProgressPreference='SilentlyContinue';$ErrorView='NormalView';if($PSStyle){$PSStyle.OutputRendering='PlainText'}
try{Remove-TypeData System.Array -ErrorAction SilentlyContinue}catch{}
$__u=New-Object Text.UTF8Encoding $false;$__e=[Environment]::NewLine
function __W($k,$o){[Console]::Out.Write($__e+'##WINRM-START:'+$__n+$__e+'##WINRM-'+$k+':'+$__n+':'+[Convert]::ToBase64String($__u.GetBytes((ConvertTo-Json -InputObject $o -Depth 32 -Compress)))+$__e);[Console]::Out.Flush()}
function __F($e,$k){$x=$e.Exception;$l=$null;$c=$null
while($x.InnerException -and -not($x -is [Management.Automation.ParseException])){$x=$x.InnerException}
$m=$x.Message;if($x -is [Management.Automation.ParseException] -and $x.Errors){$r=$x.Errors[0].Extent;$l=$r.StartLineNumber;$c=$r.StartColumnNumber;$k='parse';$m=($x.Errors|ForEach-Object{$_.Message}) -join [char]10}elseif($e.InvocationInfo){$l=$e.InvocationInfo.ScriptLineNumber;$c=$e.InvocationInfo.OffsetInLine}
__W 'ERROR' ([ordered]@{kind=$k;message=$m;type=$x.GetType().FullName;category=[string]$e.CategoryInfo.Category;target=[string]$e.TargetObject;errorId=[string]$e.FullyQualifiedErrorId;line=$l;position=$c;stack=[string]$e.ScriptStackTrace});exit 1}
try{$__l=if($__in){$__in}else{@($input|ForEach-Object{"$_".Trim()}|Where-Object{$_}|ForEach-Object{$__u.GetString([Convert]::FromBase64String($_))})}
$__s=[ScriptBlock]::Create($__l[0])
$Params=$__l[1]|ConvertFrom-Json
$__h=@{};if($Params){foreach($p in $Params.PSObject.Properties){$__h[$p.Name]=$p.Value}}}catch{__F $_ 'runner'}
$__x=1;try{$__o=@(& $__s @__h);$__x=0}catch{$__x=0;__F $_ 'runtime'}finally{if($__x){[Console]::Out.Write($__e+'##WINRM-START:'+$__n+$__e);[Console]::Out.Flush()}}
if($__o.Count -eq 0){$__v=$null}elseif($__o.Count -eq 1){$__v=$__o[0]}else{$__v=$__o}
__W 'RESULT' $__v;exit 0`;

/** Inflates the blob (runner NUL script NUL parameters) and runs the runner in the top scope. */
const INLINE_STUB = String.raw`$__z=New-Object IO.Compression.DeflateStream((New-Object IO.MemoryStream(,[Convert]::FromBase64String('@BLOB@'))),([IO.Compression.CompressionMode]::Decompress));$__r=(New-Object IO.StreamReader($__z,(New-Object Text.UTF8Encoding $false))).ReadToEnd().Split([char]0);$__in=$__r[1],$__r[2];. ([ScriptBlock]::Create($__r[0]))`;

export interface PowerShellInvocation {
  commandLine: string;
  /** The script and parameters for WinRS Send, or null when they travel inline in the command line. */
  stdin: Buffer | null;
  nonce: string;
}

export type ScriptParams = Record<string, unknown>;

const FLAGS = '-NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass';

const encodedCommandLine = (exe: PowerShellExe, text: string): string =>
  `${exe} ${FLAGS} -EncodedCommand ${Buffer.from(text, 'utf16le').toString('base64')}`;

/**
 * The command line and, unless they fit inline, the stdin document (script + parameters) for
 * one run. `inline: false` forces stdin (the client does so when a parameter is secret).
 */
export function buildInvocation(
  script: string,
  params: ScriptParams,
  exe: PowerShellExe,
  o: { inline?: boolean } = {},
): PowerShellInvocation {
  if (params === null || typeof params !== 'object' || Array.isArray(params))
    throw new TypeError('PowerShell parameters must be a JSON object');
  const nonce = randomBytes(12).toString('hex');
  const setNonce = `$__n='${nonce}';`;
  const json = JSON.stringify(params);
  // NUL separates the parts; JSON escapes it, a script holding one goes through stdin.
  if (o.inline !== false && !script.includes('\0')) {
    const blob = deflateRawSync(Buffer.from(`${BOOTSTRAP}\0${script}\0${json}`, 'utf8'), {
      level: 9,
    }).toString('base64');
    const commandLine = encodedCommandLine(exe, setNonce + INLINE_STUB.replace('@BLOB@', blob));
    if (commandLine.length <= MAX_COMMAND_LINE) return { commandLine, stdin: null, nonce };
  }
  const stdin = Buffer.from(
    `${Buffer.from(script, 'utf8').toString('base64')}\r\n${Buffer.from(json, 'utf8').toString('base64')}\r\n`,
    'ascii',
  );
  return { commandLine: encodedCommandLine(exe, setNonce + BOOTSTRAP), stdin, nonce };
}

export interface RawOutput {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

export interface PowerShellResult<T> {
  value: T;
  exitCode: number | null;
  /** Everything the script printed besides its result (Write-Host, native commands). */
  output: string;
  /** Non-terminating errors the script wrote (from stderr CLIXML). */
  errors: ClixmlRecord[];
  warnings: string[];
  /** What the run cost (set by the client). */
  stats?: CommandStats;
}

interface BootstrapError {
  kind?: string;
  message?: string;
  type?: string;
  category?: string;
  target?: string;
  errorId?: string;
  line?: number | null;
  position?: number | null;
  stack?: string;
}

function marker(stdout: string, kind: 'RESULT' | 'ERROR', nonce: string): string | null {
  const m = new RegExp(`^##WINRM-${kind}:${nonce}:([A-Za-z0-9+/=]*)\\r?$`, 'm').exec(stdout);
  return m && m[1] !== undefined ? Buffer.from(m[1], 'base64').toString('utf8') : null;
}

function strayOutput(stdout: string, nonce: string): string {
  return stdout
    .split(/\r?\n/)
    .filter((l) => !l.includes(`:${nonce}`))
    .join('\n')
    .trim();
}

function toRecord(e: BootstrapError): ClixmlRecord {
  const empty = (s: string | undefined): string | null => (s === undefined || s === '' ? null : s);
  return {
    message: e.message ?? 'unknown error',
    category: empty(e.category),
    target: empty(e.target),
    command: null,
    errorId: empty(e.errorId),
    line: typeof e.line === 'number' && e.line > 0 ? e.line : null,
    position: typeof e.position === 'number' && e.position > 0 ? e.position : null,
    text: [e.type ? `${e.type}: ${e.message ?? ''}` : (e.message ?? ''), e.stack ?? '']
      .filter(Boolean)
      .join('\n'),
  };
}

const NOT_RECOGNIZED =
  /is not recognized as an internal or external command|not recognized as the name of a cmdlet|No such file or directory/i;
/** STATUS_DLL_INIT_FAILED: the process could not start (typically desktop heap exhausted). */
const DLL_INIT_FAILED = new Set([-1073741502, 3221225794]);

/** Turns the raw output of a bootstrap run into the validated result, or throws a WinrmError. */
export function interpretOutput<T>(
  host: string,
  exe: PowerShellExe,
  raw: RawOutput,
  nonce: string,
  schema?: ZodType<T>,
): PowerShellResult<T> {
  const stderr = decodeStderr(raw.stderr);
  const output = strayOutput(raw.stdout, nonce);
  const details: WinrmErrorDetails = {
    ...(raw.exitCode !== null ? { exitCode: raw.exitCode } : {}),
    ...(stderr.errors.length > 0 ? { records: stderr.errors } : {}),
  };
  const failure = marker(raw.stdout, 'ERROR', nonce);
  if (failure !== null) {
    let parsed: BootstrapError = { message: failure };
    try {
      parsed = JSON.parse(failure) as BootstrapError;
    } catch {
      // Keep the raw text as the message.
    }
    const record = toRecord(parsed);
    if (parsed.kind === 'runner')
      throw powershellNotStarted(
        host,
        `the runner could not read the script: ${record.message}`,
        details,
      );
    throw scriptFailed(host, record, { ...details, records: [record, ...stderr.errors] });
  }
  const result = marker(raw.stdout, 'RESULT', nonce);
  if (result === null) {
    const started = raw.stdout.includes(`##WINRM-START:${nonce}`);
    if (!started) {
      if (raw.exitCode === 9009 || NOT_RECOGNIZED.test(raw.stderr))
        throw powershellNotStarted(
          host,
          `${exe} was not found (${exe === 'pwsh' ? 'PowerShell 7 is not installed' : 'it is not on the PATH'}).`,
          details,
        );
      if (raw.exitCode !== null && DLL_INIT_FAILED.has(raw.exitCode))
        throw powershellNotStarted(
          host,
          `the process failed to initialise (0xC0000142): the server is out of desktop heap or too many shells are open.`,
          details,
        );
      const said = stderr.errors[0]?.message;
      if (said)
        throw powershellNotStarted(
          host,
          `${exe} exited with code ${raw.exitCode ?? 'unknown'} before running the script: ${said}`,
          details,
        );
      // The runner prints nothing before the script ends (or calls exit), and PowerShell said
      // nothing either: the process died while starting or running the script.
      throw badResult(
        host,
        `ended (exit code ${raw.exitCode ?? 'unknown'}) before the script finished, without a result: the PowerShell process was killed (stopped from outside, out of memory).`,
        details,
      );
    }
    throw badResult(
      host,
      `ended (exit code ${raw.exitCode ?? 'unknown'}) without returning a result: the script called exit, or the PowerShell process was killed (stopped from outside, out of memory).${stderr.errors[0] ? ` First error: ${stderr.errors[0].message}` : ''}`,
      details,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(result) as unknown;
  } catch {
    throw badResult(host, 'returned a result that is not JSON.', details);
  }
  if (schema) {
    const checked = schema.safeParse(value);
    if (!checked.success)
      throw badResult(
        host,
        `returned a result of the wrong shape:\n${prettifyError(checked.error)}`,
        details,
      );
    value = checked.data;
  }
  return {
    value: value as T,
    exitCode: raw.exitCode,
    output,
    errors: stderr.errors,
    warnings: stderr.warnings,
  };
}
