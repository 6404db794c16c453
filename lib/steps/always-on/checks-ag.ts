// Checks about the availability group as a whole: it exists on the master nodes' instances, has
// a primary, holds SSISDB, has a listener with a port that reaches the primary, and SSISDB's
// Always On support lists every replica.
import { splitList } from '@/lib/inventory/schema';
import type { Check } from '@/lib/engine/types';
import type { AgReads } from './model';
import { CHECK, nodeOfServer, sameName, serverNameOf, SSISDB } from './names';
import { listenerIpFacts, type CheckWithFacts } from './facts';
import { check, describeReplica, noAgEvidence, type AgView } from './view';

const unreachableText = (v: AgView) => v.unreachable.map((u) => `${u.node}: ${u.error}`).join('; ');

function agExists(v: AgView): Check {
  const { agName } = v.inv;
  const title = `Availability group ${agName} exists with every master node as a replica`;
  if (v.reached.length === 0) return check(CHECK.agExists, title, agName, 'unknown', `No instance answered. ${unreachableText(v)}`);
  if (!v.agFound) {
    const status = v.unreachable.length ? 'unknown' : 'fail';
    return check(CHECK.agExists, title, agName, status, noAgEvidence(v), 'Create the group with SSISDB (manual: Full database and log backup seeding).');
  }
  const masters = v.inv.masters.map(serverNameOf);
  const extra = v.replicas.filter((r) => !masters.some((m) => sameName(m, r.replica_server_name)));
  const evidence = `sys.availability_replicas on ${v.primaryNode ?? v.agSeenOn[0]}: ${v.replicas.map(describeReplica).join('; ')}.`;
  if (extra.length)
    return check(CHECK.agExists, title, agName, 'warn', `${evidence} Not master nodes: ${extra.map((r) => r.replica_server_name).join(', ')}.`, 'Replicas that are not master nodes can become primary, where no Scale Out Master runs.');
  return check(CHECK.agExists, title, agName, 'pass', evidence);
}

function agPrimary(v: AgView): Check {
  const title = `${v.inv.agName} has its primary replica on a master node`;
  if (v.primaryNode && v.primaryServer)
    return check(CHECK.agPrimary, title, v.primaryNode, 'pass', `${v.primaryServer} reports itself PRIMARY (sys.dm_hadr_availability_replica_states, is_local = 1).`);
  if (!v.agFound) return check(CHECK.agPrimary, title, v.inv.agName, v.unreachable.length ? 'unknown' : 'fail', noAgEvidence(v));
  const roles = v.reached.map((r) => `${r.node}: ${r.read.replicas.find((x) => x.is_local)?.role_desc ?? 'not a replica'}`).join('; ');
  const primaryElsewhere = v.replicas.find((r) => r.role_desc === 'PRIMARY' && !nodeOfServer(v.inv, r.replica_server_name));
  if (v.unreachable.length && !primaryElsewhere)
    return check(CHECK.agPrimary, title, v.inv.agName, 'unknown', `Local roles: ${roles}. ${unreachableText(v)}`);
  return check(CHECK.agPrimary, title, v.inv.agName, 'fail', `Local roles: ${roles}.`, 'Bring the group online with its primary on a master node (Failover Cluster Manager or ALTER AVAILABILITY GROUP … FAILOVER on the target).');
}

function agSsisdb(v: AgView): Check {
  const title = `${SSISDB} is an availability database of ${v.inv.agName}`;
  if (!v.agFound) return check(CHECK.agSsisdb, title, v.inv.agName, v.unreachable.length ? 'unknown' : 'fail', noAgEvidence(v));
  const seer = v.reached.find((r) => r.node === (v.primaryNode ?? v.agSeenOn[0]));
  const dbs = seer?.read.agDatabases ?? [];
  const local = seer?.read.ssisdb;
  const model = local ? ` ${SSISDB} on ${seer?.node}: ${local.state_desc}, recovery model ${local.recovery_model_desc}.` : '';
  const evidence = `sys.availability_databases_cluster on ${seer?.node}: ${dbs.join(', ') || 'no databases'}.${model}`;
  if (dbs.some((d) => sameName(d, SSISDB))) return check(CHECK.agSsisdb, title, v.inv.agName, 'pass', evidence);
  return check(CHECK.agSsisdb, title, v.inv.agName, 'fail', evidence, 'Add SSISDB to the group (manual: Full database and log backup seeding, with the master key password).');
}

