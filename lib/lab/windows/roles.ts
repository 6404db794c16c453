// Creating cluster objects: Add-ClusterGenericServiceRole and New-Cluster. Both need to reach
// other machines and Active Directory with the caller's credentials, which a WinRM session
// without CredSSP cannot delegate (the documented "double hop"): they fail there.

import { clusterError, clusterNetwork, inClusterNetwork, onlineGroup, requireClusterOf } from './cluster';
import { WIN32 } from './errors';
import type { WindowsStore } from './store';
import type { ClusterGroupInfo } from './types';
import { LAB_DNS_DOMAIN } from './types';

export interface SessionInfo {
  /** The script runs in a WinRM session (not at the console or as a scheduled task). */
  remote: boolean;
  /** How the WinRM session authenticated: only CredSSP delegates credentials onward. */
  auth: 'ntlm' | 'basic' | 'kerberos' | 'credssp' | 'local';
}

function assertCanDelegate(command: string, session: SessionInfo, what: string): void {
  if (session.remote && session.auth !== 'credssp') {
    throw clusterError(
      command,
      `${what}\n    You do not have administrative privileges on the cluster. Contact your network administrator to request access.\n    ${WIN32[5]}`,
      { category: 'PermissionDenied', code: 5 },
    );
  }
}

export interface GenericServiceRoleInput {
  serviceName: string;
  name?: string;
  staticAddress?: string[];
  ignoreNetwork?: string[];
  cluster?: string;
}

export function addGenericServiceRole(store: WindowsStore, host: string, input: GenericServiceRoleInput, session: SessionInfo): ClusterGroupInfo {
  const cmd = 'Add-ClusterGenericServiceRole';
  const c = requireClusterOf(store, host, cmd, input.cluster);
  const name = input.name ?? input.serviceName;
  assertCanDelegate(cmd, session, `An error occurred while creating the clustered role '${name}'.`);
  const service = store.service(host, input.serviceName);
  if (!service) {
    throw clusterError(cmd, `The service '${input.serviceName}' was not found on node '${host.toUpperCase()}'.`, { category: 'ObjectNotFound', target: input.serviceName });
  }
  if (store.clusterGroup(c.name, name) || store.clusterResource(c.name, name)) {
    throw clusterError(cmd, `An error occurred while creating the clustered role '${name}'.\n    ${WIN32[183]}`, { category: 'ResourceExists', code: 183, target: name });
  }
  const network = clusterNetwork(c);
  const ignored = (input.ignoreNetwork ?? []).some((n) => n === network);
  const addresses = (input.staticAddress ?? []).filter((a) => a.trim() !== '');
  const ip = addresses[0];
  if (ip === undefined && !ignored) {
    throw clusterError(cmd, `Static network '${network}' was not configured. Please use -StaticAddress to use this network or -IgnoreNetwork to ignore it.`, {
      category: 'InvalidArgument',
    });
  }
  if (ip !== undefined && !inClusterNetwork(c, ip)) {
    throw clusterError(cmd, `The static address '${ip}' was not found on any cluster network.`, { category: 'InvalidArgument', target: ip });
  }
  const taken = store.resolveDns(name, LAB_DNS_DOMAIN);
  if (taken) {
    throw clusterError(cmd, `An error occurred while creating the clustered role '${name}'.\n    The network name '${name}' is already in use on the network (${taken.ip}).`, {
      category: 'ResourceExists',
      target: name,
    });
  }
  const owner = store.clusterNodes(c.name).find((n) => n.name.toLowerCase() === host.toLowerCase() && n.state === 'Up')?.name
    ?? store.clusterNodes(c.name).find((n) => n.state === 'Up')?.name
    ?? host.toUpperCase();
  return store.tx(() => {
    store.putClusterGroup(c.name, { name, ownerNode: owner, state: 'Offline', groupType: 'GenericService', isCoreGroup: false, preferredOwners: [] });
    store.putClusterResource(c.name, {
      name,
      ownerGroup: name,
      resourceType: 'Network Name',
      state: 'Offline',
      possibleOwners: null,
      parameters: { Name: name.toUpperCase(), DnsName: name, RegisterAllProvidersIP: 0, HostRecordTTL: 1200 },
    });
    if (ip !== undefined) {
      store.putClusterResource(c.name, {
        name: `IP Address ${ip}`,
        ownerGroup: name,
        resourceType: 'IP Address',
        state: 'Offline',
        possibleOwners: null,
        parameters: { Address: ip, SubnetMask: '255.255.255.0', Network: 'Cluster Network 1', EnableDhcp: 0 },
      });
    }
    store.putClusterResource(c.name, {
      name: service.displayName,
      ownerGroup: name,
      resourceType: 'Generic Service',
      state: 'Offline',
      possibleOwners: null,
      parameters: { ServiceName: service.name, StartupParameters: '', UseNetworkName: 0 },
    });
    return onlineGroup(store, c.name, name);
  });
}

