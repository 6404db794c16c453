import type { StoredInventory } from '@/lib/inventory/schema';

/** The DNS suffix of the nodes (from the first FQDN given), to name the master's FQDN too. */
export function dnsSuffix(inv: Pick<StoredInventory, 'masters'>): string | null {
  const fq = inv.masters.find((m) => m.fqdn.includes('.'))?.fqdn;
  return fq ? fq.slice(fq.indexOf('.') + 1).toLowerCase() : null;
}

/**
 * The names the master certificate must carry: the master service DNS host name first (workers
 * connect to it), its FQDN, then every master node and its FQDN, as SSIS setup writes them
 * ("CN=a;CN=b"), so a worker pointed at a node during troubleshooting also validates.
 */
export function masterCertificateNames(inv: Pick<StoredInventory, 'masters' | 'masterDnsName'>): string[] {
  const suffix = dnsSuffix(inv);
  const names = [inv.masterDnsName, ...(suffix ? [`${inv.masterDnsName.toLowerCase()}.${suffix}`] : [])];
  for (const m of inv.masters) names.push(m.hostName, ...(m.fqdn ? [m.fqdn] : []));
  return [...new Set(names)];
}
