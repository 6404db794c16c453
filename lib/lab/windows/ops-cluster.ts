// FailoverClusters operations for the internal API (see ops.ts). The cluster is the one the
// session's host is a node of, unless -Cluster names another.

import { z } from 'zod';

import { strList } from './zod-helpers';

import { clusterError, moveGroup, offlineGroup, onlineGroup, requireClusterOf, requireGroup, requireNode, requireResource } from './cluster';
import type { Op } from './ops';
import { addGenericServiceRole, newCluster } from './roles';
import { LAB_DNS_DOMAIN } from './types';

const Target = z.object({ cluster: z.string().optional() });
const Named = Target.extend({ name: z.string() });

export const clusterOps: Record<string, Op> = {
  'cluster.get': ({ state, host }, a) => {
    const c = requireClusterOf(state.store, host, 'Get-Cluster', Target.parse(a).cluster);
    return { ...c, dnsDomain: LAB_DNS_DOMAIN };
  },
  'cluster.nodes': ({ state, host }, a) => {
    const c = requireClusterOf(state.store, host, 'Get-ClusterNode', Target.parse(a).cluster);
    return state.store.clusterNodes(c.name).map((n) => ({ ...n, cluster: c.name }));
  },
  'cluster.groups': ({ state, host }, a) => {
    const c = requireClusterOf(state.store, host, 'Get-ClusterGroup', Target.parse(a).cluster);
    return state.store.clusterGroups(c.name).map((g) => ({ ...g, cluster: c.name }));
  },
  'cluster.resources': ({ state, host }, a) => {
    const c = requireClusterOf(state.store, host, 'Get-ClusterResource', Target.parse(a).cluster);
    const groups = new Map(state.store.clusterGroups(c.name).map((g) => [g.name.toLowerCase(), g]));
    return state.store.clusterResources(c.name).map((r) => {
      const g = groups.get(r.ownerGroup.toLowerCase());
      return { ...r, cluster: c.name, ownerNode: g?.ownerNode ?? '', groupState: g?.state ?? 'Offline' };
    });
  },
  'cluster.moveGroup': ({ state, host }, a) => {
    const p = Named.extend({ node: z.string().optional() }).parse(a);
    const c = requireClusterOf(state.store, host, 'Move-ClusterGroup', p.cluster);
    return { ...moveGroup(state.store, c.name, p.name, p.node), cluster: c.name };
  },
  'cluster.startGroup': ({ state, host }, a) => {
    const p = Named.parse(a);
    const c = requireClusterOf(state.store, host, 'Start-ClusterGroup', p.cluster);
    return { ...onlineGroup(state.store, c.name, p.name), cluster: c.name };
  },
  'cluster.stopGroup': ({ state, host }, a) => {
    const p = Named.parse(a);
    const c = requireClusterOf(state.store, host, 'Stop-ClusterGroup', p.cluster);
    return { ...offlineGroup(state.store, c.name, p.name), cluster: c.name };
  },
  /** Owners of a group (preferred) or of a resource (possible). */
  'cluster.setOwners': ({ state, host }, a) => {
    const p = Target.extend({ group: z.string().optional(), resource: z.string().optional(), owners: strList }).parse(a);
    const cmd = 'Set-ClusterOwnerNode';
    const c = requireClusterOf(state.store, host, cmd, p.cluster);
    const owners = p.owners.map((o) => requireNode(state.store, c.name, o, cmd));
    if (p.group !== undefined) {
      const g = requireGroup(state.store, c.name, p.group, cmd);
      state.store.putClusterGroup(c.name, { ...g, preferredOwners: owners });
      return {};
    }
    if (p.resource === undefined) throw clusterError(cmd, 'Specify a -Group or a -Resource.', { category: 'InvalidArgument' });
    const r = requireResource(state.store, c.name, p.resource, cmd);
    if (owners.length === 0) throw clusterError(cmd, 'The list of possible owners cannot be empty.', { category: 'InvalidArgument' });
    state.store.putClusterResource(c.name, { ...r, possibleOwners: owners });
    return {};
  },
  'cluster.addGenericServiceRole': ({ state, host, session }, a) => {
    const p = Target.extend({
      serviceName: z.string(),
      name: z.string().optional(),
      staticAddress: strList.optional(),
      ignoreNetwork: strList.optional(),
    }).parse(a);
    const g = addGenericServiceRole(state.store, host, p, session);
    return { ...g, cluster: state.store.clusterOfHost(g.ownerNode)?.name ?? '' };
  },
  'cluster.new': ({ state, host, session }, a) => {
    const p = z.object({ name: z.string(), nodes: strList.refine((v) => v.length > 0, "at least one"), staticAddress: strList.optional(), noStorage: z.boolean().default(false) }).parse(a);
    return newCluster(state.store, host, p, session);
  },
  /** Test-Cluster's verdict and report body; the module shows progress and writes the file. */
  'cluster.test': ({ state, host }, a) => {
    const p = z.object({ nodes: strList.optional() }).parse(a);
    const nodes = p.nodes?.length ? p.nodes : state.store.clusterNodes(requireClusterOf(state.store, host, 'Test-Cluster').name).map((n) => n.name);
    const rows = nodes.map((n) => {
      const h = state.store.host(n.split('.')[0] ?? n);
      const problems: string[] = [];
      if (!h) problems.push(`The computer '${n}' could not be found.`);
      else if (!h.up) problems.push(`The node '${n}' could not be reached.`);
      else if (state.store.featureState(h.name, 'Failover-Clustering') !== 'Installed') problems.push(`The Failover Clustering feature is not installed on node '${h.name}'.`);
      return { node: n, problems };
    });
    const failed = rows.some((r) => r.problems.length > 0);
    const when = new Date();
    const html = [
      '<html><head><title>Failover Cluster Validation Report</title></head><body>',
      `<h1>Failover Cluster Validation Report</h1><p>Validated nodes: ${nodes.join(', ')}</p><p>Started ${when.toISOString()}</p>`,
      '<table><tr><th>Node</th><th>Result</th></tr>',
      ...rows.map((r) => `<tr><td>${r.node}</td><td>${r.problems.length ? r.problems.join('<br>') : 'Success'}</td></tr>`),
      `</table><p>Result: ${failed ? 'Failed' : 'Success'}</p></body></html>`,
    ].join('\r\n');
    return { failed, warnings: rows.flatMap((r) => r.problems), html };
  },
};
