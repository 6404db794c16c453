// The check builder and plan() from canned readings: pure, no target touched.
import { describe, expect, it } from 'vitest';
import { exampleInventory } from '@/lib/inventory/example';
import { serviceNames } from '@/lib/inventory/schema';
import { roleStepChecks } from './checks';
import { plan } from './plan';
import type { NodeRoleRead, RoleRead, RoleReading } from './read';

const ctx = { inventory: exampleInventory(), services: serviceNames('2022') };
const env = { roleName: 'SSISMASTER', ip: '10.0.0.50', service: 'SSISScaleOutMaster160', masters: ['SQLNODE1', 'SQLNODE2'] };
const GENERIC = 'SQL Server Integration Services Scale Out Master 16.0';
const nodes = ['SQLNODE1', 'SQLNODE2'];

function role(over: Partial<RoleRead> = {}, owners: string[] = nodes, serviceName = env.service, ip = env.ip): RoleRead {
  return {
    group: 'SSISMASTER',
    match: 'name',
    ownerNode: 'SQLNODE1',
    state: 'Online',
    resources: [
      { name: 'SSISMASTER', type: 'Network Name', state: 'Online', possibleOwners: nodes, parameters: { DnsName: 'SSISMASTER', Name: 'SSISMASTER' } },
      { name: `IP Address ${ip}`, type: 'IP Address', state: 'Online', possibleOwners: nodes, parameters: { Address: ip } },
      { name: GENERIC, type: 'Generic Service', state: 'Online', possibleOwners: owners, parameters: { ServiceName: serviceName } },
    ],
    ...over,
  };
}
const read = (r: RoleRead | null, service = { state: 'Stopped', startMode: 'Manual' }, dns: string[] = ['10.0.0.50']): NodeRoleRead => ({
  computerName: 'X',
  service,
  cluster: { name: 'SSISCLU', nodes: nodes.map((name) => ({ name, state: 'Up' })), role: r },
  clusterError: null,
  dns: { addresses: dns, error: dns.length ? null : 'SSISMASTER : DNS name does not exist' },
});
const both = (r: RoleRead | null, s2 = { state: 'Stopped', startMode: 'Manual' }, dns?: string[]): RoleReading[] => [
  { host: 'SQLNODE1', ok: true, read: read(r, { state: 'Running', startMode: 'Manual' }, dns) },
  { host: 'SQLNODE2', ok: true, read: read(r, s2, dns) },
];
const statuses = (reads: RoleReading[]) => Object.fromEntries(roleStepChecks(reads, env).map((c) => [c.id, c.status]));
const opsFor = (reads: RoleReading[]) => plan(ctx, roleStepChecks(reads, env));

