// Step 4 from the fresh lab to "every check passes", with the DBA's manual work played through
// the control API: the real probe, plan and apply of the always-on step read what the routes left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_DMK_PASSWORD } from '@/lib/lab/sql';
import { step, saveDmkPassword } from '@/lib/steps/always-on';
import { applyPlan, startFixture, statuses, type Fixture } from '@/lib/steps/always-on/lab.test-helper';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
}, 60_000);
afterAll(async () => {
  await f?.close();
});

describe('step 4 on the fresh lab with the DBA routes', () => {
  it('create the group, apply the planned T-SQL, enable Always On support: every check passes and the plan is empty', async () => {
    const ctx = await f.use('fresh');
    expect(step.plan(ctx, await step.probe(ctx)).map((o) => o.id)).toEqual(['ag.create', 'alwayson.enable']);

    await f.control('/dba/create-availability-group', { ag: 'SSISDB-AG', dmkPassword: LAB_DMK_PASSWORD });
    let checks = await step.probe(ctx);
    expect(statuses(checks)).toMatchObject({
      'ag.exists': 'pass', 'ag.primary': 'pass', 'ag.ssisdb': 'pass',
      'replica.health:SQLNODE2': 'pass', 'ssisdb.sync:SQLNODE2': 'pass',
      'listener.exists': 'fail', 'dmk:SQLNODE2': 'fail', 'alwayson.support': 'fail', 'alwayson.startup:SQLNODE2': 'fail', 'alwayson.startup:SQLNODE1': 'pass',
    });
    expect(step.plan(ctx, checks).map((o) => [o.id, o.kind])).toEqual([
      ['listener.add', 'tsql'],
      ['dmk.add:SQLNODE2', 'manual'],
      ['alwayson.enable', 'manual'],
    ]);

    saveDmkPassword(f.rt, ctx.deploymentId, LAB_DMK_PASSWORD);
    const ran = await applyPlan(ctx);
    expect(ran.ops.map((o) => o.id)).toEqual(['listener.add', 'dmk.add:SQLNODE2']);

    await f.control('/dba/enable-always-on-support', {});
    checks = await step.probe(ctx);
    expect(checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.evidence}`)).toEqual([]);
    expect(step.plan(ctx, checks)).toEqual([]);
  }, 60_000);
});
