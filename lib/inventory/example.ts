import type { Inventory } from './schema';

/** The demo's example deployment: the built-in lab's topology (hosts unreachable until the lab runs). */
export function exampleInventory(): Inventory {
  return {
    name: 'Demo: built-in lab',
    clusterName: 'SSISCLU',
    sqlVersion: '2022',
    masters: [
      { hostName: 'SQLNODE1', fqdn: 'sqlnode1.lab.example', sqlInstance: 'MSSQLSERVER', sqlPort: 1433, winrmAddress: '', sqlAddress: '' },
      { hostName: 'SQLNODE2', fqdn: 'sqlnode2.lab.example', sqlInstance: 'MSSQLSERVER', sqlPort: 1433, winrmAddress: '', sqlAddress: '' },
    ],
    agName: 'SSISDB_AG',
    listenerName: 'SSISDBLSN',
    listenerPort: 1433,
    listenerIps: '10.10.0.20',
    masterDnsName: 'SSISMASTER',
    masterIp: '10.10.0.21',
    masterPort: 8391,
    masterAccount: 'LAB\\svc-ssismaster',
    masterAccountPassword: '',
    workers: [{ hostName: 'WORKER1', winrmAddress: '' }],
    winrmTransport: 'https-ntlm',
    winrmUser: 'LAB\\wizard',
    winrmPassword: '',
    sqlAuth: 'sql',
    sqlUser: 'sa',
    sqlPassword: '',
    trustMode: 'system',
    trustCaPem: '',
    trustThumbprint: '',
  };
}
