// The listener's IP addresses with their subnet masks, carried on the listener.exists check so
// that the (pure) plan can write the ADD LISTENER statement from what the probe read. Checks are
// stored as JSON, so the plan reads this back through zod rather than trusting its shape.
import { isIPv4 } from 'node:net';
import { z } from 'zod';
import { splitList, type StoredInventory } from '@/lib/inventory/schema';
import type { Check } from '@/lib/engine/types';
import type { Maybe, NetworkRow } from './model';

export const listenerFacts = z.object({
  ips: z.array(z.object({ ip: z.string(), mask: z.string().optional() })),
  /** The masks could not be read from the cluster's networks: /24 was assumed. */
  maskAssumed: z.boolean(),
});
export type ListenerFacts = z.infer<typeof listenerFacts>;
export type CheckWithFacts = Check & { facts?: ListenerFacts };

export const ASSUMED_MASK = '255.255.255.0';

const toInt = (ip: string): number => ip.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;

function inSubnet(ip: string, subnet: string, mask: string): boolean {
  const m = toInt(mask);
  return ((toInt(ip) & m) >>> 0) === ((toInt(subnet) & m) >>> 0);
}

/** Masks from sys.dm_hadr_cluster_networks; a /24 guess (flagged) when that view cannot be read. */
export function listenerIpFacts(inv: StoredInventory, networks: Maybe<NetworkRow[]> | undefined): ListenerFacts {
  let assumed = false;
  const ips = splitList(inv.listenerIps).map((ip) => {
    if (!isIPv4(ip)) return { ip };
    const rows = networks?.ok ? networks.value : [];
    const net = rows.find((n) => n.is_ipv4 !== false && n.network_subnet_ip && n.network_subnet_ipv4_mask && inSubnet(ip, n.network_subnet_ip, n.network_subnet_ipv4_mask));
    if (net?.network_subnet_ipv4_mask) return { ip, mask: net.network_subnet_ipv4_mask };
    assumed = true;
    return { ip, mask: ASSUMED_MASK };
  });
  return { ips, maskAssumed: assumed };
}

export function readListenerFacts(c: Check | undefined): ListenerFacts | undefined {
  const parsed = listenerFacts.safeParse((c as CheckWithFacts | undefined)?.facts);
  return parsed.success ? parsed.data : undefined;
}
