// Which master node's instance holds the writable SSISDB: the primary replica of the deployment's
// availability group, or, before there is a group, the one instance with SSISDB online outside
// any group. Every node is asked in parallel; one that cannot be reached is reported, not fatal.
import 'server-only';
import { z } from 'zod';
import { isSqlFailureError, query, type Row } from '@/lib/sql';
import type { StepContext } from '../context';
import { SSISDB } from './names';

const HOME_BATCH = `
SELECT @@SERVERNAME AS server_name;
SELECT rs.role_desc
  FROM sys.availability_groups g
  JOIN sys.availability_replicas r ON r.group_id = g.group_id
  JOIN sys.dm_hadr_availability_replica_states rs ON rs.replica_id = r.replica_id
 WHERE g.name = @ag AND rs.is_local = 1;
SELECT d.state_desc, CAST(CASE WHEN d.replica_id IS NULL THEN 0 ELSE 1 END AS bit) AS in_ag
  FROM sys.databases d
 WHERE d.name = @db;`;

const serverRow = z.object({ server_name: z.string() });
const roleRow = z.object({ role_desc: z.string().nullable() });
const dbRow = z.object({ state_desc: z.string().nullable(), in_ag: z.union([z.boolean(), z.number()]).transform(Boolean) });

export const errorText = (e: unknown): string => (isSqlFailureError(e) ? e.failure.message : e instanceof Error ? e.message : String(e));

export type NodeHome = { node: string; ok: true; server: string; role: string | null; ssisdb: { state: string | null; inAg: boolean } | null } | { node: string; ok: false; error: string };

export type CatalogHome = { nodes: NodeHome[]; home?: { node: string; server: string; why: string } };

const first = <S extends z.ZodType>(sets: Row[][], i: number, schema: S): z.infer<S> | undefined => {
  const parsed = z.array(schema).safeParse(sets[i] ?? []);
  if (!parsed.success) throw new Error(`unexpected result shape (${parsed.error.issues[0]?.message ?? 'unknown'})`);
  return parsed.data[0];
};

async function readHome(ctx: Pick<StepContext, 'sql' | 'inventory'>, node: string): Promise<NodeHome> {
  try {
    const params = { ag: { type: 'sysname', value: ctx.inventory.agName }, db: { type: 'sysname', value: SSISDB } } as const;
    const sets = (await query(ctx.sql(node), HOME_BATCH, params)).recordsets;
    const server = first(sets, 0, serverRow)?.server_name ?? node;
    const db = first(sets, 2, dbRow);
    return { node, ok: true, server, role: first(sets, 1, roleRow)?.role_desc ?? null, ssisdb: db ? { state: db.state_desc, inAg: db.in_ag } : null };
  } catch (e) {
    return { node, ok: false, error: errorText(e) };
  }
}

export async function findCatalogHome(ctx: Pick<StepContext, 'sql' | 'inventory'>): Promise<CatalogHome> {
  const nodes = await Promise.all(ctx.inventory.masters.map((m) => readHome(ctx, m.hostName)));
  const reached = nodes.flatMap((n) => (n.ok ? [n] : []));
  const primary = reached.find((n) => n.role === 'PRIMARY');
  if (primary) return { nodes, home: { node: primary.node, server: primary.server, why: `the primary replica of ${ctx.inventory.agName}` } };
  const standalone = reached.filter((n) => n.ssisdb?.state === 'ONLINE' && !n.ssisdb.inAg);
  if (standalone.length === 1 && standalone[0]) return { nodes, home: { node: standalone[0].node, server: standalone[0].server, why: `${SSISDB} is online there outside any availability group` } };
  return { nodes };
}

/** Why no instance could be picked, as evidence. */
export function noHomeEvidence(h: CatalogHome, agName: string): string {
  const seen = h.nodes.map((n) => (n.ok ? `${n.node}: ${n.role ? `${n.role} replica` : 'not a replica'}, ${SSISDB} ${n.ssisdb ? n.ssisdb.state : 'absent'}` : `${n.node}: ${n.error}`));
  return `No instance holds a writable ${SSISDB} (no primary replica of ${agName}). ${seen.join('; ')}.`;
}
