// Stable check and operation ids of steps 2 and 3, `<what>@<HOST>` like the other steps. The
// UI, the plan and stored results refer to checks by these; apply finds its action and target
// node in the operation id, so an operation stored in a job stays meaningful after a restart.

export const CHECK = {
  installed: 'master-installed',
  account: 'master-account',
  covers: 'cert-covers-dns-name',
  inRoot: 'cert-in-root',
  bound: 'cert-bound',
  settings: 'settings-thumbprint',
  /** The running service started after MasterSettings.config was last written. */
  current: 'master-current-settings',
  /** Secondary: the primary has a certificate fit to share. */
  primaryCert: 'primary-certificate',
  /** Secondary: one thumbprint on every node. */
  allEqual: 'thumbprints-equal',
} as const;

export const OP = {
  setup: 'setup',
  account: 'set-account',
  newCert: 'new-certificate',
  importCert: 'import-certificate',
  rebind: 'rebind',
  settings: 'settings-thumbprint',
  restart: 'restart',
} as const;
export type OpAction = (typeof OP)[keyof typeof OP];

export const idAt = (what: string, host: string) => `${what}@${host.toUpperCase()}`;

export function parseOpId(id: string): { action: OpAction; host: string } | null {
  const m = /^([a-z-]+)@([A-Za-z0-9-]{1,15})$/.exec(id);
  if (!m) return null;
  const action = Object.values(OP).find((a) => a === m[1]);
  return action ? { action, host: m[2]! } : null;
}
