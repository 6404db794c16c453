// Parses `netsh http show sslcert ipport=...` output. English labels: lib/winrm asks for en-US,
// and netsh prints the same labels on every Windows version since 2008.

export type SslBinding = { thumbprint: string; appId: string; store: string };

export function parseSslBinding(lines: readonly string[]): SslBinding | null {
  const text = lines.join('\n');
  const hash = /Certificate Hash\s*:\s*([0-9a-fA-F]{40})/.exec(text)?.[1];
  if (!hash) return null;
  const appId = /Application ID\s*:\s*(\{[0-9a-fA-F-]{36}\})/.exec(text)?.[1] ?? '';
  const store = /Certificate Store Name\s*:\s*(\S+)/.exec(text)?.[1];
  // "(null)" means HTTP.SYS uses its default store, MY.
  return { thumbprint: hash.toUpperCase(), appId: appId.toLowerCase(), store: !store || store === '(null)' ? 'MY' : store };
}
