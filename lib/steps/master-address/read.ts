// What the probe reads: MASTER_ADDRESS from the catalog's home instance, the certificate each
// master node has bound on the master port (the shared certificate), and the endpoint over TLS.
// All three in parallel; each may fail on its own.
import 'server-only';
import { z } from 'zod';
import { queryRows } from '@/lib/sql';
import type { StepContext } from '../context';
import { readNodes, type Reading } from '../master-shared/node-read';
import { errorText, findCatalogHome, type CatalogHome } from './catalog-home';
import { SSISDB } from './names';
import { probeTls, type TlsSeen } from './tls-probe';

const PROPERTIES_SQL = 'SELECT property_name, property_value FROM catalog.master_properties;';
const propertyRow = z.object({ property_name: z.string(), property_value: z.string().nullable() });

export type AddressRead = { ok: true; value: string | null } | { ok: false; error: string };

export type MasterAddressReads = { home: CatalogHome; address?: AddressRead; nodes: Reading[]; tls: TlsSeen };

/** MASTER_ADDRESS in SSISDB on `node` (null when the catalog has no such row). */
export async function readMasterAddress(ctx: Pick<StepContext, 'sql'>, node: string, signal?: AbortSignal): Promise<string | null> {
  const rows = await queryRows(ctx.sql(node, SSISDB), PROPERTIES_SQL, {}, propertyRow, signal ? { signal } : {});
  return rows.find((r) => r.property_name.toUpperCase() === 'MASTER_ADDRESS')?.property_value ?? null;
}

export async function readAll(ctx: StepContext): Promise<MasterAddressReads> {
  const [home, nodes, tls] = await Promise.all([findCatalogHome(ctx), readNodes(ctx, ctx.inventory.masters.map((m) => m.hostName)), probeTls(ctx.inventory)]);
  let address: AddressRead | undefined;
  if (home.home) {
    try {
      address = { ok: true, value: await readMasterAddress(ctx, home.home.node) };
    } catch (e) {
      address = { ok: false, error: errorText(e) };
    }
  }
  return { home, address, nodes, tls };
}
