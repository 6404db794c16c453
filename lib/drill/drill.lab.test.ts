// The failover drill against the lab: from half-done, steps 5–9 bring the chain up; then each
// move (master role, availability group, both) is followed by a full recovery with its times,
// and a worker certificate trusted on one node only is caught when the role moves away from it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_MODULES } from '@/lib/steps/modules';
import { STEPS } from '@/lib/steps/registry';
import type { StepContext } from '@/lib/steps/context';
import { applyContext, applyStep, startLabFixture, type LabFixture } from '@/lib/steps/lab-fixture.test-helper';
import { workerThumbprint } from './diagnose';
import { CHECK } from './judge';
import { clusterRole, agPrimary } from './moves';
import { drillModule, drillPlan, probeDrill, runPhase, type DrillOptions } from './index';

const OPTS: DrillOptions = { timeoutMs: 45_000, pollMs: 500 };
const LATER = ['config', 'logging', 'cluster-role', 'master-address', 'workers'] as const;

let fx: LabFixture;
beforeAll(async () => {
  fx = await startLabFixture('drill', { workers: 1 });
}, 120_000);
afterAll(async () => fx?.close(), 60_000);

/** Steps 5–9 applied in order, as the wizard would after steps 1–4. */
async function healthy(): Promise<StepContext> {
  const ctx = await fx.use('half-done');
  for (const slug of LATER) {
    const step = STEP_MODULES[slug];
    if (!step) throw new Error(`step ${slug} is not registered`);
    await applyStep(step, ctx);
  }
  return ctx;
}

describe('failover drill on the lab', () => {
  it('plans the three moves, high-risk, confirmed once by typing FAILOVER', async () => {
    const ctx = await fx.use('half-done');
    const ops = drillPlan(ctx);
    expect(ops.map((o) => o.id)).toEqual(['drill:master-role', 'drill:ag', 'drill:both']);
    expect(ops.every((o) => o.risk === 'high')).toBe(true);
    expect(ops.map((o) => o.confirmPhrase)).toEqual(['FAILOVER', undefined, undefined]);
    expect(ops[1]!.script).toContain(`ALTER AVAILABILITY GROUP [${ctx.inventory.agName}] FAILOVER;`);
    expect(STEPS.length).toBe(9);
  });

  it('moves the master role, then the AG, then both, and the whole chain recovers each time', async () => {
    const ctx = await healthy();
    const before = await probeDrill(ctx);
    expect(before.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.evidence}`)).toEqual([]);
    const ownerBefore = (await clusterRole(ctx)).owner;
    const primaryBefore = await agPrimary(ctx);

    const role = await runPhase(ctx, 'master-role', OPTS, applyContext());
    expect(role.ok, JSON.stringify(role.checks)).toBe(true);
    expect((await clusterRole(ctx)).owner).not.toBe(ownerBefore);
    for (const id of [CHECK.endpoint, CHECK.heartbeat, CHECK.worker('WORKER1'), CHECK.logging]) expect(role.recovered[id]).toEqual(expect.any(Number));

    const ag = await runPhase(ctx, 'ag', OPTS, applyContext());
    expect(ag.ok, JSON.stringify(ag.checks)).toBe(true);
    expect(await agPrimary(ctx)).not.toBe(primaryBefore);

    const both = await runPhase(ctx, 'both', OPTS, applyContext());
    expect(both.ok, JSON.stringify(both.checks)).toBe(true);
    expect(both.moves).toHaveLength(2);
  }, 400_000);

  it('catches a worker certificate trusted on the first node only, naming the worker, the node and the cause', async () => {
    const ctx = await healthy();
    // The DBA's mistake: the worker's certificate trusted on the first node only.
    const thumb = await workerThumbprint(ctx, 'WORKER1');
    await ctx.winrm('SQLNODE2').runPowerShell(`Remove-Item -LiteralPath 'Cert:\\LocalMachine\\Root\\${thumb}'; 'ok'`);
    const owner = (await clusterRole(ctx)).owner;
    expect(owner).toBe('SQLNODE1');
    const drill = drillModule(OPTS);
    const run = applyContext();
    const op = drill.plan(ctx).find((o) => o.id === 'drill:master-role')!;
    const err = await drill.apply(ctx, op, run).then(
      () => null,
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    expect(err).toMatch(/WORKER1/);
    expect(err).toMatch(/not in LocalMachine\\Root on SQLNODE2/);
    expect(err).toMatch(/403/);
    // The chain's checks now: the new owner does not trust WORKER1, named with the cause.
    const after = await probeDrill(ctx);
    const t = after.find((c) => c.id === CHECK.trust('WORKER1'))!;
    expect(t.status).toBe('fail');
    expect(t.evidence).toMatch(new RegExp(`${thumb} is not in LocalMachine\\\\Root on SQLNODE2`));
  }, 400_000);

  it('refuses to move anything while the chain is not healthy, and says what is broken', async () => {
    const ctx = await fx.use('half-done');
    const owner = (await clusterRole(ctx)).owner;
    const err = await runPhase(ctx, 'master-role', OPTS, applyContext()).then(
      () => null,
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    expect(err).toMatch(/not healthy before the drill/);
    expect((await clusterRole(ctx)).owner).toBe(owner);
  }, 200_000);
});
