// The reads only the primary can answer (SSISDB is not readable on a secondary), and the
// connection through the listener.
import 'server-only';
import { z } from 'zod';
import { queryRows } from '@/lib/sql';
import type { StepContext } from '../context';
import { alwaysOnRow, networkRow, type AgReads } from './model';
import { maybe } from './read-node';
import { SSISDB } from './names';

// What "Enable Always On Support" writes: one row per replica (ssis-scale-out-ha.md §4.2, §5.2).
const ALWAYS_ON_SQL = 'SELECT server_name, state FROM catalog.alwayson_replicas;';
// The cluster's networks, for the subnet mask of a listener IP that has none in the inventory.
const NETWORKS_SQL = 'SELECT network_subnet_ip, network_subnet_ipv4_mask, is_ipv4 FROM sys.dm_hadr_cluster_networks;';

export type AgReadPlan = { primary?: string; needNetworks: boolean; tryListener: boolean };

export async function readAg(ctx: StepContext, want: AgReadPlan): Promise<AgReads> {
  const { primary } = want;
  const [alwaysOn, networks, viaListener] = await Promise.all([
    primary ? maybe(() => queryRows(ctx.sql(primary, SSISDB), ALWAYS_ON_SQL, {}, alwaysOnRow)) : undefined,
    primary && want.needNetworks ? maybe(() => queryRows(ctx.sql(primary), NETWORKS_SQL, {}, networkRow)) : undefined,
    want.tryListener
      ? maybe(async () => {
          const rows = await queryRows(ctx.sql({ listener: true }), 'SELECT @@SERVERNAME AS server_name;', {}, z.object({ server_name: z.string() }));
          return rows[0]?.server_name ?? '(no row)';
        })
      : undefined,
  ]);
  return { alwaysOn, networks, viaListener };
}
