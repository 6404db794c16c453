import { describe, expect, it } from 'vitest';
import { exampleInventory } from './example';
import { inventorySchema, serviceNames, type InventoryInput } from './schema';

const valid = (): InventoryInput => exampleInventory();

/** Parses an inventory changed by `mutate` and returns the messages found at `path`. */
function errorsAt(mutate: (inv: InventoryInput) => void, path: string): string[] {
  const inv = structuredClone(valid());
  mutate(inv);
  const r = inventorySchema.safeParse(inv);
  if (r.success) return [];
  return r.error.issues.filter((i) => i.path.join('.') === path).map((i) => i.message);
}

describe('inventory schema', () => {
  it('accepts the example inventory', () => {
    expect(inventorySchema.safeParse(valid()).success).toBe(true);
  });

  const cases: [string, (inv: InventoryInput) => void, string, string][] = [
    ['cluster name over 15 characters', (i) => (i.clusterName = 'ABCDEFGHIJKLMNOP'), 'clusterName', 'The cluster name can have at most 15 characters (the NetBIOS limit)'],
    ['cluster name with an underscore', (i) => (i.clusterName = 'SSIS_CLU'), 'clusterName', 'The cluster name can contain only letters, digits and hyphens'],
    ['cluster name starting with a hyphen', (i) => (i.clusterName = '-SSISCLU'), 'clusterName', 'The cluster name cannot start or end with a hyphen'],
    ['cluster name of digits only', (i) => (i.clusterName = '12345'), 'clusterName', 'The cluster name cannot be digits only'],
    ['empty node host name', (i) => (i.masters[0]!.hostName = ''), 'masters.0.hostName', 'Enter the host name'],
    ['node host name over 15 characters', (i) => (i.masters[1]!.hostName = 'SQLNODE-NUMBER-TWO'), 'masters.1.hostName', 'The host name can have at most 15 characters (the NetBIOS limit)'],
    ['listener name over 15 characters', (i) => (i.listenerName = 'SSISDB-LISTENER-1'), 'listenerName', 'The listener name can have at most 15 characters (the NetBIOS limit)'],
    ['listener name with a dot', (i) => (i.listenerName = 'lsn.corp'), 'listenerName', 'The listener name can contain only letters, digits and hyphens'],
    ['master DNS name ending in a hyphen', (i) => (i.masterDnsName = 'SSISMASTER-'), 'masterDnsName', 'The master service DNS host name cannot start or end with a hyphen'],
    ['worker name over 15 characters', (i) => (i.workers[0]!.hostName = 'WORKER-NUMBER-ONE'), 'workers.0.hostName', 'The worker host name can have at most 15 characters (the NetBIOS limit)'],
    ['FQDN that is not qualified', (i) => (i.masters[0]!.fqdn = 'sqlnode1'), 'masters.0.fqdn', 'The FQDN must be a fully qualified DNS name such as node1.corp.example'],
    ['FQDN of another host', (i) => (i.masters[0]!.fqdn = 'other.lab.example'), 'masters.0.fqdn', 'The FQDN must start with the host name'],
    ['SQL port 0', (i) => (i.masters[0]!.sqlPort = 0), 'masters.0.sqlPort', 'The SQL port must be between 1 and 65535'],
    ['SQL port 65536', (i) => (i.masters[0]!.sqlPort = 65536), 'masters.0.sqlPort', 'The SQL port must be between 1 and 65535'],
    ['listener port not a number', (i) => (i.listenerPort = Number.NaN), 'listenerPort', 'Enter the listener port as a number'],
    ['master port fractional', (i) => (i.masterPort = 8391.5), 'masterPort', 'The master port must be a whole number'],
    ['instance name with a space', (i) => (i.masters[0]!.sqlInstance = 'MY INST'), 'masters.0.sqlInstance', 'An instance name starts with a letter or _, then up to 15 letters, digits, _ or $'],
    ['instance name DEFAULT', (i) => (i.masters[0]!.sqlInstance = 'default'), 'masters.0.sqlInstance', 'DEFAULT is reserved and cannot be an instance name'],
    ['WinRM override without a port', (i) => (i.masters[0]!.winrmAddress = '127.0.0.1'), 'masters.0.winrmAddress', 'The WinRM address override must look like address:port (for IPv6, [address]:port)'],
    ['SQL override with an unbracketed IPv6', (i) => (i.masters[0]!.sqlAddress = '::1:1433'), 'masters.0.sqlAddress', 'The SQL address override must look like address:port (for IPv6, [address]:port)'],
    ['listener override without a port', (i) => (i.listenerAddress = 'lsn.lab.example'), 'listenerAddress', 'The listener address override must look like address:port (for IPv6, [address]:port)'],
    ['master override without a port', (i) => (i.masterAddress = 'ssismaster.lab.example'), 'masterAddress', 'The master address override must look like address:port (for IPv6, [address]:port)'],
    ['master override with port 0', (i) => (i.masterAddress = '127.0.0.1:0'), 'masterAddress', 'The master address override must look like address:port (for IPv6, [address]:port)'],
    ['SQL override with port 70000', (i) => (i.masters[0]!.sqlAddress = 'localhost:70000'), 'masters.0.sqlAddress', 'The SQL address override must look like address:port (for IPv6, [address]:port)'],
    ['listener IP that is no address', (i) => (i.listenerIps = '10.0.0.300'), 'listenerIps', 'Each listener IP must be an IPv4 or IPv6 address (separate several with commas)'],
    ['master IP that is a host name', (i) => (i.masterIp = 'ssismaster'), 'masterIp', 'The master service IP must be an IPv4 or IPv6 address'],
    ['master IP equal to a listener IP', (i) => (i.masterIp = '10.10.0.50'), 'masterIp', 'The master service IP must differ from the listener IPs'],
    ['master account NT Service', (i) => (i.masterAccount = 'NT Service\\SSISScaleOutMaster160'), 'masterAccount', 'The master service account must be a domain account: NT Service, NT AUTHORITY and BUILTIN accounts differ on each node'],
    ['master account LocalSystem', (i) => (i.masterAccount = 'LocalSystem'), 'masterAccount', 'The master service account must be a domain account, not a built-in account'],
    ['master account .\\user', (i) => (i.masterAccount = '.\\svc'), 'masterAccount', 'The master service account must be a domain account, not a local account (.\\user)'],
    ['master account without a domain', (i) => (i.masterAccount = 'svc-ssis'), 'masterAccount', 'The master service account must look like DOMAIN\\user or user@domain.example'],
    ['master account local to a node', (i) => (i.masterAccount = 'SQLNODE1\\svc'), 'masterAccount', 'SQLNODE1\\… is a local account of that node: use a domain account that every node knows'],
    ['listener named like a node', (i) => (i.listenerName = 'sqlnode2'), 'listenerName', 'The listener name must differ from every master node name'],
    ['client access point named like a node', (i) => (i.masterDnsName = 'SQLNODE1'), 'masterDnsName', 'The master service DNS host name must differ from every master node name'],
    ['client access point equal to the listener', (i) => (i.masterDnsName = 'SSISLISTENER'), 'masterDnsName', 'This name is already used as the listener name'],
    ['listener equal to the cluster name', (i) => (i.listenerName = 'SSISCLU'), 'listenerName', 'This name is already used as the cluster name'],
    ['two nodes with one name', (i) => (i.masters[1]!.hostName = 'sqlnode1'), 'masters.1.hostName', 'Each master node must have its own host name'],
    ['a worker listed twice', (i) => i.workers.push({ hostName: 'worker1', winrmAddress: '' }), 'workers.1.hostName', 'This worker is listed twice'],
    ['one master node only', (i) => i.masters.pop(), 'masters', 'High availability needs two or more master nodes'],
    ['unknown SQL version', (i) => ((i as { sqlVersion: string }).sqlVersion = '2016'), 'sqlVersion', 'Choose SQL Server 2017, 2019 or 2022'],
    ['AG name with a bracket', (i) => (i.agName = 'AG]x'), 'agName', 'The availability group name can contain letters, digits, _ . and - only'],
    ['CA trust without a PEM', (i) => ((i.trustMode = 'ca'), (i.trustCaPem = 'not a certificate')), 'trustCaPem', 'Paste the CA certificate(s) in PEM form (-----BEGIN CERTIFICATE-----)'],
    ['pinned thumbprint too short', (i) => ((i.trustMode = 'thumbprint'), (i.trustThumbprint = 'ABCDEF')), 'trustThumbprint', 'A thumbprint is 40 hexadecimal characters'],
  ];

  it.each(cases)('refuses %s with its message', (_name, mutate, path, message) => {
    expect(errorsAt(mutate, path)).toContain(message);
  });

  it('accepts the good variants a DBA uses', () => {
    for (const mutate of [
      (i: InventoryInput) => (i.masterAccount = 'svc-ssis@corp.example'),
      (i: InventoryInput) => (i.masterAccount = 'CORP\\gmsa-ssis$'),
      (i: InventoryInput) => (i.listenerIps = '10.10.0.50, fd00::50'),
      (i: InventoryInput) => (i.masters[0]!.sqlAddress = '[::1]:14330'),
      (i: InventoryInput) => (i.masters[0]!.winrmAddress = '127.0.0.1:15986'),
      (i: InventoryInput) => (i.masterAddress = '127.0.0.1:18391'),
      (i: InventoryInput) => (i.masterAddress = '[::1]:8391'),
      (i: InventoryInput) => (i.masters[0]!.sqlInstance = 'SSIS_01'),
      (i: InventoryInput) => i.masters.push({ hostName: 'SQLNODE3', fqdn: '', sqlInstance: 'MSSQLSERVER', sqlPort: 1433, winrmAddress: '', sqlAddress: '' }),
    ]) {
      const inv = structuredClone(valid());
      mutate(inv);
      const r = inventorySchema.safeParse(inv);
      expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
    }
  });

  it('normalises a thumbprint copied from the Windows certificate dialog', () => {
    const inv = { ...valid(), trustMode: 'thumbprint' as const, trustThumbprint: '\u200ea9 09 50 2d d8 2a e4 14 33 e6 f8 38 86 b0 0d 42 77 a3 2a 7b' };
    const r = inventorySchema.parse(inv);
    expect(r.trustThumbprint).toBe('A909502DD82AE41433E6F83886B00D4277A32A7B');
  });

  it('derives the version folder and service names', () => {
    expect(serviceNames('2017')).toEqual({ master: 'SSISScaleOutMaster140', worker: 'SSISScaleOutWorker140', folder: '140' });
    expect(serviceNames('2022').master).toBe('SSISScaleOutMaster160');
  });
});
