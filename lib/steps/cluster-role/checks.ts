// The cluster-role step's checks, from what cluster-role-probe.ps1 read on every master node.
// Pure. Role-wide checks use the first node that could read the cluster (every node sees the same
// cluster); the service's start mode and DNS are per node. The role-exists check carries what
// plan() needs about the role (its group, owner, how it was found).
import 'server-only';
import { z } from 'zod';
import type { Check, CheckStatus } from '@/lib/engine/types';
import { idAt } from '../master-shared/ids';
import type { NodeRoleRead, RoleRead, RoleReading, RoleResource } from './read';

export const CHECK = {
  exists: 'role-exists',
  service: 'role-service',
  accessPoint: 'role-access-point',
  online: 'role-online',
  owners: 'role-owners',
  dns: 'role-dns',
  manual: 'service-manual',
} as const;

export type RoleEnv = { roleName: string; ip: string; service: string; masters: string[] };

export const roleFactsSchema = z.object({
  group: z.string().nullable(),
  match: z.enum(['name', 'service']).nullable(),
  ownerNode: z.string().nullable(),
  state: z.string().nullable(),
});
export type RoleFacts = z.infer<typeof roleFactsSchema>;

export function roleFactsOf(check: Check | undefined): RoleFacts | null {
  if (!check || !('facts' in check)) return null;
  const parsed = roleFactsSchema.safeParse(check.facts);
  return parsed.success ? parsed.data : null;
}

const mk = (id: string, title: string, target: string, status: CheckStatus, evidence: string, remediation?: string): Check => ({
  id,
  title,
  target,
  status,
  evidence,
  ...(remediation && status !== 'pass' ? { remediation } : {}),
});

const same = (a: string | undefined, b: string) => !!a && a.toUpperCase() === b.toUpperCase();
const describe = (r: RoleResource) => `${r.name} (${r.type}, ${r.state})`;

export const titles = (env: RoleEnv) => ({
  exists: `A Generic Service role named ${env.roleName} exists`,
  service: `The role's Generic Service resource runs ${env.service} (ServiceName)`,
  accessPoint: `The role's client access point is ${env.roleName} with IP ${env.ip}`,
  online: `The role ${env.roleName} is online`,
  owners: 'Every master node is a possible owner of the role',
  dns: `${env.roleName} resolves to ${env.ip}`,
  manual: (host: string) => `${env.service} starts Manual on ${host} and runs only where the cluster runs it`,
});

type RoleCheck = Check & { facts?: RoleFacts };

function roleChecks(role: RoleRead | null, clusterName: string, env: RoleEnv): RoleCheck[] {
  const t = titles(env);
  const target = env.roleName;
  if (!role) {
    const none = `Cluster ${clusterName} has no group ${env.roleName} and no Generic Service resource for ${env.service}`;
    const noRole = 'No role yet: the plan creates it.';
    return [
      { ...mk(CHECK.exists, t.exists, target, 'fail', none, `Create the role (Failover Cluster Manager > Configure Role > Generic Service): the plan runs Add-ClusterGenericServiceRole for ${env.service} with the client access point ${env.roleName} and IP ${env.ip}.`), facts: { group: null, match: null, ownerNode: null, state: null } },
      mk(CHECK.service, t.service, target, 'fail', none, noRole),
      mk(CHECK.accessPoint, t.accessPoint, target, 'fail', none, noRole),
      mk(CHECK.online, t.online, target, 'fail', none, noRole),
      mk(CHECK.owners, t.owners, target, 'fail', none, noRole),
    ];
  }
  const facts: RoleFacts = { group: role.group, match: role.match, ownerNode: role.ownerNode, state: role.state };
  const where = `group ${role.group} (${role.state} on ${role.ownerNode}): ${role.resources.map(describe).join('; ') || 'no resources'}`;
  const exists =
    role.match === 'name'
      ? mk(CHECK.exists, t.exists, target, 'pass', `Cluster ${clusterName}: ${where}`)
      : mk(CHECK.exists, t.exists, target, 'fail', `Cluster ${clusterName} runs ${env.service} in group ${role.group}, not ${env.roleName}: ${where}`, `Workers connect to ${env.roleName}, the name the master certificate carries. Remove the role ${role.group} and let the plan create ${env.roleName}, or correct the inventory.`);

  const services = role.resources.filter((r) => r.type === 'Generic Service');
  const serviceNames = services.map((r) => `${r.name}: ServiceName = ${r.parameters['ServiceName'] ?? '(not set)'}`).join('; ');
  const service = services.some((r) => same(r.parameters['ServiceName'], env.service))
    ? mk(CHECK.service, t.service, target, 'pass', serviceNames)
    : mk(CHECK.service, t.service, target, 'fail', serviceNames || `Group ${role.group} has no Generic Service resource`, `The cluster must start and watch ${env.service} (the Windows service name, not its display name).`);

  const names = role.resources.filter((r) => r.type === 'Network Name');
  const ips = role.resources.filter((r) => r.type === 'IP Address');
  const apEvidence = `Network Name: ${names.map((r) => r.parameters['DnsName'] ?? r.parameters['Name'] ?? r.name).join(', ') || 'none'}; IP Address: ${ips.map((r) => r.parameters['Address'] ?? '?').join(', ') || 'none'}`;
  const nameOk = names.some((r) => same(r.parameters['DnsName'] ?? r.parameters['Name'], env.roleName));
  const ipOk = ips.some((r) => r.parameters['Address'] === env.ip);
  const accessPoint =
    nameOk && ipOk
      ? mk(CHECK.accessPoint, t.accessPoint, target, 'pass', apEvidence)
      : mk(CHECK.accessPoint, t.accessPoint, target, 'fail', apEvidence, `Workers reach the master at ${env.roleName}, which must follow the role with its own IP ${env.ip}.`);

  const online =
    role.state === 'Online'
      ? mk(CHECK.online, t.online, target, 'pass', `${role.group} is Online on ${role.ownerNode}`)
      : mk(CHECK.online, t.online, target, 'fail', `${role.group} is ${role.state} (owner ${role.ownerNode}): ${role.resources.map(describe).join('; ')}`, 'Bring the role online (Start-ClusterGroup); if it fails again, the cluster log (Get-ClusterLog) names the resource that failed.');

  const gaps = role.resources
    .map((r) => ({ r, missing: env.masters.filter((m) => !r.possibleOwners.some((o) => same(o, m))) }))
    .filter((x) => x.missing.length > 0);
  const ownersEvidence = role.resources.map((r) => `${r.name}: ${r.possibleOwners.join(', ') || 'none'}`).join('; ');
  const owners = gaps.length
    ? mk(CHECK.owners, t.owners, target, 'fail', `Possible owners: ${ownersEvidence}. Missing: ${gaps.map((g) => `${g.missing.join(', ')} for ${g.r.name}`).join('; ')}`, 'The role can only fail over to a possible owner of all its resources: every master node must be one (Set-ClusterOwnerNode -Resource).')
    : mk(CHECK.owners, t.owners, target, 'pass', `Possible owners: ${ownersEvidence}`);
  return [{ ...exists, facts }, service, accessPoint, online, owners];
}