describe('cluster-role checks and plan', () => {
  it('the documented role, online, Manual everywhere: every check passes and the plan is empty', () => {
    const checks = roleStepChecks(both(role()), env);
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(plan(ctx, checks)).toEqual([]);
  });

  it('no role: Manual where needed (stopping the secondary), then create-role on the primary through a scheduled task', () => {
    const auto = { state: 'Running', startMode: 'Auto' };
    const reads: RoleReading[] = [
      { host: 'SQLNODE1', ok: true, read: read(null, auto, []) },
      { host: 'SQLNODE2', ok: true, read: read(null, auto, []) },
    ];
    expect(statuses(reads)).toMatchObject({ 'role-exists': 'fail', 'role-online': 'fail', 'role-dns': 'fail', 'service-manual@SQLNODE1': 'fail', 'service-manual@SQLNODE2': 'fail' });
    const ops = opsFor(reads);
    expect(ops.map((o) => [o.id, o.target, o.kind, o.risk])).toEqual([
      ['set-manual@SQLNODE1', 'SQLNODE1', 'powershell', 'low'],
      ['set-manual@SQLNODE2', 'SQLNODE2', 'powershell', 'medium'],
      ['create-role', 'SQLNODE1', 'powershell', 'medium'],
    ]);
    expect(ops[1]!.summary).toBe('Set SSISScaleOutMaster160 to Manual start on SQLNODE2 and stop it there if it runs (the role runs on SQLNODE1)');
    const create = ops[2]!;
    expect(create.summary).toContain('scheduled task under LAB\\wizard');
    expect(create.script).toContain("#   RunAsUser = 'LAB\\wizard'");
    expect(create.script).toContain('#   RunAsPassword = ********');
    expect(create.script).toContain('Register-ScheduledTask -TaskName $taskName');
  });

  it('a secondary set to Automatic fails by name and is set to Manual (and stopped if it runs)', () => {
    const reads = both(role(), { state: 'Running', startMode: 'Auto' });
    const checks = roleStepChecks(reads, env);
    expect(checks.filter((c) => c.status !== 'pass').map((c) => c.id)).toEqual(['service-manual@SQLNODE2']);
    expect(checks.find((c) => c.id === 'service-manual@SQLNODE2')?.evidence).toContain('StartMode Auto, State Running; the role SSISMASTER is Online on SQLNODE1');
    expect(plan(ctx, checks).map((o) => o.id)).toEqual(['set-manual@SQLNODE2']);
  });

  it('a possible owner missing and the role offline: set-owners then start-role, on the owner node', () => {
    const reads = both(role({ state: 'Offline', ownerNode: 'SQLNODE2' }, ['SQLNODE2']));
    const checks = roleStepChecks(reads, env);
    expect(checks.find((c) => c.id === 'role-owners')?.evidence).toContain(`Missing: SQLNODE1 for ${GENERIC}`);
    const ops = plan(ctx, checks);
    expect(ops.map((o) => [o.id, o.target])).toEqual([
      ['set-owners', 'SQLNODE2'],
      ['start-role', 'SQLNODE2'],
    ]);
    // Offline role: a running copy on SQLNODE1 is not flagged (nothing runs elsewhere to compete with).
    expect(checks.find((c) => c.id === 'service-manual@SQLNODE1')?.status).toBe('pass');
  });

  it('a role with another service, another IP or under another name is manual: remove it, the plan then recreates it', () => {
    for (const r of [role({}, nodes, 'SSISScaleOutMaster150'), role({}, nodes, env.service, '10.0.0.99'), role({ group: 'MASTERROLE', match: 'service' })]) {
      const ops = opsFor(both(r));
      expect(ops).toHaveLength(1);
      expect(ops[0]).toMatchObject({ id: 'recreate-role', kind: 'manual', risk: 'high' });
      expect(ops[0]!.script).toContain(`Remove-ClusterGroup -Name '${r.group}' -RemoveResources -Force`);
    }
    expect(statuses(both(role({}, nodes, env.service, '10.0.0.99')))).toMatchObject({ 'role-access-point': 'fail', 'role-dns': 'pass' });
  });

  it('online but the name does not resolve to the IP: a manual DNS operation', () => {
    const ops = opsFor(both(role(), undefined, ['10.0.0.77']));
    expect(ops.map((o) => [o.id, o.kind])).toEqual([['role-dns', 'manual']]);
    expect(ops[0]!.script).toContain('Update-ClusterNetworkNameResource');
  });

  it('nothing is planned from a cluster nobody could read (where the master should run is unknown)', () => {
    const reads: RoleReading[] = [
      { host: 'SQLNODE1', ok: false, error: 'Connection refused (TCP_REFUSED)' },
      { host: 'SQLNODE2', ok: true, read: { ...read(null, { state: 'Running', startMode: 'Auto' }), cluster: null, clusterError: 'The cluster service is not running.' } },
    ];
    const checks = roleStepChecks(reads, env);
    expect(checks.find((c) => c.id === 'role-exists')).toMatchObject({ status: 'unknown', evidence: expect.stringContaining('SQLNODE1: Connection refused') });
    expect(checks.find((c) => c.id === 'service-manual@SQLNODE1')?.status).toBe('unknown');
    expect(checks.find((c) => c.id === 'service-manual@SQLNODE2')?.status).toBe('fail');
    expect(plan(ctx, checks)).toEqual([]);
  });
});
