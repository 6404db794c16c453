// plan() from canned checks (pure): operations grouped so that workers run in parallel, each
// naming its workers; and apply refusing operations that are not this deployment's.
import { describe, expect, it } from 'vitest';
import type { Check, Operation } from '@/lib/engine/types';
import { exampleInventory } from '@/lib/inventory/example';
import { serviceNames } from '@/lib/inventory/schema';
import type { StepContext } from '@/lib/steps/context';
import { apply } from './apply';
import type { WorkerFacts } from './facts';
import { plan } from './plan';

const base = exampleInventory();
const inventory = { ...base, workers: ['WORKER1', 'WORKER2', 'WORKER3'].map((hostName) => ({ hostName, winrmAddress: '' })) };
const ctx = { inventory, services: serviceNames('2022') };
const SHARED = 'C'.repeat(40);
const IDS = ['worker-certificate', 'master-cert-in-root', 'worker-cert-on-masters', 'worker-settings', 'worker-service', 'worker-registered', 'worker-enabled', 'worker-online'];

const masterCheck = (thumbprint: string | null, status: Check['status'] = 'pass'): Check =>
  ({ id: 'master-certificate', title: 't', target: 'all master nodes', status, evidence: 'read', facts: { thumbprint } }) as Check;
const facts = (host: string, f: Partial<WorkerFacts> = {}): WorkerFacts => ({
  host,
  needsSetup: false,
  agentId: `${host}-ID`,
  workerThumbprint: `${host.at(-1)}`.repeat(40),
  settingsPath: 'C:\\Program Files\\Microsoft SQL Server\\160\\DTS\\Binn\\WorkerSettings.config',
  settingsDiff: null,
  missingOn: [],
  ...f,
});
const worker = (host: string, s: Partial<Record<string, Check['status']>> = {}, f: Partial<WorkerFacts> = {}): Check[] => [
  { id: `worker-installed@${host}`, title: 't', target: host, status: s['worker-installed'] ?? 'pass', evidence: 'read', facts: facts(host, f) } as Check,
  ...IDS.map((id): Check => ({ id: `${id}@${host}`, title: id, target: host, status: s[id] ?? 'pass', evidence: 'read' })),
];
const fresh = { 'master-cert-in-root': 'fail', 'worker-cert-on-masters': 'fail', 'worker-settings': 'fail', 'worker-registered': 'fail', 'worker-enabled': 'unknown', 'worker-online': 'unknown' } as const;
const workersOf = (op: Operation | undefined) => (op as (Operation & { workers: string[] }) | undefined)?.workers;

