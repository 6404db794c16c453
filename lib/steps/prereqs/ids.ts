// Stable check ids of step 1: the UI, the plan and stored results refer to checks by these.
// Each is unique per target (a node, or a DNS name).

export const CHECK = {
  winrm: 'winrm-reachable',
  sql: 'sql-reachable',
  feature: 'feature-failover-clustering',
  restart: 'restart-pending',
  membership: 'cluster-membership',
  nodeUp: 'cluster-node-up',
  hadr: 'hadr-enabled',
} as const;

const DNS_PREFIX = 'dns-free-';

export const dnsCheckId = (name: string) => `${DNS_PREFIX}${name.toLowerCase()}`;
export const isDnsCheckId = (id: string) => id.startsWith(DNS_PREFIX);

/** The one operation the wizard runs itself; everything else in this step is manual. */
export const INSTALL_OP = 'install-failover-clustering';
export const installOpId = (host: string) => `${INSTALL_OP}@${host.toUpperCase()}`;

/** Features read on each node: the role itself, its PowerShell module and its console. */
export const FEATURES = {
  role: 'Failover-Clustering',
  module: 'RSAT-Clustering-PowerShell',
  console: 'RSAT-Clustering-Mgmt',
} as const;
