// What kind of account a service runs under. In HA the master must be a domain account: a
// virtual (NT Service\...), system or local account is a different principal on every node, so
// after a failover the master cannot log in to SSISDB on the other replica.

export type AccountKind = 'domain' | 'virtual' | 'system' | 'local' | 'none';

const SYSTEM = /^(localsystem|nt authority\\.+)$/i;

export function classifyAccount(startName: string, localComputers: readonly string[]): AccountKind {
  const name = startName.trim();
  if (name === '') return 'none';
  if (SYSTEM.test(name)) return 'system';
  if (/^nt service\\/i.test(name)) return 'virtual';
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(name)) return 'domain';
  const slash = name.indexOf('\\');
  if (slash <= 0) return 'local';
  const authority = name.slice(0, slash).toUpperCase();
  if (authority === '.' || localComputers.some((c) => c.toUpperCase() === authority)) return 'local';
  return 'domain';
}

export const ACCOUNT_KIND_TEXT: Record<AccountKind, string> = {
  domain: 'a domain account',
  virtual: 'a virtual account, local to this node',
  system: 'a built-in system account',
  local: 'a local account of this node',
  none: 'no account',
};
