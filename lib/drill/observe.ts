// What the drill watches after a move, each read on a new connection (no pooled connection
// survives a failover in real life either): the master endpoint's certificate, the master
// heartbeat (catalog.master_properties LAST_ONLINE_TIME), every worker's LastOnlineTime, and a
// sign-in of the logging login through the listener.
import 'server-only';
import { z } from 'zod';
import { closePool, queryRows, type SqlTarget } from '@/lib/sql';
import type { StepContext } from '@/lib/steps/context';
import { LOGDB_SECRET } from '@/lib/steps/logging/secret';
import { seeMasterEndpoint, type EndpointSeen } from './endpoint';

export const LOGGING_LOGIN = '##MS_SSISLogDBWorkerAgentLogin##';
/** Where step 6 (logging) keeps the logging login's password. */
export const LOGGING_SECRET = LOGDB_SECRET;

export type WorkerSeen = { name: string; lastOnline: Date | null; enabled: boolean | null };
export type SqlSeen =
  | {
      ok: true;
      /** The SQL Server's clock (the wizard's may be off). */
      now: Date;
      /** Instance that answered through the listener. */
      server: string;
      /** LAST_ONLINE_TIME as stored (text; its format is not documented, so it is compared as read). */
      masterLastOnline: string | null;
      masterMachine: string | null;
      sslThumbprint: string | null;
      workers: WorkerSeen[];
    }
  | { ok: false; error: string };
export type LoggingSeen = { ok: true; server: string | null } | { ok: false; error: string };
export type Observation = { endpoint: EndpointSeen; sql: SqlSeen; logging: LoggingSeen };

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));
const OPTS = { timeoutMs: 10_000 };

/** A connection through the listener that is not reused from before. */
async function fresh<T>(ctx: StepContext, auth: { user: string; password: string } | null, run: (t: SqlTarget) => Promise<T>): Promise<T> {
  const base = ctx.sql({ listener: true }, 'SSISDB');
  const target: SqlTarget = auth ? { ...base, auth: { kind: 'sql', ...auth } } : base;
  await closePool(target).catch(() => undefined);
  try {
    return await run(target);
  } finally {
    await closePool(target).catch(() => undefined);
  }
}

const nowRow = z.object({ now: z.coerce.date(), server: z.string() });
const propRow = z.object({ property_name: z.string(), property_value: z.string().nullable() });
const workerRow = z.object({ MachineName: z.string().nullable(), IsEnabled: z.coerce.boolean(), LastOnlineTime: z.coerce.date().nullable() });

async function seeSql(ctx: StepContext): Promise<SqlSeen> {
  try {
    return await fresh(ctx, null, async (t) => {
      const [clock] = await queryRows(t, 'SELECT SYSDATETIMEOFFSET() AS now, @@SERVERNAME AS server', {}, nowRow, OPTS);
      const props = await queryRows(
        t,
        "SELECT property_name, property_value FROM catalog.master_properties WHERE property_name IN (N'LAST_ONLINE_TIME', N'MACHINE_NAME', N'SSLCERT_THUMBPRINT')",
        {},
        propRow,
        OPTS,
      );
      const rows = await queryRows(t, 'SELECT MachineName, IsEnabled, LastOnlineTime FROM catalog.worker_agents', {}, workerRow, OPTS);
      const prop = (n: string) => props.find((p) => p.property_name.toUpperCase() === n)?.property_value ?? null;
      return {
        ok: true as const,
        now: clock!.now,
        server: clock!.server,
        masterLastOnline: prop('LAST_ONLINE_TIME'),
        masterMachine: prop('MACHINE_NAME'),
        sslThumbprint: prop('SSLCERT_THUMBPRINT')?.replace(/[^0-9a-f]/gi, '').toUpperCase() || null,
        workers: ctx.inventory.workers.map((w) => {
          // The newest row of the machine: a reinstalled worker gets a new WorkerAgentId.
          const mine = rows
            .filter((x) => (x.MachineName ?? '').split('.')[0]!.toUpperCase() === w.hostName.toUpperCase())
            .sort((a, b) => (b.LastOnlineTime?.getTime() ?? 0) - (a.LastOnlineTime?.getTime() ?? 0));
          const r = mine[0];
          return { name: w.hostName, lastOnline: r?.LastOnlineTime ?? null, enabled: r ? r.IsEnabled : null };
        }),
      };
    });
  } catch (e) {
    return { ok: false, error: msg(e) };
  }
}

async function seeLogging(ctx: StepContext): Promise<LoggingSeen> {
  const password = ctx.secret(LOGGING_SECRET);
  if (!password) return { ok: false, error: `The password of ${LOGGING_LOGIN} is not stored: step 6 (logging) sets it and keeps it.` };
  try {
    const rows = await fresh(ctx, { user: LOGGING_LOGIN, password }, (t) =>
      queryRows(t, "SELECT property_value FROM catalog.master_properties WHERE property_name = N'CLUSTER_LOGDB_SERVER'", {}, z.object({ property_value: z.string().nullable() }), OPTS),
    );
    return { ok: true, server: rows[0]?.property_value ?? null };
  } catch (e) {
    return { ok: false, error: msg(e) };
  }
}

export async function observe(ctx: StepContext): Promise<Observation> {
  const [endpoint, sql, logging] = await Promise.all([seeMasterEndpoint(ctx.inventory), seeSql(ctx), seeLogging(ctx)]);
  return { endpoint, sql, logging };
}
