// Stable check and operation ids, and the one address the step is about.
import type { StoredInventory } from '@/lib/inventory/schema';

export const SSISDB = 'SSISDB';

export const CHECK = {
  address: 'master.address',
  endpoint: 'master.endpoint',
  certificate: 'master.certificate',
} as const;

export const OP = {
  setAddress: 'master.address.set',
  bringOnline: 'master.endpoint.online',
  fixCertificate: 'master.certificate.fix',
} as const;

type Inv = Pick<StoredInventory, 'masterDnsName' | 'masterPort'>;

/** What catalog.update_master_address gets: https://<master DNS host name>:<port> (reference §6 step 8). */
export const masterUrl = (inv: Inv): string => `https://${inv.masterDnsName}:${inv.masterPort}`;

/** Host names compare case-insensitively; a trailing slash is no difference. */
export function sameUrl(a: string | null | undefined, b: string): boolean {
  if (!a) return false;
  const norm = (u: string) => u.trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}
