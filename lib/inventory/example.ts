import { emptyInventory, type Inventory } from './schema';

/** The demo's example deployment: the built-in lab's topology (hosts unreachable until the lab runs). */
export function exampleInventory(): Inventory {
  const node = (n: number) => ({ ...emptyInventory().masters[0]!, hostName: `SQLNODE${n}`, fqdn: `sqlnode${n}.lab.example`, sqlPort: 1433 });
  return {
    ...(emptyInventory() as Inventory),
    name: 'Demo: built-in lab',
    clusterName: 'SSISCLU',
    masters: [node(1), node(2)],
    agName: 'SSISDB-AG',
    listenerName: 'SSISLISTENER',
    listenerIps: '10.10.0.50',
    masterDnsName: 'SSISMASTER',
    masterIp: '10.0.0.50',
    masterAccount: 'LAB\\svc-ssismaster',
    workers: [{ hostName: 'WORKER1', winrmAddress: '' }],
    winrmUser: 'LAB\\wizard',
  };
}
