// From readings to checks: every node's Windows and SQL facts, then the planned names in DNS.
// Pure, so the judgement is tested without any target.
import type { Check } from '@/lib/engine/types';
import { splitList, type StoredInventory } from '@/lib/inventory/schema';
import { clusterViews, featureChecks, membershipCheck, nodeUpCheck, winrmCheck } from './checks-windows';
import { dnsChecks, sqlChecks, type PlannedName } from './checks-sql-dns';
import type { NodeReading } from './readings';

export type PrereqInventory = Pick<StoredInventory, 'clusterName' | 'masters' | 'masterDnsName' | 'masterIp' | 'listenerName' | 'listenerIps'>;

export function plannedNames(inv: PrereqInventory): PlannedName[] {
  const names: PlannedName[] = [
    { name: inv.masterDnsName, what: 'Master client access point', planned: [inv.masterIp] },
    { name: inv.listenerName, what: 'Listener', planned: splitList(inv.listenerIps) },
  ];
  return names.filter((n, i) => n.name && names.findIndex((m) => m.name.toUpperCase() === n.name.toUpperCase()) === i);
}

export function checksFrom(inv: PrereqInventory, readings: NodeReading[]): Check[] {
  const w = { clusterName: inv.clusterName, masters: inv.masters.map((m) => m.hostName), views: clusterViews(readings) };
  const perNode = readings.flatMap((r) => {
    const m = inv.masters.find((x) => x.hostName.toUpperCase() === r.host.toUpperCase());
    const instance = m?.sqlInstance ?? 'MSSQLSERVER';
    const label = instance.toUpperCase() === 'MSSQLSERVER' ? r.host : `${r.host}\\${instance}`;
    return [winrmCheck(r), ...featureChecks(r), membershipCheck(r, w), nodeUpCheck(r, w), ...sqlChecks(r, { host: r.host, instance, label }, inv.clusterName)];
  });
  return [...perNode, ...dnsChecks(readings, plannedNames(inv))];
}
