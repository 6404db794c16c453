// One picture of the availability group from every node's answer: who is primary, which
// replicas exist, and what the primary (which sees every replica) says about each of them.
import type { StoredInventory } from '@/lib/inventory/schema';
import type { Check, CheckStatus } from '@/lib/engine/types';
import type { DbReplicaRow, ListenerRow, NodeRead, NodeResult, ReplicaRow } from './model';
import { sameName, serverNameOf } from './names';

export type AgView = {
  inv: StoredInventory;
  nodes: NodeResult[];
  reached: { node: string; read: NodeRead }[];
  unreachable: { node: string; error: string }[];
  /** Nodes whose sys.availability_groups shows the AG. */
  agSeenOn: string[];
  agFound: boolean;
  primaryNode?: string;
  primaryServer?: string;
  /** The AG's replicas, from the primary when it answered (else from any node that sees the AG). */
  replicas: ReplicaRow[];
  listeners: ListenerRow[];
};

export function serverOf(view: AgView, node: string): string {
  const r = view.reached.find((x) => x.node === node);
  if (r) return r.read.serverName;
  const m = view.inv.masters.find((x) => x.hostName === node);
  return m ? serverNameOf(m) : node;
}

export function buildView(inv: StoredInventory, nodes: NodeResult[]): AgView {
  const reached = nodes.flatMap((n) => (n.ok ? [{ node: n.node, read: n.read }] : []));
  const unreachable = nodes.flatMap((n) => (n.ok ? [] : [{ node: n.node, error: n.error }]));
  const agSeenOn = reached.filter((r) => r.read.replicas.length > 0).map((r) => r.node);
  // The primary is the node that says so about itself (is_local = 1, role PRIMARY).
  const primary = reached.find((r) => r.read.replicas.some((x) => x.is_local === true && x.role_desc === 'PRIMARY'));
  const seer = primary ?? reached.find((r) => r.read.replicas.length > 0);
  return {
    inv,
    nodes,
    reached,
    unreachable,
    agSeenOn,
    agFound: agSeenOn.length > 0,
    primaryNode: primary?.node,
    primaryServer: primary?.read.serverName,
    replicas: seer?.read.replicas ?? [],
    listeners: seer?.read.listeners ?? [],
  };
}

/**
 * This replica's state row: the primary's view first (it has every replica), else its own. A row
 * without connected_state is the LEFT JOIN's empty side (a secondary does not see other replicas).
 */
export function replicaState(view: AgView, node: string): ReplicaRow | undefined {
  const server = serverOf(view, node);
  const primary = view.reached.find((r) => r.node === view.primaryNode);
  const own = view.reached.find((r) => r.node === node);
  const pick = (rows: ReplicaRow[] | undefined) => rows?.find((x) => sameName(x.replica_server_name, server) && x.connected_state_desc !== null);
  return pick(primary?.read.replicas) ?? pick(own?.read.replicas);
}

export function dbReplicaState(view: AgView, node: string): DbReplicaRow | undefined {
  const server = serverOf(view, node);
  const primary = view.reached.find((r) => r.node === view.primaryNode);
  const own = view.reached.find((r) => r.node === node);
  const pick = (rows: DbReplicaRow[] | undefined) => rows?.find((x) => sameName(x.replica_server_name, server));
  return pick(primary?.read.dbReplicas) ?? pick(own?.read.dbReplicas);
}

export function isReplica(view: AgView, node: string): boolean {
  return view.replicas.some((r) => sameName(r.replica_server_name, serverOf(view, node)));
}

export const check = (id: string, title: string, target: string, status: CheckStatus, evidence: string, remediation?: string): Check =>
  remediation && status !== 'pass' ? { id, title, target, status, evidence, remediation } : { id, title, target, status, evidence };

/** Why the AG could not be read, as evidence for checks that depend on it. */
export function noAgEvidence(view: AgView): string {
  const asked = view.reached.map((r) => r.node).join(', ');
  const down = view.unreachable.map((u) => `${u.node}: ${u.error}`).join('; ');
  const hadrOff = view.reached.filter((r) => !r.read.hadrEnabled).map((r) => r.node);
  return [
    `No availability group ${view.inv.agName} in sys.availability_groups on ${asked || 'any instance'}.`,
    hadrOff.length ? `Always On is not enabled on ${hadrOff.join(', ')} (SERVERPROPERTY('IsHadrEnabled') = 0).` : '',
    down ? `Not reachable: ${down}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

export const describeReplica = (r: ReplicaRow): string =>
  `${r.replica_server_name} (${[r.role_desc, r.availability_mode_desc, r.failover_mode_desc, r.connected_state_desc, r.synchronization_health_desc].filter(Boolean).join(', ')})`;
