// One mssql ConnectionPool per target (instance or listener) per deployment, created on first
// use and cached on globalThis so `next dev` module reloads reuse open pools instead of leaking
// them. A pool is replaced when its target's settings change (password, trust, address) and
// all of a deployment's pools are closed when its inventory changes.
import 'server-only';
import { createHash } from 'node:crypto';
import sql from 'mssql';
import { buildConfig, targetLabel } from './config';
import { failure, SqlFailureError } from './failure';
import { mapError } from './map';
import type { ConnectionStatus, PeerCertificate, SqlTarget } from './types';

export interface PoolEntry {
  fingerprint: string;
  pool: sql.ConnectionPool;
  ready: Promise<ConnectionStatus>;
  certificate?: PeerCertificate;
  tlsSeen: boolean;
}

type Registry = Map<string, Map<string, PoolEntry>>;

const KEY = Symbol.for('ssis-scaleout-ha-wizard.sql.pools');
const holder = globalThis as typeof globalThis & { [KEY]?: Registry };
const registry: Registry = (holder[KEY] ??= new Map());

/** Which pool: the target's identity. */
function poolKey(t: SqlTarget): string {
  return [
    t.name.toUpperCase(),
    t.instance.toUpperCase(),
    t.database.toUpperCase(),
    t.auth.kind,
    t.auth.user.toUpperCase(),
  ].join('|');
}

/** Everything else that shapes a connection; hashed so the password is not kept in clear as a key. */
function fingerprint(t: SqlTarget): string {
  const parts = [
    t.port,
    t.connectAddress ?? '',
    t.auth.password,
    JSON.stringify(t.trust),
    t.allowPlaintext === true,
    t.connectTimeoutMs ?? '',
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

const ENCRYPT_OPTION =
  'SELECT encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID';

async function connectionStatus(entry: PoolEntry, t: SqlTarget): Promise<ConnectionStatus> {
  const label = targetLabel(t);
  const warnings: string[] = [];
  let encryptOption: string | null = null;
  try {
    const r = await entry.pool.request().query<{ encrypt_option: unknown }>(ENCRYPT_OPTION);
    const v = r.recordset[0]?.encrypt_option;
    encryptOption = typeof v === 'string' ? v.toUpperCase() : null;
  } catch {
    // Reading the DMV needs VIEW SERVER STATE; the client-side TLS fact below still holds.
  }
  if (encryptOption !== 'TRUE' || !entry.tlsSeen) {
    const said =
      encryptOption === null
        ? 'could not be read (needs VIEW SERVER STATE)'
        : `is ${encryptOption}`;
    warnings.push(
      entry.tlsSeen
        ? `${label}: TLS was negotiated, but the server's encrypt_option for this session ${said}.`
        : `${label}: the connection is NOT encrypted (the server declined TLS; encrypt_option ${said}). The login and all data travel in clear text.`,
    );
  }
  if (t.trust.mode === 'insecure')
    warnings.push(
      `${label}: the server certificate is not verified (trust mode "insecure"): anyone on the path could impersonate this server.`,
    );
  return { tls: entry.tlsSeen, encryptOption, certificate: entry.certificate, warnings };
}

/** A new, uncached pool for a target; `ready` settles once it has connected and been checked. */
export function openPool(t: SqlTarget): PoolEntry {
  const entry = { fingerprint: fingerprint(t), tlsSeen: false } as PoolEntry;
  const config = buildConfig(t, {
    certificate(cert) {
      if (cert) {
        entry.tlsSeen = true;
        entry.certificate = cert;
      }
    },
  });
  entry.pool = new sql.ConnectionPool(config);
  // An idle pooled connection that breaks (server restart, AG failover) emits 'error' on the
  // pool; the next request gets a fresh connection, so this is not fatal.
  entry.pool.on('error', () => undefined);
  entry.ready = entry.pool.connect().then(() => connectionStatus(entry, t));
  // Callers await `ready`; this only stops an unobserved rejection from crashing the process.
  entry.ready.catch(() => undefined);
  return entry;
}

/** The pool for a target (connecting it if needed) and what the connection looks like. */
export async function connect(
  t: SqlTarget,
): Promise<{ pool: sql.ConnectionPool; status: ConnectionStatus }> {
  assertTarget(t);
  let pools = registry.get(t.deploymentId);
  if (!pools) registry.set(t.deploymentId, (pools = new Map()));
  const key = poolKey(t);
  let entry = pools.get(key);
  if (entry && entry.fingerprint !== fingerprint(t)) {
    pools.delete(key);
    void entry.pool.close().catch(() => undefined);
    entry = undefined;
  }
  if (!entry) {
    try {
      entry = openPool(t);
    } catch (e) {
      throw new SqlFailureError(mapError(e, t));
    }
    const created = entry;
    const cache = pools;
    pools.set(key, created);
    // A pool that never connected is dropped as soon as that is known (even if the caller gave
    // up waiting), so the next call tries again from scratch instead of replaying the failure.
    created.ready.catch(() => {
      if (cache.get(key) === created) cache.delete(key);
      void created.pool.close().catch(() => undefined);
    });
  }
  try {
    return { pool: entry.pool, status: await entry.ready };
  } catch (e) {
    throw new SqlFailureError(mapError(e, t));
  }
}

/** Closes one target's pool (e.g. after its credentials were found wrong). */
export async function closePool(t: SqlTarget): Promise<void> {
  const pools = registry.get(t.deploymentId);
  const entry = pools?.get(poolKey(t));
  if (!pools || !entry) return;
  pools.delete(poolKey(t));
  await entry.pool.close().catch(() => undefined);
}

/** Closes every pool of a deployment: call it whenever the deployment's inventory is saved. */
export async function closeDeploymentPools(deploymentId: string): Promise<void> {
  const pools = registry.get(deploymentId);
  if (!pools) return;
  registry.delete(deploymentId);
  await Promise.all([...pools.values()].map((e) => e.pool.close().catch(() => undefined)));
}

export async function closeAllPools(): Promise<void> {
  await Promise.all([...registry.keys()].map((id) => closeDeploymentPools(id)));
}

/** How many pools are open (for tests and the health page). */
export function openPoolCount(deploymentId?: string): number {
  if (deploymentId !== undefined) return registry.get(deploymentId)?.size ?? 0;
  return [...registry.values()].reduce((n, m) => n + m.size, 0);
}

/** Refuses early, with the layer named, when a target is plainly incomplete. */
export function assertTarget(t: SqlTarget): void {
  const label = targetLabel(t);
  if (!t.name.trim())
    throw new SqlFailureError(failure('CONFIG', 'The SQL target has no host name.'));
  if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535)
    throw new SqlFailureError(failure('CONFIG', `${label}: ${t.port} is not a TCP port.`));
}
