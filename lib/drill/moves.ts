// The two moves of the drill: the master's Generic Service role (Move-ClusterGroup, from any
// master node that answers) and the availability group (ALTER AVAILABILITY GROUP … FAILOVER,
// which runs on the secondary replica that is to become primary).
import 'server-only';
import { z } from 'zod';
import { psScript } from '@/lib/powershell/scripts';
import { query, queryRows, quoteName } from '@/lib/sql';
import type { StepContext } from '@/lib/steps/context';

const clusterRead = z.object({
  group: z.string(),
  before: z.string(),
  owner: z.string(),
  state: z.string(),
  moved: z.boolean(),
  nodes: z.array(z.object({ name: z.string(), state: z.string() })),
});
export type ClusterRead = z.infer<typeof clusterRead>;

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The role is named after its client access point, as Failover Cluster Manager names it. */
export const roleName = (ctx: StepContext) => ctx.inventory.masterDnsName;

/** Runs drill-cluster.ps1 on the first master node that answers (any node sees the whole cluster). */
export async function clusterRole(ctx: StepContext, moveTo?: string, signal?: AbortSignal): Promise<ClusterRead & { via: string }> {
  const errors: string[] = [];
  for (const m of ctx.inventory.masters) {
    try {
      const { value } = await ctx.winrm(m.hostName).runPowerShell(psScript('drill-cluster.ps1'), {
        params: { Group: roleName(ctx), ...(moveTo ? { MoveTo: moveTo } : {}) },
        schema: clusterRead,
        idempotent: !moveTo,
        ...(signal ? { signal } : {}),
      });
      return { ...value, via: m.hostName };
    } catch (e) {
      errors.push(`${m.hostName}: ${msg(e)}`);
      // A move that reached a node and failed there is not retried elsewhere.
      if (moveTo && !/connect|refused|timed out|unreachable|ECONN|ENOTFOUND|EHOSTUNREACH/i.test(msg(e))) break;
    }
  }
  throw new Error(`The cluster role ${roleName(ctx)} could not be ${moveTo ? `moved to ${moveTo}` : 'read'}: ${errors.join('; ')}`);
}

/** The next master node after `from` (inventory order) that the cluster shows Up. */
export function nextNode(ctx: StepContext, from: string, nodes: { name: string; state: string }[]): string | null {
  const names = ctx.inventory.masters.map((m) => m.hostName);
  const start = names.findIndex((n) => n.toUpperCase() === from.toUpperCase());
  for (let i = 1; i <= names.length; i++) {
    const n = names[(start + i) % names.length]!;
    if (n.toUpperCase() === from.toUpperCase()) continue;
    const state = nodes.find((x) => x.name.toUpperCase() === n.toUpperCase())?.state;
    if (!state || state.toUpperCase() === 'UP') return n;
  }
  return null;
}

const primaryRow = z.object({ primary_replica: z.string().nullable() });
const PRIMARY_SQL = `SELECT gs.primary_replica
FROM sys.dm_hadr_availability_group_states gs
JOIN sys.availability_groups ag ON ag.group_id = gs.group_id
WHERE ag.name = @ag`;

/** The AG's primary, as the instance behind the listener reports it. */
export async function agPrimary(ctx: StepContext): Promise<string> {
  const rows = await queryRows(ctx.sql({ listener: true }), PRIMARY_SQL, { ag: ctx.inventory.agName }, primaryRow, { timeoutMs: 10_000 });
  const primary = rows.find((r) => r.primary_replica)?.primary_replica;
  if (!primary) throw new Error(`${ctx.inventory.listenerName}: no primary replica of ${ctx.inventory.agName} is visible through the listener.`);
  return primary;
}

/** The master node whose instance has this server name (HOST or HOST\INSTANCE). */
export function nodeOfServer(ctx: StepContext, server: string): string | null {
  const host = server.split('\\')[0]!.toUpperCase();
  return ctx.inventory.masters.find((m) => m.hostName.toUpperCase() === host)?.hostName ?? null;
}

export const failoverSql = (ag: string) => `ALTER AVAILABILITY GROUP ${quoteName(ag)} FAILOVER;`;

/** A planned manual failover, run on the secondary that becomes primary (it must be synchronized). */
export async function failoverAg(ctx: StepContext, toNode: string, signal?: AbortSignal): Promise<void> {
  await query(ctx.sql(toNode), failoverSql(ctx.inventory.agName), {}, { timeoutMs: 60_000, ...(signal ? { signal } : {}) });
}

