/**
 * Splits a Windows command line into argv the way the Microsoft C runtime (and .NET, hence
 * powershell.exe) does: whitespace separates arguments outside quotes; 2n backslashes before a
 * quote give n backslashes and toggle quoting, 2n+1 give n backslashes and a literal quote; `""`
 * inside quotes is a literal quote. Backslashes elsewhere are literal (Windows paths).
 */
export function splitCommandLine(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inQuotes = false;
  let hasArg = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\') {
      let slashes = 0;
      while (line[i] === '\\') {
        slashes++;
        i++;
      }
      if (line[i] === '"') {
        current += '\\'.repeat(Math.floor(slashes / 2));
        if (slashes % 2 === 1) current += '"';
        else {
          inQuotes = !inQuotes;
        }
        hasArg = true;
      } else {
        current += '\\'.repeat(slashes);
        i--;
        hasArg = true;
      }
      continue;
    }
    if (ch === '"') {
      if (inQuotes && line[i + 1] === '"') {
        current += '"';
        i++;
      } else {
        inQuotes = !inQuotes;
      }
      hasArg = true;
      continue;
    }
    if ((ch === ' ' || ch === '\t') && !inQuotes) {
      if (hasArg) args.push(current);
      current = '';
      hasArg = false;
      continue;
    }
    current += ch;
    hasArg = true;
  }
  if (hasArg) args.push(current);
  return args;
}

/** `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe` → `powershell`. */
export function programName(arg0: string): string {
  const base = arg0.split(/[\\/]/).pop() ?? arg0;
  return base.toLowerCase().replace(/\.(exe|com|bat|cmd)$/, '');
}

/**
 * What follows `cmd /c` (or `/k`, `/s /c`, …) in a command line, verbatim, or undefined when the
 * line does not start with cmd.exe and a /c or /k switch.
 */
export function cmdInnerLine(line: string): string | undefined {
  const m = /^\s*(?:"[^"]*"|\S+)((?:\s+\/[a-z](?::\S*)?)*?)\s+\/[ck](?:\s+|$)/i.exec(line);
  if (!m) return undefined;
  const first = /^\s*("[^"]*"|\S+)/.exec(line)?.[1]?.replace(/"/g, '') ?? '';
  if (programName(first) !== 'cmd') return undefined;
  let inner = line.slice(m[0].length);
  // cmd /s /c "…" (and the common `cmd /c "…"`) strips one pair of outer quotes.
  if (/^".*"\s*$/s.test(inner)) inner = inner.trim().slice(1, -1);
  return inner;
}
