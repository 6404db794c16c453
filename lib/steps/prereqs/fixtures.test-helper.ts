// Canned readings for the pure tests: a healthy two-node estate, changed per test.
import { exampleInventory } from '@/lib/inventory/example';
import type { NodeReading, ProbeResult } from './readings';

export const inv = exampleInventory(); // SSISCLU, SQLNODE1/2, SSISMASTER 10.10.0.21, SSISLISTENER 10.10.0.50

export function probeResult(host: string, patch: Partial<ProbeResult> = {}): ProbeResult {
  return {
    computerName: host,
    features: [
      { name: 'Failover-Clustering', state: 'Installed' },
      { name: 'RSAT-Clustering-Mgmt', state: 'Installed' },
      { name: 'RSAT-Clustering-PowerShell', state: 'Installed' },
    ],
    featureError: null,
    clusterModule: true,
    cluster: 'SSISCLU',
    nodes: [
      { name: 'SQLNODE1', state: 'Up' },
      { name: 'SQLNODE2', state: 'Up' },
    ],
    clusterError: null,
    dns: [
      { name: 'SSISMASTER', found: false, addresses: [], errorId: 'DNS_ERROR_RCODE_NAME_ERROR,Microsoft.DnsClient.Commands.ResolveDnsName', error: 'SSISMASTER : DNS name does not exist' },
      { name: 'SSISLISTENER', found: false, addresses: [], errorId: 'DNS_ERROR_RCODE_NAME_ERROR,Microsoft.DnsClient.Commands.ResolveDnsName', error: 'SSISLISTENER : DNS name does not exist' },
    ],
    ...patch,
  };
}

export function healthy(host: string, patch: Partial<ProbeResult> = {}): NodeReading {
  return {
    host,
    winrmHost: `${host.toLowerCase()}.lab.example`,
    winrm: { ok: true, value: probeResult(host, patch) },
    sql: { ok: true, value: { serverName: host, version: '16.0.4135.4', hadr: 1 } },
  };
}
