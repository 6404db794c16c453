// Execution logging as a worker does it: decrypt CLUSTER_LOGDB_CONNECTIONSTRING, connect to its
// Data Source with SQL authentication as ##MS_SSISLogDBWorkerAgentLogin##, open SSISDB. Logs are
// written, so the connection has to reach the primary; a login whose SID differs from the user's
// in SSISDB cannot open the database (orphaned user).

import type { LabSqlEngine } from '@/lib/lab/sql/engine';

import { resolveSqlName, ssisdbPrimary } from './sqlnames';
import type { LoggingCheck } from './types';

/** Parses `key=value;` pairs (values optionally in single or double quotes, doubled to escape). */
export function parseConnectionString(cs: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /\s*([^=;]+?)\s*=\s*(?:'((?:[^']|'')*)'|"((?:[^"]|"")*)"|([^;]*))\s*(?:;|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < cs.length && (m = re.exec(cs)) !== null) {
    const key = (m[1] ?? '').toLowerCase();
    const value = m[2] !== undefined ? m[2].replace(/''/g, "'") : m[3] !== undefined ? m[3].replace(/""/g, '"') : (m[4] ?? '').trim();
    out.set(key, value);
    if (m[0] === '') break;
  }
  return out;
}

const pick = (kv: Map<string, string>, ...keys: string[]): string | undefined => keys.map((k) => kv.get(k)).find((v) => v !== undefined);

export function checkLogging(engine: LabSqlEngine): LoggingCheck {
  const { instance: primary, ag } = ssisdbPrimary(engine);
  if (!primary) return { ok: false, reason: ag ? `The availability group ${ag} has no primary replica online.` : 'No running SQL Server hosts SSISDB.' };
  const cs = engine.logdbConnectionString(primary);
  if (!cs) return { ok: false, reason: `SSISDB on ${primary} has no CLUSTER_LOGDB_CONNECTIONSTRING (Scale Out not enabled, or update_logdb_info not run).` };
  const kv = parseConnectionString(cs);
  const source = pick(kv, 'data source', 'server', 'address', 'addr', 'network address');
  const user = pick(kv, 'user id', 'uid', 'user');
  const password = pick(kv, 'password', 'pwd') ?? '';
  if (!source || !user) return { ok: false, reason: 'The logging connection string has no Data Source or User Id.' };
  const target = resolveSqlName(engine, source);
  if (!target.ok) return { ok: false, reason: `Workers cannot reach the logging Data Source: ${target.message}` };
  if (target.instance.toLowerCase() !== primary.toLowerCase()) {
    return { ok: false, reason: `The logging Data Source '${source}' reaches ${target.instance}, which is not the primary (${primary}): SSISDB is not writable there.` };
  }
  const auth = engine.authenticate(target.instance, user, password, 'SSISDB', { appName: 'SSIS Scale Out Worker execution log' });
  if (!auth.ok) return { ok: false, reason: `Login as ${user} on ${target.instance} failed (error 18456, state ${auth.state}): ${auth.reason}` };
  engine.disconnect(auth.session);
  return { ok: true, reason: `${user} signed in on ${target.instance} through '${source}' and opened SSISDB.` };
}
