import fs from 'node:fs';
import type { LabEndpoints } from '@/lib/lab/topology';
import { exampleInventory } from './example';
import type { Inventory } from './schema';

/**
 * The demo deployment for a running lab: its topology, with each host's "connect to" override
 * pointing at the lab's loopback ports (certificates are still checked against the host names,
 * issued by the lab CA, which the deployment trusts) and the lab's credentials as its secrets.
 */
export function inventoryFromLab(e: LabEndpoints): Inventory {
  const base = exampleInventory();
  const at = (a: { host: string; port: number }) => `${a.host}:${a.port}`;
  const listener = e.listeners[e.topology.listener];
  return {
    ...base,
    name: `Demo: built-in lab (${e.scenario})`,
    clusterName: e.topology.cluster,
    masters: e.topology.masters.map((h) => ({
      ...base.masters[0]!,
      hostName: h,
      fqdn: e.hosts[h]!.fqdn,
      winrmAddress: at(e.hosts[h]!.winrm.https),
      sqlAddress: e.hosts[h]!.sql ? at(e.hosts[h]!.sql!) : '',
    })),
    workers: e.topology.workers.map((h) => ({ hostName: h, winrmAddress: at(e.hosts[h]!.winrm.https) })),
    agName: e.topology.ag,
    listenerName: e.topology.listener,
    listenerAddress: listener ? at(listener) : '',
    masterDnsName: e.topology.masterDns,
    // The lab serves the client access point on loopback; the inventory keeps the real port (8391).
    masterAddress: e.masterEndpoint ? at({ host: '127.0.0.1', port: e.masterEndpoint.port }) : '',
    ...(e.credentials.masterService ? { masterAccount: e.credentials.masterService.user, masterAccountPassword: e.credentials.masterService.password } : {}),
    winrmTransport: 'https-ntlm',
    winrmUser: e.credentials.windows.user,
    winrmPassword: e.credentials.windows.password,
    sqlAuth: 'sql',
    sqlUser: e.credentials.sqlAdmin?.user ?? 'sa',
    sqlPassword: e.credentials.sqlAdmin?.password ?? '',
    trustMode: 'ca',
    trustCaPem: fs.readFileSync(e.caCertPath, 'utf8'),
  };
}
