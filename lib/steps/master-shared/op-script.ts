// What an operation shows as its script: the checked-in script file exactly as it runs, preceded
// by the parameters it receives (values travel as JSON on stdin, never inside the script text).
// Secret parameters show as ******** and values known only at run time say where they come from.

export const MASKED = '********';

export type ShownParam = string | number | boolean | { runtime: string } | { secret: true };

export function showScript(file: string, host: string, params: Record<string, ShownParam>, text: string): string {
  const rows = Object.entries(params).map(([k, v]) => {
    const shown =
      typeof v === 'object' ? ('secret' in v ? MASKED : `(${v.runtime})`) : typeof v === 'string' ? `'${v}'` : String(v);
    return `#   ${k} = ${shown}`;
  });
  return [`# ${file} on ${host}, parameters:`, ...rows, text.trimEnd()].join('\n');
}
