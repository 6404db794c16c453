// Judges what each node's PowerShell probe read: reachability, the clustering features, a restart
// they wait for, membership of the deployment's cluster and the node's state in it. Pure.
import type { Check } from '@/lib/engine/types';
import { CHECK, FEATURES } from './ids';
import { describeFailure, type NodeReading, type ProbeResult } from './readings';
import { installRemediation, joinRemediation, nodeUpRemediation, restartRemediation, winrmRemediation } from './remediation';

/** A cluster as one node saw it. */
type ClusterView = { from: string; cluster: string; nodes: { name: string; state: string }[] };

const short = (name: string) => (name.split('.')[0] ?? name).toUpperCase();
const same = (a: string, b: string) => short(a) === short(b);
const nodeList = (v: ClusterView) => v.nodes.map((n) => `${n.name} (${n.state})`).join(', ');

export type WindowsContext = { clusterName: string; masters: string[]; views: ClusterView[] };

/** The clusters the reachable nodes belong to, for judging nodes that cannot speak for themselves. */
export function clusterViews(readings: NodeReading[]): ClusterView[] {
  return readings.flatMap((r) => (r.winrm.ok && r.winrm.value.cluster ? [{ from: r.host, cluster: r.winrm.value.cluster, nodes: r.winrm.value.nodes }] : []));
}

export function winrmCheck(r: NodeReading): Check {
  const base = { id: CHECK.winrm, title: "WinRM reachable with the deployment's credentials", target: r.host };
  if (r.winrm.ok) return { ...base, status: 'pass', evidence: `PowerShell ran over WinRM on ${r.winrmHost} (computer name ${r.winrm.value.computerName}).` };
  const f = r.winrm.error;
  // The connection and login worked when PowerShell itself reports the failure.
  if (f.layer === 'powershell') return { ...base, status: 'pass', evidence: `WinRM answered on ${r.winrmHost}, but the probe script failed (${describeFailure(f)}).` };
  if (f.code === 'CANCELLED' || f.code === 'CLIENT_CLOSED') return { ...base, status: 'unknown', evidence: `Not finished: ${describeFailure(f)}` };
  return { ...base, status: 'fail', evidence: `WinRM to ${r.winrmHost} failed (${describeFailure(f)}).`, remediation: winrmRemediation(f) };
}

const notRead = (r: NodeReading) => (r.winrm.ok ? '' : `Not read: WinRM to ${r.winrmHost} failed (${describeFailure(r.winrm.error)}).`);

function featureStates(p: ProbeResult) {
  const states = new Map((p.features ?? []).map((f) => [f.name.toUpperCase(), f.state]));
  return [FEATURES.role, FEATURES.module, FEATURES.console].map((name) => ({ name, state: states.get(name.toUpperCase()) ?? null }));
}

export function featureChecks(r: NodeReading): Check[] {
  const feature = { id: CHECK.feature, title: 'Failover Clustering and its management tools installed', target: r.host };
  const restart = { id: CHECK.restart, title: 'No feature installation waits for a restart', target: r.host };
  if (!r.winrm.ok) return [{ ...feature, status: 'unknown', evidence: notRead(r) }, { ...restart, status: 'unknown', evidence: notRead(r) }];
  const p = r.winrm.value;
  if (p.featureError !== null || p.features === null) {
    const evidence = `Get-WindowsFeature failed: ${p.featureError ?? 'no answer'}`;
    return [{ ...feature, status: 'unknown', evidence }, { ...restart, status: 'unknown', evidence }];
  }
  const states = featureStates(p);
  const evidence = states.map((s) => `${s.name}: ${s.state ?? 'not listed'}`).join('; ');
  // The console is absent from Server Core's catalogue: not listed means not required there.
  const missing = states.filter((s) => (s.state === null ? s.name !== FEATURES.console : s.state === 'Available' || s.state === 'Removed'));
  const pending = states.filter((s) => s.state === 'InstallPending' || s.state === 'UninstallPending');
  return [
    missing.length
      ? { ...feature, status: 'fail', evidence, remediation: installRemediation(r.host, missing.map((s) => s.name), missing.some((s) => s.state === 'Removed')) }
      : { ...feature, status: 'pass', evidence },
    pending.length
      ? { ...restart, status: 'fail', evidence, remediation: restartRemediation(r.host, pending.map((s) => `${s.name} (${s.state})`)) }
      : { ...restart, status: 'pass', evidence: 'No clustering feature is InstallPending or UninstallPending.' },
  ];
}

