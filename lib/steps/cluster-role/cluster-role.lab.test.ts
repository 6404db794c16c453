// Step 7 end to end against the lab's simulated Windows: real pwsh runs the checked-in scripts
// with lib/winrm's bootstrap on each master node (as over WinRM: NTLM, no CredSSP), and the lab
// state shows what they changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplyContext, Check } from '@/lib/engine/types';
import { offlineGroup } from '@/lib/lab/windows/cluster';
import { startPwshStepLab, type PwshStepLab } from '../master-shared/pwsh-context.test-helper';
import { step } from './index';

// The wizard's WinRM account, a domain account the scheduled task that creates the role runs as.
const WIZARD_PASSWORD = 'Wizard-Lab-2022!';
let t: PwshStepLab;
beforeAll(async () => {
  t = await startPwshStepLab({ winrmPassword: WIZARD_PASSWORD });
}, 60_000);
afterAll(async () => {
  await t?.close();
});
const knowWizard = () => t.lab.state.store.addAccount('LAB', 'wizard', WIZARD_PASSWORD);

const SVC = 'SSISScaleOutMaster160';
const GENERIC = 'SQL Server Integration Services Scale Out Master 16.0';
const run: ApplyContext = { log: () => undefined, signal: new AbortController().signal };
const byId = (checks: Check[], id: string) => checks.find((c) => c.id === id)!;
const failing = (checks: Check[]) => checks.filter((c) => c.status !== 'pass').map((c) => c.id);

async function applyAll() {
  const ops = step.plan(t.ctx, await step.probe(t.ctx));
  const results: string[] = [];
  for (const op of ops.filter((o) => o.kind !== 'manual')) results.push(String(await step.apply(t.ctx, op, run)));
  return { ops, results };
}