function listenerChecks(v: AgView, reads: AgReads): Check[] {
  const { listenerName, listenerPort, agName } = v.inv;
  const titleExists = `${agName} has the listener ${listenerName}`;
  const titlePort = `Listener ${listenerName} has port ${listenerPort}`;
  const titleRoutes = `A connection through ${listenerName} reaches the primary`;
  if (!v.agFound) {
    const s = v.unreachable.length ? 'unknown' : 'fail';
    const e = noAgEvidence(v);
    return [check(CHECK.listenerExists, titleExists, listenerName, s, e), check(CHECK.listenerPort, titlePort, listenerName, s, e), check(CHECK.listenerRoutes, titleRoutes, listenerName, s, e)];
  }
  const where = `sys.availability_group_listeners on ${v.primaryNode ?? v.agSeenOn[0]}`;
  const mine = v.listeners.filter((l) => sameName(l.dns_name, listenerName));
  const others = [...new Set(v.listeners.filter((l) => !sameName(l.dns_name, listenerName)).map((l) => l.dns_name))];
  if (mine.length === 0) {
    const facts = listenerIpFacts(v.inv, reads.networks);
    const how = facts.maskAssumed
      ? `Subnet mask not readable from sys.dm_hadr_cluster_networks${reads.networks && !reads.networks.ok ? ` (${reads.networks.error})` : ''}: ${facts.ips.find((i) => i.mask)?.mask} assumed.`
      : `Subnet masks from sys.dm_hadr_cluster_networks: ${facts.ips.map((i) => `${i.ip} ${i.mask ?? '(IPv6)'}`).join(', ')}.`;
    const found = others.length ? `the group has ${others.join(', ')} instead` : 'no listener';
    const exists: CheckWithFacts = {
      ...check(CHECK.listenerExists, titleExists, listenerName, 'fail', `${where}: ${found}. ${how}`, others.length ? `Only one listener per group can be made through SQL Server: remove ${others.join(', ')} or put its name in the inventory.` : 'Add the listener on the primary (ALTER AVAILABILITY GROUP … ADD LISTENER).'),
      ...(others.length ? {} : { facts }),
    };
    const none = `${where}: no listener named ${listenerName}.`;
    return [exists, check(CHECK.listenerPort, titlePort, listenerName, 'fail', none), check(CHECK.listenerRoutes, titleRoutes, listenerName, 'fail', `${none} Nothing to connect through.`)];
  }
  const port = mine[0]?.port ?? null;
  const ips = mine.filter((l) => l.ip_address).map((l) => `${l.ip_address}${l.ip_subnet_mask ? `/${l.ip_subnet_mask}` : ''} ${l.state_desc ?? ''}`.trim());
  const wanted = splitList(v.inv.listenerIps);
  const missing = wanted.filter((ip) => !mine.some((l) => l.ip_address === ip));
  const existsEvidence = `${where}: ${listenerName}, port ${port ?? 'NULL'}, IP ${ips.join(', ') || 'none'}.`;
  const exists = missing.length
    ? check(CHECK.listenerExists, titleExists, listenerName, 'warn', `${existsEvidence} Not among its IPs: ${missing.join(', ')}.`, 'The inventory lists listener IPs the cluster does not have; correct the inventory or add them (MODIFY LISTENER … ADD IP).')
    : check(CHECK.listenerExists, titleExists, listenerName, 'pass', existsEvidence);
  const portCheck =
    port === listenerPort
      ? check(CHECK.listenerPort, titlePort, listenerName, 'pass', `${where}: port ${port}.`)
      : check(CHECK.listenerPort, titlePort, listenerName, 'fail', `${where}: port ${port ?? 'NULL (the listener was made outside SQL Server)'}.`, 'Set the port on the primary (ALTER AVAILABILITY GROUP … MODIFY LISTENER … (PORT = n)).');
  return [exists, portCheck, routes(v, reads, titleRoutes)];
}

function routes(v: AgView, reads: AgReads, title: string): Check {
  const { listenerName, listenerPort } = v.inv;
  const via = reads.viaListener;
  if (!via) return check(CHECK.listenerRoutes, title, listenerName, 'unknown', 'The listener was not tried.');
  if (!via.ok) return check(CHECK.listenerRoutes, title, listenerName, 'fail', `Connecting to ${listenerName},${listenerPort}: ${via.error}`, 'Check the listener resources are online, its DNS name resolves and the port is open.');
  const evidence = `@@SERVERNAME through ${listenerName}: ${via.value}; primary replica: ${v.primaryServer ?? 'unknown'}.`;
  if (!v.primaryServer) return check(CHECK.listenerRoutes, title, listenerName, 'unknown', evidence);
  if (sameName(via.value, v.primaryServer)) return check(CHECK.listenerRoutes, title, listenerName, 'pass', evidence);
  return check(CHECK.listenerRoutes, title, listenerName, 'fail', evidence, 'The listener answers from a replica that is not the primary: check its DNS record and cluster resources.');
}

function alwaysOnSupport(v: AgView, reads: AgReads): Check {
  const title = `Always On support for ${SSISDB} is enabled (catalog.alwayson_replicas lists every replica)`;
  const target = v.inv.agName;
  const fix = 'Enable Always On support in SSMS (manual: no documented T-SQL).';
  if (!v.agFound) return check(CHECK.alwaysOnSupport, title, target, v.unreachable.length ? 'unknown' : 'fail', noAgEvidence(v), fix);
  const rows = reads.alwaysOn;
  if (!v.primaryNode || !rows) return check(CHECK.alwaysOnSupport, title, target, 'unknown', `${SSISDB} is readable only on the primary, which did not answer.`);
  if (!rows.ok) return check(CHECK.alwaysOnSupport, title, target, 'unknown', `${SSISDB}.catalog.alwayson_replicas on ${v.primaryNode}: ${rows.error}`);
  const listed = rows.value.map((r) => `${r.server_name} (state ${r.state ?? 'NULL'})`).join(', ') || 'no rows';
  const missing = v.replicas.filter((r) => !rows.value.some((x) => sameName(x.server_name, r.replica_server_name))).map((r) => r.replica_server_name);
  const evidence = `${SSISDB}.catalog.alwayson_replicas on ${v.primaryNode}: ${listed}.`;
  if (missing.length) return check(CHECK.alwaysOnSupport, title, target, 'fail', `${evidence} Missing: ${missing.join(', ')}.`, fix);
  return check(CHECK.alwaysOnSupport, title, target, 'pass', evidence);
}

export function agChecks(v: AgView, reads: AgReads): Check[] {
  return [agExists(v), agPrimary(v), agSsisdb(v), ...listenerChecks(v, reads), alwaysOnSupport(v, reads)];
}
