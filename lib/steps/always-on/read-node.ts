// Reads one master node's instance: one batch for the AG, its databases, listener, SSISDB and
// master-key credentials, then the two reads a server may not have a view for (each alone, so
// their failure does not hide the rest).
import 'server-only';
import { z } from 'zod';
import { isSqlFailureError, query, queryRows, type Row, type SqlTarget } from '@/lib/sql';
import type { StepContext } from '../context';
import { SSISDB } from './names';
import {
  agDatabaseRow,
  dbReplicaRow,
  familyRow,
  listenerRow,
  mkPasswordRow,
  replicaRow,
  serverRow,
  ssisdbRow,
  startupRow,
  type Maybe,
  type NodeResult,
} from './model';

// Replica and database states come from the DMVs: on a secondary they hold its own rows only,
// on the primary every replica's (ssis-scale-out-ha.md §5.5).
const NODE_BATCH = `
SELECT @@SERVERNAME AS server_name, CAST(SERVERPROPERTY('IsHadrEnabled') AS int) AS hadr_enabled;
SELECT r.replica_server_name, r.availability_mode_desc, r.failover_mode_desc,
       rs.is_local, rs.role_desc, rs.connected_state_desc, rs.synchronization_health_desc
  FROM sys.availability_groups g
  JOIN sys.availability_replicas r ON r.group_id = g.group_id
  LEFT JOIN sys.dm_hadr_availability_replica_states rs ON rs.replica_id = r.replica_id
 WHERE g.name = @ag;
SELECT r.replica_server_name, drs.synchronization_state_desc, drs.synchronization_health_desc, drs.is_suspended
  FROM sys.availability_groups g
  JOIN sys.availability_databases_cluster adc ON adc.group_id = g.group_id AND adc.database_name = @db
  JOIN sys.dm_hadr_database_replica_states drs ON drs.group_database_id = adc.group_database_id
  JOIN sys.availability_replicas r ON r.replica_id = drs.replica_id
 WHERE g.name = @ag;
SELECT adc.database_name
  FROM sys.availability_groups g
  JOIN sys.availability_databases_cluster adc ON adc.group_id = g.group_id
 WHERE g.name = @ag;
SELECT l.dns_name, l.port, ip.ip_address, ip.ip_subnet_mask, ip.state_desc
  FROM sys.availability_groups g
  JOIN sys.availability_group_listeners l ON l.group_id = g.group_id
  LEFT JOIN sys.availability_group_listener_ip_addresses ip ON ip.listener_id = l.listener_id
 WHERE g.name = @ag;
SELECT d.state_desc, d.recovery_model_desc, d.is_master_key_encrypted_by_server,
       CAST(CASE WHEN d.replica_id IS NULL THEN 0 ELSE 1 END AS bit) AS in_ag
  FROM sys.databases d
 WHERE d.name = @db;
SELECT credential_id, family_guid FROM sys.master_key_passwords;`;

const FAMILY_SQL = 'SELECT family_guid FROM sys.database_recovery_status WHERE database_id = DB_ID(@db);';
const STARTUP_SQL = "SELECT name, is_auto_executed FROM master.sys.procedures WHERE name = N'sp_ssis_startup';";

export const errorText = (e: unknown): string => (isSqlFailureError(e) ? e.failure.message : e instanceof Error ? e.message : String(e));

function rowsOf<S extends z.ZodType>(sets: Row[][], i: number, schema: S, what: string): z.infer<S>[] {
  const parsed = z.array(schema).safeParse(sets[i] ?? []);
  if (!parsed.success) throw new Error(`${what}: the result did not have the expected shape (${parsed.error.issues[0]?.message ?? 'unknown'}).`);
  return parsed.data;
}

export async function maybe<T>(read: () => Promise<T>): Promise<Maybe<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (e) {
    return { ok: false, error: errorText(e) };
  }
}

async function readFamily(target: SqlTarget): Promise<string | null> {
  const rows = await queryRows(target, FAMILY_SQL, { db: SSISDB }, familyRow);
  return rows[0]?.family_guid?.toUpperCase() ?? null;
}

async function readStartup(target: SqlTarget): Promise<{ autoExec: boolean } | null> {
  const rows = await queryRows(target, STARTUP_SQL, {}, startupRow);
  return rows[0] ? { autoExec: rows[0].is_auto_executed === true } : null;
}

export async function readNode(ctx: StepContext, node: string): Promise<NodeResult> {
  try {
    const target = ctx.sql(node);
    const params = { ag: { type: 'sysname', value: ctx.inventory.agName }, db: { type: 'sysname', value: SSISDB } } as const;
    const [batch, ssisdbFamily, startupProc] = await Promise.all([
      query(target, NODE_BATCH, params),
      maybe(() => readFamily(target)),
      maybe(() => readStartup(target)),
    ]);
    const sets = batch.recordsets;
    const server = rowsOf(sets, 0, serverRow, node)[0];
    if (!server) throw new Error(`${node}: @@SERVERNAME returned no row.`);
    return {
      node,
      ok: true,
      read: {
        serverName: server.server_name,
        hadrEnabled: server.hadr_enabled === 1,
        replicas: rowsOf(sets, 1, replicaRow, node),
        dbReplicas: rowsOf(sets, 2, dbReplicaRow, node),
        agDatabases: rowsOf(sets, 3, agDatabaseRow, node).map((r) => r.database_name),
        listeners: rowsOf(sets, 4, listenerRow, node),
        ssisdb: rowsOf(sets, 5, ssisdbRow, node)[0] ?? null,
        mkPasswords: rowsOf(sets, 6, mkPasswordRow, node).map((r) => ({ ...r, family_guid: r.family_guid.toUpperCase() })),
        ssisdbFamily,
        startupProc,
      },
    };
  } catch (e) {
    return { node, ok: false, error: errorText(e) };
  }
}
