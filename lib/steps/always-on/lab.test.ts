// The step against the built-in lab (real TDS, the lab's SQL semantics), scenario by scenario.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_DMK_PASSWORD } from '@/lib/lab/sql';
import { errors, query as labQuery } from '@/lib/lab/sql/test-helpers';
import type { Check } from '@/lib/engine/types';
import { applyContext, applyPlan, byId, labSession, startFixture, statuses, type Fixture } from './lab.test-helper';
import { step, saveDmkPassword } from './index';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
}, 60_000);
afterAll(async () => {
  await f?.close();
});

const credentials = (instance: string) => labQuery(f.lab.engine, labSession(f.lab, instance), 'SELECT credential_id FROM sys.master_key_passwords').length;

/** Always On support ran on every replica: the startup procedure is there, auto-executed. */
function expectStartupPass(checks: Check[]) {
  for (const n of ['SQLNODE1', 'SQLNODE2']) {
    const c = byId(checks, `alwayson.startup:${n}`);
    expect(c.status).toBe('pass');
    expect(c.evidence).toBe(`master.sys.procedures on ${n}: sp_ssis_startup, is_auto_executed = 1.`);
  }
}

describe('always-on step on the lab', () => {
  it("half-done: the group, listener and Always On support pass; nothing to do", async () => {
    const ctx = await f.use('half-done');
    const checks = await step.probe(ctx);
    expect(statuses(checks)).toMatchObject({
      'ag.exists': 'pass', 'ag.primary': 'pass', 'ag.ssisdb': 'pass',
      'listener.exists': 'pass', 'listener.port': 'pass', 'listener.routes': 'pass', 'alwayson.support': 'pass',
      'replica:SQLNODE1': 'pass', 'replica.health:SQLNODE1': 'pass', 'ssisdb.sync:SQLNODE1': 'pass', 'dmk:SQLNODE1': 'pass',
      'replica:SQLNODE2': 'pass', 'replica.health:SQLNODE2': 'pass', 'ssisdb.sync:SQLNODE2': 'pass',
      // The credential is tied to SSISDB through sys.database_recovery_status.family_guid.
      'dmk:SQLNODE2': 'pass',
    });
    expect(byId(checks, 'ag.primary').target).toBe('SQLNODE1');
    expect(byId(checks, 'listener.routes').evidence).toBe('@@SERVERNAME through SSISLISTENER: SQLNODE1; primary replica: SQLNODE1.');
    expect(byId(checks, 'alwayson.support').evidence).toBe('SSISDB.catalog.alwayson_replicas on SQLNODE1: SQLNODE1 (state 1), SQLNODE2 (state 2).');
    expect(byId(checks, 'dmk:SQLNODE2').evidence).toMatch(/^sys\.master_key_passwords on SQLNODE2: credential_id 65536 \(family [0-9A-F-]{36}\)/);
    expectStartupPass(checks);
    expect(new Set(checks.map((c) => c.id)).size).toBe(checks.length);
    expect(step.plan(ctx, checks)).toEqual([]);
  });

  it('half-done after a failover: the listener follows, and the old primary now needs the master key password', async () => {
    const ctx = await f.use('half-done');
    await f.control('/failover', { to: 'SQLNODE2' });
    const checks = await step.probe(ctx);
    expect(byId(checks, 'ag.primary')).toMatchObject({ status: 'pass', target: 'SQLNODE2' });
    expect(byId(checks, 'listener.routes')).toMatchObject({ status: 'pass', evidence: expect.stringContaining('through SSISLISTENER: SQLNODE2') });
    expect(byId(checks, 'dmk:SQLNODE1')).toMatchObject({ status: 'fail', evidence: expect.stringContaining('sys.master_key_passwords on SQLNODE1: none') });
    const ops = step.plan(ctx, checks);
    expect(ops.map((o) => [o.id, o.kind])).toEqual([['dmk.add:SQLNODE1', 'manual']]);
  });

  it('fresh: no availability group, so creating it is a manual operation', async () => {
    const ctx = await f.use('fresh');
    const checks = await step.probe(ctx);
    expect(byId(checks, 'ag.exists')).toMatchObject({ status: 'fail', evidence: 'No availability group SSISDB-AG in sys.availability_groups on SQLNODE1, SQLNODE2.' });
    expect(byId(checks, 'dmk:SQLNODE1').status).toBe('pass');
    expect(byId(checks, 'dmk:SQLNODE2').evidence).toContain('SSISDB is not on SQLNODE2 yet');
    const ops = step.plan(ctx, checks);
    expect(ops.map((o) => [o.id, o.kind])).toEqual([['ag.create', 'manual'], ['alwayson.enable', 'manual']]);
    expect(ops[0]?.script).toContain('"Full database and log backup"');
    await expect(step.apply(ctx, ops[0]!, applyContext())).rejects.toThrow(/manual operation/);
  });

  it('misconfigured: the listener has no port; MODIFY LISTENER on the primary fixes it, and applying twice changes nothing', async () => {
    const ctx = await f.use('misconfigured');
    const checks = await step.probe(ctx);
    expect(byId(checks, 'listener.port')).toMatchObject({ status: 'fail', evidence: expect.stringContaining('port NULL') });
    // SQLNODE2 is Windows-authentication only: its own reads fail, the primary still reports on it.
    expect(byId(checks, 'dmk:SQLNODE2')).toMatchObject({ status: 'unknown', evidence: expect.stringMatching(/^SQLNODE2: Login to sqlnode2\.lab\.example failed/) });
    expect(byId(checks, 'replica.health:SQLNODE2').status).toBe('pass');
    const first = await applyPlan(ctx);
    expect(first.ops.map((o) => [o.id, o.target, o.script])).toEqual([
      ['listener.port', 'SQLNODE1', "ALTER AVAILABILITY GROUP [SSISDB-AG] MODIFY LISTENER N'SSISLISTENER' (PORT = 1433);"],
    ]);
    expect(first.results).toEqual(['Listener SSISLISTENER now has port 1433.']);
    expect(f.lab.engine.listener('SSISLISTENER')?.port).toBe(1433);
    const again = await step.probe(ctx);
    expect(byId(again, 'listener.port').status).toBe('pass');
    expect(step.plan(ctx, again)).toEqual([]);
    // The same operation once more: it looks first and leaves the group alone.
    const before = JSON.stringify(f.lab.engine.snapshot());
    expect(await step.apply(ctx, first.ops[0]!, applyContext())).toBe('SSISLISTENER already has port 1433: nothing to do.');
    expect(JSON.stringify(f.lab.engine.snapshot())).toBe(before);
  });

  it('misconfigured: a missing master key password on the secondary is registered from the stored secret, once', async () => {
    const ctx = await f.use('misconfigured');
    // What the logging step does first: mixed mode on SQLNODE2 (registry, then a restart).
    const w = f.lab.engine.authenticateWindows('SQLNODE2', 'LAB\\sqladmin', 'master');
    if (!w.ok) throw new Error('windows login');
    f.lab.engine.batch('SQLNODE2', "EXEC xp_instance_regwrite N'HKEY_LOCAL_MACHINE', N'Software\\Microsoft\\MSSQLServer\\MSSQLServer', N'LoginMode', REG_DWORD, 2", w.session);
    f.lab.engine.setInstanceRunning('SQLNODE2', false);
    f.lab.engine.setInstanceRunning('SQLNODE2', true);
    // The scenario's credential holds a wrong password, which no catalog view shows: it reads as present.
    expect(byId(await step.probe(ctx), 'dmk:SQLNODE2').status).toBe('pass');
    f.lab.engine.db.prepare('DELETE FROM lab_sql_master_key_passwords WHERE instance = ?').run('SQLNODE2');

    const missing = await step.probe(ctx);
    expect(byId(missing, 'dmk:SQLNODE2')).toMatchObject({ status: 'fail', evidence: expect.stringContaining('sys.master_key_passwords on SQLNODE2: none') });
    expect(step.plan(ctx, missing).find((o) => o.id === 'dmk.add:SQLNODE2')?.kind).toBe('manual');

    saveDmkPassword(f.rt, ctx.deploymentId, LAB_DMK_PASSWORD);
    const op = step.plan(ctx, missing).find((o) => o.id === 'dmk.add:SQLNODE2');
    expect(op).toMatchObject({ kind: 'tsql', target: 'SQLNODE2' });
    expect(op?.script).not.toContain(LAB_DMK_PASSWORD);
    expect(await step.apply(ctx, op!, applyContext())).toBe('The SSISDB master key password is registered on SQLNODE2.');
    expect(byId(await step.probe(ctx), 'dmk:SQLNODE2').status).toBe('pass');
    expect(credentials('SQLNODE2')).toBe(1);
    expect(await step.apply(ctx, op!, applyContext())).toBe('SQLNODE2 already holds this SSISDB master key password: nothing to do.');
    expect(credentials('SQLNODE2')).toBe(1);

    // The proof: after a failover SQLNODE2 opens the key (a wrong password fails with 15581).
    f.lab.engine.failover('SSISDB-AG', 'SQLNODE2');
    const s = f.lab.engine.authenticateWindows('SQLNODE2', 'LAB\\sqladmin', 'SSISDB');
    if (!s.ok) throw new Error('windows login');
    const items = f.lab.engine.batch('SQLNODE2', "EXEC catalog.update_logdb_info @server_name = N'SSISLISTENER,1433', @connection_string = N'x'", s.session).items;
    expect(errors(items)).toEqual([]);
  });

  it('a group without a listener gets ADD LISTENER on the primary; applying twice changes nothing', async () => {
    const ctx = await f.use('half-done');
    f.lab.engine.db.prepare('DELETE FROM lab_sql_ag_listener_ips').run();
    f.lab.engine.db.prepare('DELETE FROM lab_sql_ag_listeners').run();
    const checks = await step.probe(ctx);
    expect(statuses(checks)).toMatchObject({ 'listener.exists': 'fail', 'listener.port': 'fail', 'listener.routes': 'fail' });
    expect(byId(checks, 'listener.exists').evidence).toContain('Subnet masks from sys.dm_hadr_cluster_networks: 10.10.0.50 255.255.255.0.');
    const { ops, results } = await applyPlan(ctx);
    expect(ops.map((o) => [o.id, o.target, o.script])).toEqual([
      ['listener.add', 'SQLNODE1', "ALTER AVAILABILITY GROUP [SSISDB-AG] ADD LISTENER N'SSISLISTENER' (WITH IP ((N'10.10.0.50', N'255.255.255.0')), PORT = 1433);"],
    ]);
    expect(results).toEqual(['Listener SSISLISTENER added on port 1433.']);
    const after = await step.probe(ctx);
    expect(statuses(after)).toMatchObject({ 'listener.exists': 'pass', 'listener.port': 'pass', 'listener.routes': 'pass' });
    expect(await step.apply(ctx, ops[0]!, applyContext())).toBe('SSISLISTENER already exists on SSISDB-AG (port 1433): nothing to do.');
  });

  it('an instance that cannot be reached gives unknown checks naming the error', async () => {
    const ctx = await f.use('half-done');
    await f.control('/instances/SQLNODE2/stop');
    try {
      const checks = await step.probe(ctx);
      for (const id of ['dmk:SQLNODE2', 'alwayson.startup:SQLNODE2']) {
        expect(byId(checks, id)).toMatchObject({ status: 'unknown', evidence: expect.stringMatching(/^SQLNODE2: /) });
      }
      // The primary still reports what it sees of that replica.
      expect(byId(checks, 'replica.health:SQLNODE2')).toMatchObject({ status: 'fail', evidence: expect.stringContaining('DISCONNECTED') });
      expect(byId(checks, 'ag.primary')).toMatchObject({ status: 'pass', target: 'SQLNODE1' });
    } finally {
      await f.control('/instances/SQLNODE2/start');
    }
  });
});