export interface NewClusterInput {
  name: string;
  nodes: string[];
  staticAddress?: string[];
  noStorage?: boolean;
}

export function newCluster(store: WindowsStore, host: string, input: NewClusterInput, session: SessionInfo): { name: string } {
  const cmd = 'New-Cluster';
  assertCanDelegate(cmd, session, `An error occurred while creating the cluster '${input.name}'.`);
  const ip = input.staticAddress?.[0];
  if (!ip) {
    throw clusterError(cmd, `Static network '${(store.host(host)?.ip ?? '10.0.0.0').split('.').slice(0, 3).join('.')}.0/24' was not configured. Please use -StaticAddress to use this network or -IgnoreNetwork to ignore it.`, {
      category: 'InvalidArgument',
    });
  }
  if (store.cluster(input.name) || store.resolveDns(input.name, LAB_DNS_DOMAIN)) {
    throw clusterError(cmd, `An error occurred while creating the cluster '${input.name}'.\n    ${WIN32[183]}`, { category: 'ResourceExists', code: 183 });
  }
  const nodes = input.nodes.map((n) => n.split('.')[0]?.toUpperCase() ?? n);
  for (const n of nodes) {
    const h = store.host(n);
    if (!h || !h.up) throw clusterError(cmd, `The computer '${n}' could not be reached.\n    ${WIN32[1722]}`, { category: 'ConnectionError', code: 1722, target: n });
    if (store.featureState(n, 'Failover-Clustering') !== 'Installed') {
      throw clusterError(cmd, `The Failover Clustering feature is not installed on node '${n}'.`, { category: 'InvalidOperation', target: n });
    }
    if (store.clusterOfHost(n)) throw clusterError(cmd, `The node '${n}' is already a member of a cluster.`, { category: 'InvalidOperation', target: n });
  }
  const first = nodes[0] ?? host.toUpperCase();
  return store.tx(() => {
    store.addCluster({ name: input.name.toUpperCase(), fqdn: `${input.name.toLowerCase()}.${LAB_DNS_DOMAIN}`, ip, domain: 'LAB' });
    for (const n of nodes) store.addClusterNode(input.name, n);
    addCoreGroups(store, input.name.toUpperCase(), first, ip, input.noStorage === true);
    return { name: input.name.toUpperCase() };
  });
}

/** The groups every cluster has: "Cluster Group" (name + IP) and "Available Storage". */
export function addCoreGroups(store: WindowsStore, cluster: string, owner: string, ip: string, noStorage: boolean): void {
  store.putClusterGroup(cluster, { name: 'Cluster Group', ownerNode: owner, state: 'Offline', groupType: 'Cluster', isCoreGroup: true, preferredOwners: [] });
  store.putClusterResource(cluster, {
    name: 'Cluster Name',
    ownerGroup: 'Cluster Group',
    resourceType: 'Network Name',
    state: 'Offline',
    possibleOwners: null,
    parameters: { Name: cluster, DnsName: cluster.toLowerCase(), RegisterAllProvidersIP: 0, HostRecordTTL: 1200 },
  });
  store.putClusterResource(cluster, {
    name: 'Cluster IP Address',
    ownerGroup: 'Cluster Group',
    resourceType: 'IP Address',
    state: 'Offline',
    possibleOwners: null,
    parameters: { Address: ip, SubnetMask: '255.255.255.0', Network: 'Cluster Network 1', EnableDhcp: 0 },
  });
  onlineGroup(store, cluster, 'Cluster Group');
  if (!noStorage) {
    store.putClusterGroup(cluster, { name: 'Available Storage', ownerNode: owner, state: 'Offline', groupType: 'AvailableStorage', isCoreGroup: true, preferredOwners: [] });
  }
}