export function membershipCheck(r: NodeReading, w: WindowsContext): Check {
  const base = { id: CHECK.membership, title: `Node of cluster ${w.clusterName}`, target: r.host };
  const ours = w.views.filter((v) => same(v.cluster, w.clusterName));
  const listedBy = ours.find((v) => v.nodes.some((n) => same(n.name, r.host)));
  const own = r.winrm.ok ? r.winrm.value : null;
  const join = (current: string | null) => joinRemediation(r.host, w.clusterName, w.masters, ours[0]?.nodes.map((n) => n.name) ?? null, current);

  if (own?.cluster) {
    const view: ClusterView = { from: r.host, cluster: own.cluster, nodes: own.nodes };
    if (same(own.cluster, w.clusterName)) return { ...base, status: 'pass', evidence: `Get-Cluster: ${own.cluster}; nodes: ${nodeList(view)}.` };
    return { ...base, status: 'fail', evidence: `Get-Cluster: ${own.cluster}; nodes: ${nodeList(view)}.`, remediation: join(own.cluster) };
  }
  const onNode = own ? (own.clusterError ? `Get-Cluster failed: ${own.clusterError}` : 'the FailoverClusters module is not installed') : notRead(r);
  if (listedBy) return { ...base, status: 'pass', evidence: `Listed as a node of ${listedBy.cluster} by ${listedBy.from} (nodes: ${nodeList(listedBy)}). On ${r.host} itself: ${onNode}` };
  if (!own) return { ...base, status: 'unknown', evidence: onNode };
  const role = featureStates(own)[0]?.state ?? null;
  if (!own.clusterModule && own.features === null) {
    return { ...base, status: 'unknown', evidence: `Neither the cluster nor the features could be read: Get-WindowsFeature failed: ${own.featureError ?? 'no answer'}` };
  }
  if (!own.clusterModule && role === 'Installed') {
    return { ...base, status: 'unknown', evidence: `${FEATURES.role} is installed but its PowerShell module (${FEATURES.module}) is not, so the cluster cannot be read here.` };
  }
  const evidence = own.clusterError ? `Get-Cluster failed: ${own.clusterError}` : `Not a cluster node: ${FEATURES.role} is ${role ?? 'not listed'}.`;
  return { ...base, status: 'fail', evidence, remediation: join(null) };
}

export function nodeUpCheck(r: NodeReading, w: WindowsContext): Check {
  const base = { id: CHECK.nodeUp, title: 'Cluster node Up', target: r.host };
  // The node's own view first; a peer's view when the node cannot be asked.
  const views = w.views.filter((v) => same(v.cluster, w.clusterName)).sort((a, b) => Number(same(b.from, r.host)) - Number(same(a.from, r.host)));
  for (const v of views) {
    const node = v.nodes.find((n) => same(n.name, r.host));
    if (!node) continue;
    const evidence = `${r.host}: ${node.state} (Get-ClusterNode on ${v.from}).`;
    if (node.state === 'Up') return { ...base, status: 'pass', evidence };
    return { ...base, status: 'fail', evidence, remediation: nodeUpRemediation(r.host, v.cluster, node.state) };
  }
  const why = r.winrm.ok ? `${r.host} is not listed as a node of ${w.clusterName} (see the cluster membership check).` : notRead(r);
  return { ...base, status: 'unknown', evidence: why };
}
