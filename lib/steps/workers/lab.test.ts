// Step 9 against the built-in lab: real TDS to the lab's SQL Server, real WinRM to its Windows
// hosts running the checked-in scripts in pwsh, and the lab's physics deciding, heartbeat by
// heartbeat over mutual TLS, whether a worker is online. Half-done has the availability group,
// its listener and the master's cluster role online on SQLNODE1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '@/lib/engine/types';
import { psScript } from '@/lib/powershell/scripts';
import type { StepContext } from '../context';
import { applyContext, byId, failing, grantMasterLogin, rootThumbprints, startFixture, type Fixture } from './lab.test-helper';
import { step } from './index';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture(3);
}, 120_000);
afterAll(async () => {
  await f?.close();
});

async function applyAll(ctx: StepContext) {
  const ops = step.plan(ctx, await step.probe(ctx));
  const run = applyContext();
  const results: string[] = [];
  for (const op of ops.filter((o) => o.kind !== 'manual')) results.push(String(await step.apply(ctx, op, run)));
  return { ops, results, lines: run.lines };
}

async function halfDone(workers: number): Promise<StepContext> {
  const ctx = await f.use('half-done', workers);
  grantMasterLogin(f, ctx.inventory.masterAccount);
  return ctx;
}

describe('workers step on the lab', () => {
  it('one worker: probe, plan, apply, and the probe passes; applying again changes nothing', async () => {
    const ctx = await halfDone(1);
    const checks = await step.probe(ctx);
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['master-certificate', 'pass'],
      ['worker-installed@WORKER1', 'pass'],
      ['worker-certificate@WORKER1', 'pass'],
      ['master-cert-in-root@WORKER1', 'fail'],
      ['worker-cert-on-masters@WORKER1', 'fail'],
      ['worker-settings@WORKER1', 'fail'],
      ['worker-service@WORKER1', 'pass'],
      ['worker-registered@WORKER1', 'fail'],
      ['worker-enabled@WORKER1', 'unknown'],
      ['worker-online@WORKER1', 'unknown'],
    ]);
    const workerThumb = byId(checks, 'worker-certificate@WORKER1').evidence.slice(0, 40);
    expect(byId(checks, 'worker-cert-on-masters@WORKER1').evidence).toBe(`${workerThumb} is in LocalMachine\\Root on no master node; missing on SQLNODE1, SQLNODE2`);
    expect(byId(checks, 'worker-settings@WORKER1').evidence).toMatch(/^MasterEndpoint = \(empty\), MasterHttpsCertThumbprint = \(empty\); expected https:\/\/SSISMASTER:8391 and [0-9A-F]{40}$/);
    expect(byId(checks, 'worker-registered@WORKER1').evidence).toContain('No row with WorkerAgentId 6F2B8C1E-4D3A-4E7B-9A21-0C5D7E8F9A10 in SSISDB.catalog.worker_agents through SSISLISTENER (SQLNODE1)');

    const { ops, lines } = await applyAll(ctx);
    expect(ops.map((o) => [o.id, o.target, o.kind])).toEqual([
      ['trust-workers@SQLNODE1', 'SQLNODE1', 'powershell'],
      ['trust-workers@SQLNODE2', 'SQLNODE2', 'powershell'],
      ['attach-workers', 'workers', 'file-edit'],
      ['enable-workers', 'SSISLISTENER', 'tsql'],
    ]);
    expect(ops[2]!.diff).toContain('+  <MasterEndpoint>https://SSISMASTER:8391</MasterEndpoint>');
    expect(lines.filter((l) => l.startsWith('WORKER1: ')).length).toBeGreaterThanOrEqual(5);
    expect(lines).toContainEqual(expect.stringMatching(/^WORKER1: enabled \(catalog\.enable_worker_agent @WorkerAgentId = '6F2B8C1E/));

    const after = await step.probe(ctx);
    expect(failing(after)).toEqual([]);
    expect(byId(after, 'worker-online@WORKER1').evidence).toMatch(/^LastOnlineTime \S+, \d+ s before the server's clock \(SYSDATETIMEOFFSET\(\) on SQLNODE1/);
    expect(step.plan(ctx, after)).toEqual([]);

    // The same operations once more: each reads its hosts first and finds nothing to do.
    const roots = async () => Promise.all(['SQLNODE1', 'SQLNODE2', 'WORKER1'].map((h) => rootThumbprints(ctx, h)));
    const before = await roots();
    const again = applyContext();
    const results: string[] = [];
    for (const op of ops) results.push(String(await step.apply(ctx, op, again)));
    expect(results).toEqual([
      'SQLNODE1: 0 worker certificate(s) imported into LocalMachine\\Root, 1 already there',
      'SQLNODE2: 0 worker certificate(s) imported into LocalMachine\\Root, 1 already there',
      '0 worker(s) attached or restarted, 1 already attached',
      '1 worker(s) online; enabled now: none (already enabled)',
    ]);
    expect(await roots()).toEqual(before);
  }, 300_000);

  it('reads each worker once per job: trusting its certificate and attaching it share one read, which the next job makes again', async () => {
    const ctx = await halfDone(2);
    const names = new Map([
      [psScript('workers-probe.ps1'), 'read'],
      [psScript('workers-attach.ps1'), 'attach'],
    ]);
    const ran: string[] = [];
    // The same context, with each worker's PowerShell runs noted.
    const counting = Object.create(ctx, {
      winrm: {
        value: (host: string) =>
          new Proxy(ctx.winrm(host), {
            get(target, key) {
              if (key === 'runPowerShell') {
                return (script: string, o?: object) => {
                  if (host.startsWith('WORKER')) ran.push(`${host} ${names.get(script) ?? 'other'}`);
                  return target.runPowerShell(script, o);
                };
              }
              const v: unknown = Reflect.get(target, key);
              return typeof v === 'function' ? v.bind(target) : v;
            },
          }),
      },
    }) as StepContext;
    const job = async (ops: Operation[]) => {
      ran.length = 0;
      const run = applyContext();
      for (const op of ops.filter((o) => o.kind !== 'manual')) await step.apply(counting, op, run);
      return [...ran].sort();
    };

    const ops = step.plan(counting, await step.probe(counting));
    expect(ops.map((o) => o.id)).toEqual(['trust-workers@SQLNODE1', 'trust-workers@SQLNODE2', 'attach-workers', 'enable-workers']);
    expect(await job(ops)).toEqual(['WORKER1 attach', 'WORKER1 read', 'WORKER2 attach', 'WORKER2 read']);

    const thumb = byId(await step.probe(counting), 'worker-certificate@WORKER1').evidence.slice(0, 40);
    await ctx.winrm('SQLNODE2').runPowerShell(`Remove-Item -LiteralPath 'Cert:\\LocalMachine\\Root\\${thumb}'`);
    const again = step.plan(counting, await step.probe(counting));
    expect(again.map((o) => o.id)).toEqual(['trust-workers@SQLNODE2']);
    expect(await job(again)).toEqual(['WORKER1 read']);
    expect(failing(await step.probe(counting))).toEqual([]);
  }, 300_000);

  it('the worker certificate trusted on the first node only fails by name, and the plan trusts it on the other node', async () => {
    const ctx = await halfDone(1);
    await applyAll(ctx);
    const done = await step.probe(ctx);
    const thumb = byId(done, 'worker-certificate@WORKER1').evidence.slice(0, 40);
    // What Scale Out Manager leaves (reference 8.1/9.17): the certificate on the master it talked to only.
    await ctx.winrm('SQLNODE2').runPowerShell(`Remove-Item -LiteralPath 'Cert:\\LocalMachine\\Root\\${thumb}'`);

    const checks = await step.probe(ctx);
    expect(failing(checks)).toEqual([`worker-cert-on-masters@WORKER1: fail: ${thumb} is in LocalMachine\\Root on SQLNODE1; missing on SQLNODE2`]);
    expect(byId(checks, 'worker-cert-on-masters@WORKER1').remediation).toContain('403 Forbidden');
    const ops = step.plan(ctx, checks);
    expect(ops.map((o) => o.id)).toEqual(['trust-workers@SQLNODE2']);
    const run = applyContext();
    expect(await step.apply(ctx, ops[0]!, run)).toBe('SQLNODE2: 1 worker certificate(s) imported into LocalMachine\\Root, 0 already there');
    expect(run.lines).toEqual([`WORKER1: ${thumb} imported into LocalMachine\\Root on SQLNODE2`]);
    const fixed = await step.probe(ctx);
    expect(failing(fixed)).toEqual([]);
    expect(step.plan(ctx, fixed)).toEqual([]);
  }, 300_000);

  it('three workers are attached together with a progress row each; one failing worker fails the operation by name and the rest still come online', async () => {
    const ctx = await halfDone(3);
    const hosts = ['WORKER1', 'WORKER2', 'WORKER3'];
    const ops = step.plan(ctx, await step.probe(ctx));
    expect(ops.map((o) => o.id)).toEqual(['trust-workers@SQLNODE1', 'trust-workers@SQLNODE2', 'attach-workers', 'enable-workers']);
    expect(ops[2]!.summary).toContain('Attach WORKER1, WORKER2, WORKER3 to https://SSISMASTER:8391');
    const run = applyContext();
    for (const op of ops.slice(0, 2)) await step.apply(ctx, op, run);

    // WORKER2's WinRM answers every request with HTTP 500 while the workers are attached.
    await f.control('/winrm/faults', { host: 'WORKER2', count: 1000, status: 500 });
    try {
      await expect(step.apply(ctx, ops[2]!, run)).rejects.toThrow(/^1 of 3 worker\(s\) could not be attached: WORKER2: /);
    } finally {
      await f.control('/winrm/faults', { host: 'WORKER2', count: 0 });
    }
    for (const h of ['WORKER1', 'WORKER3']) {
      expect(run.lines).toContainEqual(expect.stringMatching(new RegExp(`^${h}: master certificate [0-9A-F]{40} imported into LocalMachine\\\\Root`)));
    }
    expect(run.lines.some((l) => l.startsWith('WORKER2: master certificate'))).toBe(false);

    const partial = await step.probe(ctx);
    expect(byId(partial, 'worker-settings@WORKER2').status).toBe('fail');
    expect(byId(partial, 'worker-settings@WORKER1').status).toBe('pass');
    const rest = step.plan(ctx, partial);
    // WORKER1 and WORKER3 were attached and restarted: they are waited for, not restarted again.
    expect(rest.map((o) => [o.id, 'workers' in o ? o.workers : null])).toEqual([
      ['attach-workers', ['WORKER2']],
      ['enable-workers', hosts],
    ]);
    const again = applyContext();
    for (const op of rest) await step.apply(ctx, op, again);
    for (const h of hosts) expect(again.lines).toContainEqual(expect.stringMatching(new RegExp(`^${h}: enabled `)));

    const after = await step.probe(ctx);
    expect(failing(after)).toEqual([]);
    const ids = hosts.map((h) => byId(after, `worker-registered@${h}`).evidence.slice('WorkerAgentId '.length, 'WorkerAgentId '.length + 36));
    expect(new Set(ids).size).toBe(3);
    expect(step.plan(ctx, after)).toEqual([]);
  }, 400_000);

  it('a worker that cannot be reached gives unknown checks naming the error, and is left out of the plan', async () => {
    const ctx = await halfDone(3);
    await f.control('/hosts/WORKER2/down');
    try {
      const checks = await step.probe(ctx);
      const w2 = checks.filter((c) => c.target === 'WORKER2');
      expect(w2.length).toBe(9);
      expect(w2.every((c) => c.status === 'unknown' && c.evidence.startsWith('WORKER2 could not be read: '))).toBe(true);
      const ops = step.plan(ctx, checks);
      expect(ops.flatMap((o) => ('workers' in o ? (o.workers as string[]) : []))).not.toContain('WORKER2');
      expect(ops.find((o) => o.id === 'attach-workers')?.summary).toContain('WORKER1, WORKER3');
    } finally {
      await f.control('/hosts/WORKER2/up');
    }
  }, 120_000);
});
