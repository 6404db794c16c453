// Failover cluster physics: groups come online on their owner node (a Generic Service resource
// starts its service there, a Network Name registers its DNS name), moving a group stops the
// service on the old owner and starts it on the new one, and a node that goes down hands its
// groups to the next possible owner that is up.

import { WinError, WIN32 } from './errors';
import { startServiceRaw, stopServiceRaw } from './services';
import type { WindowsStore } from './store';
import type { ClusterGroupInfo, ClusterInfo, ClusterResourceInfo } from './types';
import { LAB_DNS_DOMAIN } from './types';

/** FailoverClusters errors carry the cmdlet name as ErrorId and the implementing type. */
export function clusterError(command: string, message: string, extra: { category?: 'ObjectNotFound' | 'PermissionDenied' | 'InvalidOperation' | 'ConnectionError' | 'InvalidArgument' | 'ResourceExists'; code?: number; target?: string } = {}): WinError {
  const type = command.replace('-', '');
  return new WinError(message, {
    id: `${command},Microsoft.FailoverClusters.PowerShell.${type}Command`,
    category: extra.category ?? 'NotSpecified',
    exception: 'ClusterCmdletException',
    ...(extra.code === undefined ? {} : { code: extra.code }),
    ...(extra.target === undefined ? {} : { target: extra.target }),
  });
}

export function requireClusterOf(store: WindowsStore, host: string, command: string, clusterName?: string): ClusterInfo {
  const c = clusterName ? store.cluster(clusterName.split('.')[0] ?? clusterName) : store.clusterOfHost(host);
  if (!c) {
    throw clusterError(
      command,
      clusterName
        ? `The cluster '${clusterName}' could not be found or the cluster service is not running on it.\n    ${WIN32[1722]}`
        : 'The cluster service is not running.  Make sure that the service is running on all nodes in the cluster.\n    There are no more endpoints available from the endpoint mapper',
      { category: 'ConnectionError', code: 1722 },
    );
  }
  return c;
}

export function requireGroup(store: WindowsStore, cluster: string, name: string, command: string): ClusterGroupInfo {
  const g = store.clusterGroup(cluster, name);
  if (!g) throw clusterError(command, `An error occurred opening cluster group '${name}'.\n    ${WIN32[5013]}`, { category: 'ObjectNotFound', code: 5013, target: name });
  return g;
}

export function requireResource(store: WindowsStore, cluster: string, name: string, command: string): ClusterResourceInfo {
  const r = store.clusterResource(cluster, name);
  if (!r) throw clusterError(command, `An error occurred opening resource '${name}'.\n    ${WIN32[5007]}`, { category: 'ObjectNotFound', code: 5007, target: name });
  return r;
}

export function requireNode(store: WindowsStore, cluster: string, name: string, command: string): string {
  const n = store.clusterNodes(cluster).find((x) => x.name.toLowerCase() === name.split('.')[0]?.toLowerCase());
  if (!n) throw clusterError(command, `An error occurred opening cluster node '${name}'.\n    ${WIN32[5042]}`, { category: 'ObjectNotFound', code: 5042, target: name });
  return n.name;
}

/** Nodes every resource of the group may run on, in preferred-owner then node-id order. */
export function candidateNodes(store: WindowsStore, cluster: string, group: ClusterGroupInfo): string[] {
  const nodes = store.clusterNodes(cluster);
  const resources = store.clusterResources(cluster, group.name);
  const ok = nodes.filter((n) => resources.every((r) => r.possibleOwners === null || r.possibleOwners.some((o) => o.toLowerCase() === n.name.toLowerCase())));
  const pref = group.preferredOwners.map((p) => p.toLowerCase());
  return ok
    .sort((a, b) => {
      const ia = pref.indexOf(a.name.toLowerCase());
      const ib = pref.indexOf(b.name.toLowerCase());
      return (ia < 0 ? 1e6 : ia) - (ib < 0 ? 1e6 : ib) || a.id - b.id;
    })
    .map((n) => n.name);
}

function nodeUp(store: WindowsStore, cluster: string, node: string): boolean {
  return store.clusterNodes(cluster).some((n) => n.name.toLowerCase() === node.toLowerCase() && n.state === 'Up');
}

/** Brings every resource of the group online on its owner node. */
export function onlineGroup(store: WindowsStore, cluster: string, groupName: string): ClusterGroupInfo {
  const g = requireGroup(store, cluster, groupName, 'Start-ClusterGroup');
  if (g.groupType === 'AvailableStorage' && store.clusterResources(cluster, g.name).length === 0) return g;
  let failed = false;
  const resources = store.clusterResources(cluster, g.name);
  const ip = resources.find((r) => r.resourceType === 'IP Address')?.parameters['Address'];
  for (const r of resources) {
    let state: ClusterResourceInfo['state'] = 'Online';
    if (!nodeUp(store, cluster, g.ownerNode)) state = 'Failed';
    else if (r.resourceType === 'Generic Service') {
      try {
        startServiceRaw(store, g.ownerNode, String(r.parameters['ServiceName']));
      } catch {
        state = 'Failed';
      }
    } else if (r.resourceType === 'Network Name' && typeof ip === 'string') {
      store.registerDns(String(r.parameters['DnsName'] ?? r.parameters['Name'] ?? r.name), ip, LAB_DNS_DOMAIN);
    }
    if (state === 'Failed') failed = true;
    store.putClusterResource(cluster, { ...r, state });
  }
  const next = { ...g, state: failed ? ('Failed' as const) : ('Online' as const) };
  store.putClusterGroup(cluster, next);
  return next;
}

