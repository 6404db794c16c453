// Stable check and operation ids, and how inventory nodes map to SQL Server's replica names.
import type { StoredInventory } from '@/lib/inventory/schema';

export const SSISDB = 'SSISDB';

/** Check ids: AG-wide ones once, per-node ones suffixed with the node's host name. */
export const CHECK = {
  agExists: 'ag.exists',
  agPrimary: 'ag.primary',
  agSsisdb: 'ag.ssisdb',
  listenerExists: 'listener.exists',
  listenerPort: 'listener.port',
  listenerRoutes: 'listener.routes',
  alwaysOnSupport: 'alwayson.support',
  replica: (node: string) => `replica:${node}`,
  replicaHealth: (node: string) => `replica.health:${node}`,
  ssisdbSync: (node: string) => `ssisdb.sync:${node}`,
  dmk: (node: string) => `dmk:${node}`,
  startupProc: (node: string) => `alwayson.startup:${node}`,
} as const;

export const OP = {
  createAg: 'ag.create',
  addSsisdb: 'ag.add-ssisdb',
  addListener: 'listener.add',
  setListenerPort: 'listener.port',
  fixListenerRoute: 'listener.routes',
  enableAlwaysOn: 'alwayson.enable',
  addReplica: (node: string) => `replica.add:${node}`,
  repairReplica: (node: string) => `replica.repair:${node}`,
  addDmkPassword: (node: string) => `dmk.add:${node}`,
} as const;

type Master = StoredInventory['masters'][number];

/** What @@SERVERNAME (and so sys.availability_replicas) calls a node's instance. */
export function serverNameOf(m: Pick<Master, 'hostName' | 'sqlInstance'>): string {
  return m.sqlInstance.toUpperCase() === 'MSSQLSERVER' ? m.hostName : `${m.hostName}\\${m.sqlInstance}`;
}

export const sameName = (a: string | null | undefined, b: string | null | undefined): boolean =>
  !!a && !!b && a.toUpperCase() === b.toUpperCase();

/** The master node whose instance carries this replica name, if any. */
export function nodeOfServer(inv: StoredInventory, serverName: string): string | undefined {
  return inv.masters.find((m) => sameName(serverNameOf(m), serverName))?.hostName;
}