describe('workers plan', () => {
  it('is empty when every check passes', () => {
    expect(plan(ctx, [masterCheck(SHARED), ...worker('WORKER1'), ...worker('WORKER2'), ...worker('WORKER3')])).toEqual([]);
  });

  it('fresh workers: one trust operation per master node, one attach and one enable operation for all of them', () => {
    const diff = '-  <MasterEndpoint></MasterEndpoint>\n+  <MasterEndpoint>https://SSISMASTER:8391</MasterEndpoint>';
    const checks = [masterCheck(SHARED), ...['WORKER1', 'WORKER2', 'WORKER3'].flatMap((h) => worker(h, fresh, { missingOn: ['SQLNODE1', 'SQLNODE2'], settingsDiff: diff }))];
    const ops = plan(ctx, checks);
    expect(ops.map((o) => [o.id, o.target, o.kind, workersOf(o)])).toEqual([
      ['trust-workers@SQLNODE1', 'SQLNODE1', 'powershell', ['WORKER1', 'WORKER2', 'WORKER3']],
      ['trust-workers@SQLNODE2', 'SQLNODE2', 'powershell', ['WORKER1', 'WORKER2', 'WORKER3']],
      ['attach-workers', 'workers', 'file-edit', ['WORKER1', 'WORKER2', 'WORKER3']],
      ['enable-workers', 'SSISLISTENER', 'tsql', ['WORKER1', 'WORKER2', 'WORKER3']],
    ]);
    expect(ops[0]!.script).toContain(`#   WORKER2: ${'2'.repeat(40)}`);
    expect(ops[0]!.script).toContain('workers-trust.ps1 on SQLNODE1, parameters:');
    expect(ops[2]!.summary).toBe(
      `Attach WORKER1, WORKER2, WORKER3 to https://SSISMASTER:8391: master certificate ${SHARED} into LocalMachine\\Root, MasterEndpoint and MasterHttpsCertThumbprint in WorkerSettings.config (backup first), (re)start SSISScaleOutWorker160`,
    );
    expect(ops[2]!.script).toContain(`#   MasterThumbprint = '${SHARED}'`);
    expect(ops[2]!.diff?.split(diff)).toHaveLength(4);
    expect(ops[3]!.script).toContain("--   WORKER3: @WorkerAgentId = 'WORKER3-ID'");
    expect(ops.map((o) => o.script).join('\n')).not.toMatch(/PRIVATE KEY|PfxPassword/);
  });

  it('the worker certificate trusted on the first node only: one trust operation on the other node, nothing else', () => {
    const ops = plan(ctx, [masterCheck(SHARED), ...worker('WORKER1', { 'worker-cert-on-masters': 'fail' }, { missingOn: ['SQLNODE2'] }), ...worker('WORKER2'), ...worker('WORKER3')]);
    expect(ops.map((o) => [o.id, workersOf(o)])).toEqual([['trust-workers@SQLNODE2', ['WORKER1']]]);
  });

  it('configured, running and trusted yet offline: no restart (it would kill running packages), only the wait for a heartbeat', () => {
    const ops = plan(ctx, [masterCheck(SHARED), ...worker('WORKER1', { 'worker-online': 'fail' }), ...worker('WORKER2', { 'worker-enabled': 'fail' }), ...worker('WORKER3')]);
    expect(ops.map((o) => [o.id, workersOf(o)])).toEqual([['enable-workers', ['WORKER1', 'WORKER2']]]);
    // Offline because a master node lacks its certificate: the master side is fixed, then the wait.
    const masterSide = plan(ctx, [masterCheck(SHARED), ...worker('WORKER1', { 'worker-online': 'fail', 'worker-cert-on-masters': 'fail' }, { missingOn: ['SQLNODE1'] })]);
    expect(masterSide.map((o) => o.id)).toEqual(['trust-workers@SQLNODE1', 'enable-workers']);
    // A stopped service is started by the attach operation.
    expect(plan(ctx, [masterCheck(SHARED), ...worker('WORKER3', { 'worker-service': 'fail', 'worker-online': 'fail' })]).map((o) => [o.id, workersOf(o)])).toEqual([
      ['attach-workers', ['WORKER3']],
      ['enable-workers', ['WORKER3']],
    ]);
  });

  it('manual operations for a missing worker installation or certificate; unreadable workers are left alone', () => {
    const ops = plan(ctx, [
      masterCheck(SHARED),
      { ...worker('WORKER1', { 'worker-installed': 'fail' }, { needsSetup: true })[0]! },
      ...worker('WORKER2', { 'worker-certificate': 'fail', 'worker-cert-on-masters': 'fail' }),
      ...worker('WORKER3', Object.fromEntries(['worker-installed', ...IDS].map((id) => [id, 'unknown']))),
    ]);
    expect(ops.map((o) => [o.id, o.kind])).toEqual([
      ['install-worker@WORKER1', 'manual'],
      ['worker-certificate@WORKER2', 'manual'],
    ]);
    expect(ops[0]!.script).toContain('FEATURES=IS_Worker');
    expect(ops[0]!.script).toContain('ISWORKERSVCMASTER="https://SSISMASTER:8391"');
    // A settings file that cannot be parsed is repaired by hand: no setup is offered.
    expect(plan(ctx, [masterCheck(SHARED), worker('WORKER1', { 'worker-installed': 'fail' })[0]!])).toEqual([]);
  });

  it('without a shared master certificate only the master side is planned', () => {
    const ops = plan(ctx, [masterCheck(null, 'fail'), ...worker('WORKER1', { ...fresh, 'master-cert-in-root': 'unknown', 'worker-settings': 'unknown' }, { missingOn: ['SQLNODE1'] })]);
    // No wait for a heartbeat that cannot come before the worker is attached.
    expect(ops.map((o) => o.id)).toEqual(['trust-workers@SQLNODE1']);
  });
});

describe('apply', () => {
  const step = { ...ctx, deploymentId: 'x', secret: () => undefined, secretValues: () => [], sql: () => { throw new Error('no SQL'); }, winrm: () => { throw new Error('no WinRM'); }, close: () => Promise.resolve() } as unknown as StepContext;
  const run = { log: () => undefined, signal: new AbortController().signal };
  const op = (id: string, workers: unknown): Operation => ({ id, target: 'x', kind: 'powershell', summary: 's', script: '', risk: 'low', workers }) as Operation;

  it('refuses operations of other steps, workers of other deployments and unknown master nodes, touching nothing', async () => {
    await expect(apply(step, { ...op('rebind@SQLNODE1', undefined) }, run)).rejects.toThrow('rebind@SQLNODE1 is not run by the wizard');
    await expect(apply(step, op('attach-workers', ['WORKER9']), run)).rejects.toThrow('WORKER9 is not a worker of this deployment');
    await expect(apply(step, op('trust-workers@SQLNODE9', ['WORKER1']), run)).rejects.toThrow('Not an operation of this step: trust-workers@SQLNODE9');
    await expect(apply(step, op('install-worker@WORKER1', ['WORKER1']), run)).rejects.toThrow('Not an operation of this step');
  });
});
