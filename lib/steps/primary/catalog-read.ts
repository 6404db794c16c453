// Step 2's catalog, read and enabled through lib/sql: SSISDB on the primary's instance and
// IS_SCALEOUT_ENABLED in its catalog.master_properties. Once SSISDB is in an availability group
// and the primary node's replica is a secondary (after a failover), the value is read where the
// database is writable: the AG's primary replica, found as steps 5 and 8 find it.
import 'server-only';
import { z } from 'zod';
import type { ApplyContext } from '@/lib/engine/types';
import { isSqlFailureError, query, queryRows, type Row } from '@/lib/sql';
import type { StepContext } from '@/lib/steps/context';
import { errorText, findCatalogHome, noHomeEvidence } from '../master-address/catalog-home';
import { ENABLE_SCALEOUT_SQL, isEnabledValue, LOGDB_LOGIN, SSISDB, type CatalogRead } from './catalog';

const HERE_SQL = `
SELECT @@SERVERNAME AS server_name;
SELECT d.state_desc, CAST(CASE WHEN d.replica_id IS NULL THEN 0 ELSE 1 END AS bit) AS in_ag
  FROM sys.databases d
 WHERE d.name = @db;`;

// Only once SSISDB is in a group (the DMV needs VIEW SERVER STATE, which sysadmin has).
const ROLE_SQL = `
SELECT rs.role_desc
  FROM sys.databases d
  JOIN sys.dm_hadr_availability_replica_states rs ON rs.replica_id = d.replica_id AND rs.is_local = 1
 WHERE d.name = @db;`;

const PROPERTY_SQL = `SELECT property_value FROM catalog.master_properties WHERE property_name = N'IS_SCALEOUT_ENABLED';`;

const serverRow = z.object({ server_name: z.string() });
const dbRow = z.object({ state_desc: z.string().nullable(), in_ag: z.union([z.boolean(), z.number()]).transform(Boolean) });
const roleRow = z.object({ role_desc: z.string().nullable() });
const propertyRow = z.object({ property_value: z.string().nullable() });

function first<S extends z.ZodType>(sets: Row[][], i: number, schema: S, what: string): z.infer<S> | undefined {
  const parsed = z.array(schema).safeParse(sets[i] ?? []);
  if (!parsed.success) throw new Error(`${what}: the result did not have the expected shape (${parsed.error.issues[0]?.message ?? 'unknown'}).`);
  return parsed.data[0];
}

const options = (signal?: AbortSignal) => (signal ? { signal } : {});

/** SSISDB on the primary node's instance (`host`), and IS_SCALEOUT_ENABLED where SSISDB is writable. Never throws. */
export async function readCatalog(ctx: Pick<StepContext, 'sql' | 'inventory'>, host: string, signal?: AbortSignal): Promise<CatalogRead> {
  try {
    const params = { db: { type: 'sysname', value: SSISDB } } as const;
    const sets = (await query(ctx.sql(host), HERE_SQL, params, options(signal))).recordsets;
    const server = first(sets, 0, serverRow, host)?.server_name ?? host;
    const db = first(sets, 1, dbRow, host);
    if (!db) return { ok: true, host, server, ssisdb: false };
    let readOn = host;
    let readServer = server;
    let why: string | undefined;
    const role = db.in_ag ? ((await queryRows(ctx.sql(host), ROLE_SQL, params, roleRow, options(signal)))[0]?.role_desc ?? null) : null;
    if (db.in_ag && role !== 'PRIMARY') {
      const home = await findCatalogHome(ctx);
      if (!home.home || home.home.node.toUpperCase() === host.toUpperCase())
        return { ok: false, host, error: `${SSISDB} on ${server} is in an availability group and is not writable there (${role ?? 'no role'}). ${noHomeEvidence(home, ctx.inventory.agName)}` };
      readOn = home.home.node;
      readServer = home.home.server;
      why = `${home.home.why}; ${SSISDB} on ${server} is ${role === 'SECONDARY' ? 'a secondary replica' : `not writable (${role ?? 'no role'})`}`;
    }
    const rows = await queryRows(ctx.sql(readOn, SSISDB), PROPERTY_SQL, {}, propertyRow, options(signal));
    return { ok: true, host, server, ssisdb: true, readOn, readServer, ...(why ? { why } : {}), inAg: db.in_ag, value: rows[0]?.property_value ?? null };
  } catch (e) {
    return { ok: false, host, error: errorText(e) };
  }
}

/** The error of a failed enable_scaleout, naming the instance and the operation, with what fixes it. */
function enableFailure(ctx: Pick<StepContext, 'inventory'>, server: string, e: unknown): string {
  const head = `catalog.enable_scaleout on ${server} failed`;
  const said = errorText(e);
  const number = isSqlFailureError(e) ? e.failure.number : undefined;
  if (number === 27260)
    return `${head} with error 27260: the wizard's SQL login ${ctx.inventory.sqlUser} is not a member of sysadmin on ${server}, and only sysadmin can enable Scale Out. Add it to sysadmin there (or have a sysadmin run ${ENABLE_SCALEOUT_SQL} on ${server}), then apply again. SQL Server said: ${said}`;
  if (number === 27261)
    return `${head} with error 27261: the Scale Out Master feature is not installed on the computer that hosts ${server} (SQL Server Setup writes HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\<version>\\DTS\\Setup\\SQL_IS_Master). Install it there with SQL Server Setup (this step's setup operation), then apply again. SQL Server said: ${said}`;
  return `${head}: ${said}`;
}

/**
 * Runs catalog.enable_scaleout once: it reads IS_SCALEOUT_ENABLED first and does nothing when it
 * is TRUE, because running it again recreates the logging login with a new SID.
 */
export async function enableScaleOut(ctx: Pick<StepContext, 'sql' | 'inventory'>, host: string, run: ApplyContext): Promise<string> {
  const r = await readCatalog(ctx, host, run.signal);
  if (!r.ok) throw new Error(`catalog.enable_scaleout on ${r.host}: ${SSISDB} could not be read first, so nothing was run: ${r.error}`);
  if (!r.ssisdb)
    throw new Error(`catalog.enable_scaleout on ${r.server}: there is no ${SSISDB} on ${r.server}. Create the catalog there with "Enable this server as SSIS scale out master" (this step's manual operation), then check the step again.`);
  if (isEnabledValue(r.value))
    return `Scale Out is already enabled in ${SSISDB} on ${r.readServer} (IS_SCALEOUT_ENABLED = '${r.value}'): catalog.enable_scaleout was not run again.`;
  run.log(r.readOn, `${ENABLE_SCALEOUT_SQL} on ${r.readServer}: it creates ${LOGDB_LOGIN} with a new SID and a random password.`, r.inAg ? 'warn' : 'info');
  try {
    await query(ctx.sql(r.readOn), ENABLE_SCALEOUT_SQL, {}, { signal: run.signal, timeoutMs: 120_000 });
  } catch (e) {
    throw new Error(enableFailure(ctx, r.readServer, e));
  }
  return `Scale Out is enabled in ${SSISDB} on ${r.readServer} (it was ${r.value === null ? 'not set' : `'${r.value}'`}). ${LOGDB_LOGIN} exists there now with a random password; step 6 gives it one the wizard keeps.`;
}
