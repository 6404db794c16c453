// Turns an operation as the plan shows it (masked, parameters in comments) into a file a DBA can
// run by hand: PowerShell gets its parameters splatted, with every secret read at run time by
// Read-Host -AsSecureString and every value the wizard only knew at run time asked for; T-SQL
// gets sqlcmd variables for its secrets. Knows the plan's conventions, not any particular step:
//   "# <file>.ps1 on <host>, parameters:" then "#   Name = value" lines, then the script text;
//   in T-SQL, "-- @p = N'********': ..." describes a parameter.
import type { Operation } from '@/lib/engine/types';

export const MASK = '********';

export type BundleFile = { ext: 'ps1' | 'sql' | 'txt'; text: string };

const HEADER = /^# (\S+\.ps1) on (\S+), parameters:$/;
const PARAM = /^#   ([A-Za-z_][A-Za-z0-9_]*) = (.*)$/;

const psQuote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** One shown parameter value as a PowerShell expression. */
function psValue(name: string, shown: string): string {
  if (shown === MASK) return `(Read-BundleSecret ${psQuote(name)})`;
  if (shown === 'true' || shown === 'false') return `$${shown}`;
  if (/^-?\d+(\.\d+)?$/.test(shown)) return shown;
  const runtime = /^\((.*)\)$/.exec(shown);
  if (runtime) return `(Read-Host ${psQuote(`${name} (${runtime[1]})`)})`;
  const quoted = /^'(.*)'$/s.exec(shown);
  return psQuote(quoted ? quoted[1]! : shown);
}

const READ_SECRET = [
  '# Secrets are never in this file: each one is asked for when the script runs.',
  'function Read-BundleSecret([string]$Name) {',
  '    $s = Read-Host -AsSecureString -Prompt $Name',
  '    [System.Net.NetworkCredential]::new([string]::Empty, $s).Password',
  '}',
];

/** PowerShell: each "<file> on <host>" part runs as a script block with its parameters splatted. */
export function runnablePowerShell(op: Operation): string {
  const lines = op.script.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  let part = 0;
  let i = 0;
  const loose: string[] = [];
  while (i < lines.length) {
    const h = HEADER.exec(lines[i]!);
    if (!h) {
      loose.push(lines[i]!);
      i++;
      continue;
    }
    out.push(...loose.splice(0));
    part++;
    i++;
    const params: [string, string][] = [];
    while (i < lines.length && PARAM.test(lines[i]!)) {
      const m = PARAM.exec(lines[i]!)!;
      params.push([m[1]!, m[2]!]);
      i++;
    }
    const body: string[] = [];
    while (i < lines.length && !HEADER.test(lines[i]!)) body.push(lines[i++]!);
    // Blank or comment lines just before the next part belong to it, not to this script.
    const tail: string[] = [];
    while (body.length && /^\s*(#.*)?$/.test(body.at(-1)!) && i < lines.length) tail.unshift(body.pop()!);
    const v = `Part${part}`;
    out.push(`# ${h[1]} (on ${h[2]}) with these parameters:`);
    out.push(`$${v} = @{`);
    for (const [name, shown] of params) out.push(`    ${name} = ${psValue(name, shown)}`);
    out.push('}');
    out.push('& {', ...body, `} @${v}`);
    loose.push(...tail);
  }
  out.push(...loose);
  const usesSecret = out.some((l) => l.includes('Read-BundleSecret'));
  const text = out.join('\n').split(MASK).join('<secret: asked for at run time>');
  return [...(usesSecret ? READ_SECRET : []), text].join('\n');
}

/** T-SQL: "-- @p = N'********'" becomes a sqlcmd variable; any other masked literal too. */
export function runnableSql(op: Operation): string {
  const vars: string[] = [];
  const declares: string[] = [];
  let n = 0;
  const lines = op.script.replace(/\r\n/g, '\n').split('\n').map((line) => {
    const p = /^--\s*@([A-Za-z_]\w*)\s*=\s*N?'\*{8}'(.*)$/.exec(line);
    if (p) {
      vars.push(p[1]!);
      declares.push(`DECLARE @${p[1]} nvarchar(4000) = N'$(${p[1]})';${p[2] ? ` --${p[2].replace(/^:\s*/, ' ')}` : ''}`);
      return null;
    }
    return line.replace(/N?'\*{8}'/g, () => {
      const name = `Secret${++n}`;
      vars.push(name);
      return `N'$(${name})'`;
    });
  });
  const header = vars.length
    ? [
        `-- Run in sqlcmd mode; the secret value(s) ${vars.map((v) => `$(${v})`).join(', ')} are not in this file:`,
        `--   sqlcmd -S <server> -E -i <this file> ${vars.map((v) => `-v ${v}="..."`).join(' ')}`,
        '-- (or in SSMS: Query > SQLCMD Mode, and :setvar them in the query window, not in this file).',
      ]
    : [];
  return [...header, ...declares, ...lines.filter((l): l is string => l !== null)].join('\n').split(MASK).join('<secret>');
}

/** The file for one operation of the bundle. */
export function runnableFile(op: Operation): BundleFile {
  if (op.kind === 'tsql') return { ext: 'sql', text: runnableSql(op) };
  if (op.kind === 'manual') {
    // Manual work written as PowerShell (comments and commands) stays runnable; prose stays prose.
    return op.script.trimStart().startsWith('#') ? { ext: 'ps1', text: runnablePowerShell(op) } : { ext: 'txt', text: op.script.split(MASK).join('<secret>') };
  }
  return { ext: 'ps1', text: runnablePowerShell(op) };
}