function dnsCheck(readings: RoleReading[], env: RoleEnv): Check {
  const t = titles(env).dns;
  const read = readings.filter((r): r is Extract<RoleReading, { ok: true }> => r.ok);
  if (read.length === 0) return mk(CHECK.dns, t, env.roleName, 'unknown', 'No master node answered.');
  const answers = read.map((r) => `${r.host}: ${r.read.dns.error ? r.read.dns.error : r.read.dns.addresses.join(', ') || 'no address'}`).join('; ');
  const good = read.every((r) => !r.read.dns.error && r.read.dns.addresses.includes(env.ip));
  return good
    ? mk(CHECK.dns, t, env.roleName, 'pass', answers)
    : mk(CHECK.dns, t, env.roleName, 'fail', answers, `The role's Network Name registers ${env.roleName} in DNS when it comes online; check the role is online, then the DNS zone (dynamic updates from the cluster name object).`);
}

function manualCheck(host: string, read: NodeRoleRead, role: RoleRead | null, env: RoleEnv): Check {
  const title = titles(env).manual(host);
  const id = idAt(CHECK.manual, host);
  const s = read.service;
  if (!s) return mk(id, title, host, 'fail', `No service ${env.service} on ${host} (Win32_Service)`, 'Install the Scale Out Master on this node first (steps 2 and 3).');
  const runsElsewhere = role && role.state === 'Online' && !same(role.ownerNode, host);
  const evidence = `StartMode ${s.startMode}, State ${s.state}${role ? `; the role ${role.group} is ${role.state} on ${role.ownerNode}` : '; no role yet'}`;
  const problems = [
    ...(s.startMode === 'Manual' ? [] : [`it starts ${s.startMode}, so it would start at boot beside the cluster's copy`]),
    ...(runsElsewhere && s.state === 'Running' ? ['it runs here although the cluster runs it on the owner node'] : []),
  ];
  return problems.length
    ? mk(id, title, host, 'fail', `${evidence}: ${problems.join('; ')}`, `Once clustered, only the cluster starts ${env.service}, on the owner node: set it to Manual here (and stop it where the role does not run).`)
    : mk(id, title, host, 'pass', evidence);
}

export function roleStepChecks(readings: RoleReading[], env: RoleEnv): Check[] {
  const clusterRead = readings.find((r) => r.ok && r.read.cluster);
  const t = titles(env);
  let role: RoleRead | null = null;
  let roleWide: Check[];
  if (clusterRead && clusterRead.ok && clusterRead.read.cluster) {
    role = clusterRead.read.cluster.role;
    roleWide = roleChecks(role, clusterRead.read.cluster.name, env);
  } else {
    const why = readings.map((r) => `${r.host}: ${r.ok ? (r.read.clusterError ?? 'no cluster') : r.error}`).join('; ');
    roleWide = ([['exists', CHECK.exists], ['service', CHECK.service], ['accessPoint', CHECK.accessPoint], ['online', CHECK.online], ['owners', CHECK.owners]] as const).map(([k, id]) =>
      mk(id, t[k], env.roleName, 'unknown', `The cluster could not be read. ${why}`, 'Check the cluster (Prerequisites step), then probe again.'),
    );
  }
  const perNode = readings.map((r) =>
    r.ok ? manualCheck(r.host, r.read, role, env) : mk(idAt(CHECK.manual, r.host), t.manual(r.host), r.host, 'unknown', `${r.host} could not be read: ${r.error}`, 'Check that the node is up and WinRM answers (Prerequisites step), then probe again.'),
  );
  return [...roleWide, dnsCheck(readings, env), ...perNode];
}