describe('cluster-role step against the lab (pwsh)', () => {
  it('half-done: the role is there and right; every check passes with what was read', async () => {
    await t.reset('half-done');
    const checks = await step.probe(t.ctx);
    expect(failing(checks)).toEqual([]);
    expect(byId(checks, 'role-exists').evidence).toBe(
      `Cluster SSISCLU: group SSISMASTER (Online on SQLNODE1): SSISMASTER (Network Name, Online); IP Address 10.0.0.50 (IP Address, Online); ${GENERIC} (Generic Service, Online)`,
    );
    expect(byId(checks, 'role-service').evidence).toBe(`${GENERIC}: ServiceName = ${SVC}`);
    expect(byId(checks, 'role-access-point').evidence).toBe('Network Name: SSISMASTER; IP Address: 10.0.0.50');
    expect(byId(checks, 'role-dns').evidence).toBe('SQLNODE1: 10.0.0.50; SQLNODE2: 10.0.0.50');
    expect(byId(checks, 'service-manual@SQLNODE2').evidence).toBe('StartMode Manual, State Stopped; the role SSISMASTER is Online on SQLNODE1');
    expect(step.plan(t.ctx, checks)).toEqual([]);
  }, 60_000);

  it('a secondary set to Automatic (and started by hand) fails by name; the plan makes it Manual and stops it, once', async () => {
    await t.reset('half-done');
    const store = t.lab.state.store;
    store.updateService('SQLNODE2', SVC, { startType: 'Automatic', status: 'Running', processId: 4242 });
    const checks = await step.probe(t.ctx);
    expect(failing(checks)).toEqual(['service-manual@SQLNODE2']);
    expect(byId(checks, 'service-manual@SQLNODE2').evidence).toBe(
      'StartMode Auto, State Running; the role SSISMASTER is Online on SQLNODE1: it starts Auto, so it would start at boot beside the cluster\'s copy; it runs here although the cluster runs it on the owner node',
    );

    const { ops, results } = await applyAll();
    expect(ops.map((o) => [o.id, o.target, o.kind])).toEqual([['set-manual@SQLNODE2', 'SQLNODE2', 'powershell']]);
    expect(results).toEqual([`SQLNODE2: ${SVC} start Automatic → Manual, stopped (the role runs on SQLNODE1), Stopped`]);
    expect(store.service('SQLNODE2', SVC)).toMatchObject({ startType: 'Manual', status: 'Stopped' });
    // The owner's copy, started by the cluster, is untouched.
    expect(store.service('SQLNODE1', SVC)).toMatchObject({ startType: 'Manual', status: 'Running' });

    const after = await step.probe(t.ctx);
    expect(failing(after)).toEqual([]);
    expect(step.plan(t.ctx, after)).toEqual([]);
    const snapshot = JSON.stringify([store.service('SQLNODE1', SVC), store.service('SQLNODE2', SVC)]);
    expect(await step.apply(t.ctx, ops[0]!, run)).toBe(`SQLNODE2: ${SVC} already starts Manual (Stopped)`);
    expect(JSON.stringify([store.service('SQLNODE1', SVC), store.service('SQLNODE2', SVC)])).toBe(snapshot);
  }, 300_000);

  it('a role offline with SQLNODE2 not a possible owner: the plan adds the owner and brings it online on its owner', async () => {
    await t.reset('half-done');
    const store = t.lab.state.store;
    const generic = store.clusterResource('SSISCLU', GENERIC)!;
    store.putClusterResource('SSISCLU', { ...generic, possibleOwners: ['SQLNODE1'] });
    offlineGroup(store, 'SSISCLU', 'SSISMASTER');
    expect(store.service('SQLNODE1', SVC)?.status).toBe('Stopped');

    const checks = await step.probe(t.ctx);
    expect(failing(checks)).toEqual(['role-online', 'role-owners']);
    expect(byId(checks, 'role-owners').evidence).toContain(`Missing: SQLNODE2 for ${GENERIC}`);
    expect(byId(checks, 'role-online').evidence).toContain('SSISMASTER is Offline (owner SQLNODE1)');

    const { ops, results } = await applyAll();
    expect(ops.map((o) => [o.id, o.target])).toEqual([
      ['set-owners', 'SQLNODE1'],
      ['start-role', 'SQLNODE1'],
    ]);
    expect(results).toEqual([
      `SQLNODE1: possible owners set on ${GENERIC} (SQLNODE1 → SQLNODE1, SQLNODE2)`,
      'SQLNODE1: role SSISMASTER Offline → Online on SQLNODE1',
    ]);
    expect(store.clusterResource('SSISCLU', GENERIC)?.possibleOwners).toEqual(['SQLNODE1', 'SQLNODE2']);
    expect(store.service('SQLNODE1', SVC)?.status).toBe('Running');

    const after = await step.probe(t.ctx);
    expect(failing(after)).toEqual([]);
    expect(step.plan(t.ctx, after)).toEqual([]);
    for (const op of ops) expect(String(await step.apply(t.ctx, op, run))).toMatch(/already/);
  }, 300_000);

  it('fresh: no role yet; Manual everywhere (stopped on the secondary), then the role; without the account password nothing is attempted', async () => {
    await t.reset('fresh');
    const store = t.lab.state.store;
    const checks = await step.probe(t.ctx);
    expect(byId(checks, 'role-exists')).toMatchObject({ status: 'fail', evidence: `Cluster SSISCLU has no group SSISMASTER and no Generic Service resource for ${SVC}` });
    expect(byId(checks, 'role-dns').evidence).toContain('SQLNODE1: SSISMASTER : DNS name does not exist');
    const ops = step.plan(t.ctx, checks);
    expect(ops.map((o) => [o.id, o.target])).toEqual([
      ['set-manual@SQLNODE1', 'SQLNODE1'],
      ['set-manual@SQLNODE2', 'SQLNODE2'],
      ['create-role', 'SQLNODE1'],
    ]);
    const create = ops[2]!;
    expect(create.script).toContain("#   Add-ClusterGenericServiceRole -ServiceName 'SSISScaleOutMaster160' -Name 'SSISMASTER' -StaticAddress '10.0.0.50'");
    expect(create.script).toContain('#   RunAsPassword = ********');
    expect(create.script).not.toContain(WIZARD_PASSWORD);
    expect(create.script).toContain('Register-ScheduledTask');

    for (const op of ops.slice(0, 2)) await step.apply(t.ctx, op, run);
    expect(store.service('SQLNODE1', SVC)).toMatchObject({ startType: 'Manual', status: 'Running' });
    expect(store.service('SQLNODE2', SVC)).toMatchObject({ startType: 'Manual', status: 'Stopped' });
    const noPassword = { ...t.ctx, secret: () => undefined };
    await expect(step.apply(noPassword, create, run)).rejects.toThrow('The password of LAB\\wizard is not stored');
    expect(store.clusterGroup('SSISCLU', 'SSISMASTER')).toBeUndefined();

    const after = await step.probe(t.ctx);
    expect(failing(after).filter((id) => id.startsWith('service-manual'))).toEqual([]);
    expect(step.plan(t.ctx, after).map((o) => o.id)).toEqual(['create-role']);
  }, 300_000);

  it('fresh: probe, plan, apply creates the role through a scheduled task; verified; applying again changes nothing', async () => {
    await t.reset('fresh');
    knowWizard();
    const store = t.lab.state.store;
    const { ops, results } = await applyAll();
    expect(ops.map((o) => o.id)).toEqual(['set-manual@SQLNODE1', 'set-manual@SQLNODE2', 'create-role']);
    expect(results[2]).toBe('SQLNODE1: role SSISMASTER created, Online on SQLNODE1');
    expect(store.clusterGroup('SSISCLU', 'SSISMASTER')).toMatchObject({ ownerNode: 'SQLNODE1', state: 'Online', groupType: 'GenericService' });
    expect(store.clusterResource('SSISCLU', GENERIC)?.parameters['ServiceName']).toBe(SVC);

    const after = await step.probe(t.ctx);
    expect(failing(after)).toEqual([]);
    expect(step.plan(t.ctx, after)).toEqual([]);

    const snapshot = () => JSON.stringify({ r: store.clusterResources('SSISCLU'), g: store.clusterGroups('SSISCLU'), s: [store.service('SQLNODE1', SVC), store.service('SQLNODE2', SVC)] });
    const before = snapshot();
    for (const op of ops) expect(String(await step.apply(t.ctx, op, run))).toMatch(/already/);
    expect(snapshot()).toBe(before);
  }, 300_000);
});
