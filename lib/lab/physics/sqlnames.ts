// Which SQL Server instance a name in a settings file or connection string reaches: an AG
// listener hands the connection to the current primary; an instance name reaches that instance,
// whatever role it has. This is why SqlServerName must be the listener in the HA setup.

import type { LabSqlEngine } from '@/lib/lab/sql/engine';
import { LAB_DNS_DOMAIN } from '@/lib/lab/windows/types';
import { parseSqlServerName } from '@/lib/settings';

const DEFAULT_SQL_PORT = 1433;

export type ResolvedSql = { ok: true; instance: string; via: 'listener' | 'instance' } | { ok: false; message: string };

const notFound = (name: string, why: string): ResolvedSql => ({
  ok: false,
  message:
    `A network-related or instance-specific error occurred while establishing a connection to SQL Server '${name}'. ` +
    `The server was not found or was not accessible. (${why})`,
});

/** Short host name: `sqlnode1.lab.test` → `sqlnode1`; other domains are not the lab's. */
function shortName(host: string): string | null {
  const h = host.replace(/\.$/, '').toLowerCase();
  if (!h.includes('.')) return h;
  const suffix = `.${LAB_DNS_DOMAIN.toLowerCase()}`;
  return h.endsWith(suffix) ? h.slice(0, -suffix.length) : null;
}

/**
 * Resolves `Server[\Instance][,port]`. `localHost` is the machine the client runs on, for `.`,
 * `(local)` and `localhost`.
 */
export function resolveSqlName(engine: LabSqlEngine, name: string, localHost?: string): ResolvedSql {
  const trimmed = name.trim();
  const local = /^(\.|\(local\)|localhost)(?=$|[\\,])/i.exec(trimmed);
  const text = local && localHost ? localHost + trimmed.slice(local[0].length) : trimmed;
  const parsed = parseSqlServerName(text);
  if (!parsed.ok) return notFound(name, parsed.error);
  const { host, instance, port } = parsed.value;
  const short = shortName(host);
  if (short === null) return notFound(name, `${host} is not in the lab's DNS`);

  const listener = engine.listener(short);
  if (listener) {
    if (instance !== undefined) return notFound(name, 'an availability group listener has no named instance');
    // A listener created outside SQL Server has no port: nothing listens on it.
    if (listener.port === null || (port ?? DEFAULT_SQL_PORT) !== listener.port) {
      return notFound(name, `the listener ${short.toUpperCase()} does not listen on port ${port ?? DEFAULT_SQL_PORT}`);
    }
    if (!listener.primary) return notFound(name, `the availability group ${listener.ag} has no primary replica online`);
    return { ok: true, instance: listener.primary, via: 'listener' };
  }
  const inst = engine.st.instance(short);
  if (!inst) return notFound(name, `no SQL Server named ${short.toUpperCase()}`);
  if ((instance ?? null)?.toUpperCase() !== (inst.instance_name ?? null)?.toUpperCase()) {
    return notFound(name, `${inst.name} has no instance ${instance ?? 'MSSQLSERVER'}`);
  }
  if (port !== undefined && port !== inst.sql_port) return notFound(name, `${inst.name} does not listen on port ${port}`);
  if (!inst.running) return notFound(name, `SQL Server on ${inst.name} is not running`);
  return { ok: true, instance: inst.name, via: 'instance' };
}

/** The instance where SSISDB is writable: the primary of its AG, or the only instance that has it. */
export function ssisdbPrimary(engine: LabSqlEngine): { instance: string | null; ag: string | null } {
  for (const inst of engine.st.instances()) {
    const db = engine.st.database(inst.name, 'SSISDB');
    if (!db) continue;
    const ag = engine.st.agOfDatabase(db);
    if (ag) return { instance: engine.primaryOf(ag.name), ag: ag.name };
    return { instance: inst.running ? inst.name : null, ag: null };
  }
  return { instance: null, ag: null };
}
