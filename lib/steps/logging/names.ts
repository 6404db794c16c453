// Stable check and operation ids, and the names the step works with.
import type { StoredInventory } from '@/lib/inventory/schema';

export const SSISDB = 'SSISDB';
/** The SQL login Scale Out Workers write execution logs with (reference §4.3), and its SSISDB user. */
export const LOGDB_LOGIN = '##MS_SSISLogDBWorkerAgentLogin##';
export const LOGDB_USER = '##MS_SSISLogDBWorkerAgentUser##';

export const CHECK = {
  secret: 'login.secret',
  server: 'logdb.server',
  signin: 'logdb.signin',
  mixed: (node: string) => `mixed:${node}`,
  login: (node: string) => `login:${node}`,
} as const;

export const OP = {
  password: 'login.password',
  updateLogdb: 'logdb.update',
  mixedRegistry: (node: string) => `mixed.registry:${node}`,
  mixedRestart: (node: string) => `mixed.restart:${node}`,
  mixedManual: (node: string) => `mixed.manual:${node}`,
  sync: (node: string) => `login.sync:${node}`,
} as const;

type Inv = Pick<StoredInventory, 'listenerName' | 'listenerPort'>;

/** What update_logdb_info gets as @server_name (ssis-scale-out-ha.md §6 step 6.3). */
export const logdbServer = (inv: Inv): string => `${inv.listenerName},${inv.listenerPort}`;

/** The connection string workers log with: through the listener, so it follows the primary. */
export const logdbConnectionString = (inv: Inv, password: string): string =>
  `Data Source=${logdbServer(inv)};Initial Catalog=${SSISDB};User Id=${LOGDB_LOGIN};Password=${quoteConnectionValue(password)};`;

/** A connection-string value in single quotes, quotes doubled, so ; and = in a password stay inside it. */
function quoteConnectionValue(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

type Master = StoredInventory['masters'][number];

/** What @@SERVERNAME calls a node's instance. */
export const serverNameOf = (m: Pick<Master, 'hostName' | 'sqlInstance'>): string =>
  m.sqlInstance.toUpperCase() === 'MSSQLSERVER' ? m.hostName : `${m.hostName}\\${m.sqlInstance}`;

/** The Windows service of a node's instance. */
export const sqlServiceOf = (m: Pick<Master, 'sqlInstance'>): string => (m.sqlInstance.toUpperCase() === 'MSSQLSERVER' ? 'MSSQLSERVER' : `MSSQL$${m.sqlInstance}`);

export const sameName = (a: string | null | undefined, b: string | null | undefined): boolean => !!a && !!b && a.toUpperCase() === b.toUpperCase();