/** Takes the group offline: its Generic Service stops on the owner node. */
export function offlineGroup(store: WindowsStore, cluster: string, groupName: string): ClusterGroupInfo {
  const g = requireGroup(store, cluster, groupName, 'Stop-ClusterGroup');
  for (const r of store.clusterResources(cluster, g.name)) {
    if (r.resourceType === 'Generic Service' && store.host(g.ownerNode)?.up) {
      stopServiceRaw(store, g.ownerNode, String(r.parameters['ServiceName']));
    }
    store.putClusterResource(cluster, { ...r, state: 'Offline' });
  }
  const next = { ...g, state: 'Offline' as const };
  store.putClusterGroup(cluster, next);
  return next;
}

/**
 * Move-ClusterGroup: with no node, the next possible owner that is up (what a failover picks).
 * The group keeps its online/offline state across the move.
 */
export function moveGroup(store: WindowsStore, cluster: string, groupName: string, node?: string): ClusterGroupInfo {
  const cmd = 'Move-ClusterGroup';
  const g = requireGroup(store, cluster, groupName, cmd);
  const candidates = candidateNodes(store, cluster, g);
  let target: string | undefined;
  if (node !== undefined) {
    target = requireNode(store, cluster, node, cmd);
    if (!candidates.some((c) => c.toLowerCase() === target?.toLowerCase())) {
      throw clusterError(cmd, `An error occurred while moving the clustered role '${g.name}'.\n    ${WIN32[5071]}`, { code: 5071, target: g.name });
    }
    if (!nodeUp(store, cluster, target)) {
      throw clusterError(cmd, `An error occurred while moving the clustered role '${g.name}'.\n    ${WIN32[5005]}`, { code: 5005, target: g.name });
    }
  } else {
    const order = candidates.filter((c) => nodeUp(store, cluster, c));
    const i = order.findIndex((c) => c.toLowerCase() === g.ownerNode.toLowerCase());
    target = order.length === 0 ? undefined : order[(i + 1) % order.length];
    if (target === undefined || (order.length === 1 && i === 0)) {
      throw clusterError(cmd, `An error occurred while moving the clustered role '${g.name}'.\n    ${WIN32[5005]}`, { code: 5005, target: g.name });
    }
  }
  if (target.toLowerCase() === g.ownerNode.toLowerCase()) return g;
  const wasOnline = g.state !== 'Offline';
  return store.tx(() => {
    if (wasOnline) offlineGroup(store, cluster, g.name);
    store.putClusterGroup(cluster, { ...g, ownerNode: target, state: 'Offline' });
    return wasOnline ? onlineGroup(store, cluster, g.name) : requireGroup(store, cluster, g.name, cmd);
  });
}

/** A node went down: its groups fail over to the next possible owner that is up. */
export function failoverFrom(store: WindowsStore, host: string): void {
  const c = store.clusterOfHost(host);
  if (!c) return;
  for (const g of store.clusterGroups(c.name)) {
    if (g.ownerNode.toLowerCase() !== host.toLowerCase()) continue;
    const target = candidateNodes(store, c.name, g).find((n) => nodeUp(store, c.name, n));
    for (const r of store.clusterResources(c.name, g.name)) store.putClusterResource(c.name, { ...r, state: 'Offline' });
    if (!target) {
      store.putClusterGroup(c.name, { ...g, state: g.state === 'Offline' ? 'Offline' : 'Failed' });
      continue;
    }
    store.putClusterGroup(c.name, { ...g, ownerNode: target, state: 'Offline' });
    if (g.state !== 'Offline') onlineGroup(store, c.name, g.name);
  }
}

/** A node came up: groups that had nowhere to run start on it. */
export function recoverOnto(store: WindowsStore, host: string): void {
  const c = store.clusterOfHost(host);
  if (!c) return;
  for (const g of store.clusterGroups(c.name)) {
    if (g.state !== 'Failed' || nodeUp(store, c.name, g.ownerNode) && g.ownerNode.toLowerCase() !== host.toLowerCase()) continue;
    if (!candidateNodes(store, c.name, g).some((n) => n.toLowerCase() === host.toLowerCase())) continue;
    store.putClusterGroup(c.name, { ...g, ownerNode: host.toUpperCase() });
    onlineGroup(store, c.name, g.name);
  }
}

/** The /24 the cluster's networks are on (the lab has one cluster network). */
export function clusterNetwork(c: ClusterInfo): string {
  return `${c.ip.split('.').slice(0, 3).join('.')}.0/24`;
}

export function inClusterNetwork(c: ClusterInfo, ip: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(ip) && ip.split('.').slice(0, 3).join('.') === c.ip.split('.').slice(0, 3).join('.');
}
