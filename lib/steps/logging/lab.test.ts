// The step against the built-in lab (real TDS, the lab's SQL semantics), scenario by scenario.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errors, query as labQuery } from '@/lib/lab/sql/test-helpers';
import { applyContext, applyPlan, byId, labSession, startFixture, statuses, type Fixture, type LabStepContext } from '../master-address/lab.test-helper';
import { step } from './index';
import { LOGDB_SECRET } from './secret';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture('logging');
}, 90_000);
afterAll(async () => {
  await f?.close();
});

const LOGIN = '##MS_SSISLogDBWorkerAgentLogin##';
const sidOn = (instance: string) => labQuery(f.lab.engine, labSession(f.lab, instance), `SELECT sid FROM sys.server_principals WHERE name = N'${LOGIN}'`)[0]?.[0];

/** The lab's own judgement of execution logging (a worker's view: the stored connection string, signed in). */
async function labLogging(): Promise<{ ok: boolean; reason: string }> {
  const state = (await f.state()) as { physics: { logging: { ok: boolean; reason: string } } };
  return state.physics.logging;
}

/** Everything applied; the second probe passes, the plan is empty, and every operation again does nothing. */
async function applyAll(ctx: LabStepContext) {
  const first = await applyPlan(step, ctx);
  const after = await step.probe(ctx);
  expect(after.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.evidence}`)).toEqual([]);
  expect(step.plan(ctx, after)).toEqual([]);
  return first;
}

describe('logging step on the lab', () => {
  it('half-done: a new password on the primary, the login copied with its SID, logging through the listener; twice changes nothing', async () => {
    const ctx = await f.use('half-done');
    const checks = await step.probe(ctx);
    expect(statuses(checks)).toEqual({
      'login.secret': 'fail',
      'logdb.server': 'fail',
      'logdb.signin': 'fail',
      'mixed:SQLNODE1': 'pass',
      'login:SQLNODE1': 'fail',
      'mixed:SQLNODE2': 'pass',
      'login:SQLNODE2': 'fail',
    });
    expect(byId(checks, 'logdb.server').evidence).toBe(
      "SSISDB.catalog.master_properties on SQLNODE1: CLUSTER_LOGDB_SERVER = 'SQLNODE1', not 'SSISLISTENER,1433': the instance name, as catalog.enable_scaleout writes it, so workers lose logging when the AG fails over.",
    );
    expect(byId(checks, 'login:SQLNODE2').evidence).toMatch(/^sys\.sql_logins on SQLNODE2: no ##MS_SSISLogDBWorkerAgentLogin##\. ##MS_SSISLogDBWorkerAgentUser## in SSISDB has SID 0x[0-9A-F]{32}\.$/);
    expect((await labLogging()).ok).toBe(true); // enable_scaleout's own string works, until a failover

    const { ops, results } = await applyAll(ctx);
    expect(ops.map((o) => [o.id, o.target, o.kind])).toEqual([
      ['login.password', 'SQLNODE1', 'tsql'],
      ['login.sync:SQLNODE2', 'SQLNODE2', 'tsql'],
    ]);
    const secret = ctx.secret(LOGDB_SECRET);
    expect(secret).toMatch(/^.{32}$/);
    for (const o of ops) expect(o.script).not.toContain(secret!);
    expect(ops[1]?.script).toMatch(/^CREATE LOGIN \[##MS_SSISLogDBWorkerAgentLogin##\] WITH PASSWORD = N'\*{8}', SID = 0x[0-9A-F]{32}, CHECK_POLICY = OFF;\n-- Do not run catalog\.enable_scaleout again/);
    expect(results[0]).toBe('##MS_SSISLogDBWorkerAgentLogin## on SQLNODE1 has a new password (kept by the wizard); logging points at SSISLISTENER,1433.');
    expect(sidOn('SQLNODE2')).toEqual(sidOn('SQLNODE1'));
    expect(await labLogging()).toMatchObject({ ok: true, reason: expect.stringContaining("through 'SSISLISTENER,1433'") });
    const signin = byId(await step.probe(ctx), 'logdb.signin');
    expect(signin.evidence).toBe("Signed in as ##MS_SSISLogDBWorkerAgentLogin## through SSISLISTENER,1433; catalog.master_properties CLUSTER_LOGDB_SERVER = 'SSISLISTENER,1433'.");

    // Every operation once more: each looks first and leaves the servers alone.
    const before = JSON.stringify(f.lab.engine.snapshot());
    const again = [];
    for (const o of ops) again.push(await step.apply(ctx, o, applyContext()));
    expect(again).toEqual([
      'The wizard already holds a password for ##MS_SSISLogDBWorkerAgentLogin##: nothing to do.',
      expect.stringMatching(/^##MS_SSISLogDBWorkerAgentLogin## on SQLNODE2 already has SID 0x[0-9A-F]{32} and the wizard's password: nothing to do\.$/),
    ]);
    expect(JSON.stringify(f.lab.engine.snapshot())).toBe(before);

    // The point of it all: after a failover, workers still log.
    await f.control('/failover', { to: 'SQLNODE2' });
    expect(await labLogging()).toMatchObject({ ok: true });
    expect(byId(await step.probe(ctx), 'logdb.signin').status).toBe('pass');
  }, 120_000);

  it('catalog.enable_scaleout run again afterwards: the probe sees the new SID, and the plan repairs it', async () => {
    const ctx = await f.use('half-done');
    await applyAll(ctx);
    const admin = labSession(f.lab, 'SQLNODE1', 'SSISDB');
    expect(errors(f.lab.engine.batch('SQLNODE1', 'EXEC catalog.enable_scaleout', admin).items)).toEqual([]);
    await f.control('/failover', { to: 'SQLNODE2' });
    expect((await labLogging()).ok).toBe(false);
    await f.control('/failover', { to: 'SQLNODE1' });

    const checks = await step.probe(ctx);
    expect(byId(checks, 'login:SQLNODE2')).toMatchObject({ status: 'fail', evidence: expect.stringContaining('catalog.enable_scaleout was run again') });
    expect(byId(checks, 'login:SQLNODE1').evidence).toContain("not the wizard's password");
    expect(byId(checks, 'logdb.server').status).toBe('fail');
    const { ops } = await applyAll(ctx);
    expect(ops.map((o) => o.id)).toEqual(['login.sync:SQLNODE1', 'login.sync:SQLNODE2', 'logdb.update']);
    expect(ops[1]?.summary).toMatch(/^Drop and recreate ##MS_SSISLogDBWorkerAgentLogin## on SQLNODE2 with SID 0x[0-9A-F]{32}/);
    await f.control('/failover', { to: 'SQLNODE2' });
    expect(await labLogging()).toMatchObject({ ok: true });
  }, 120_000);

  it('misconfigured: SQLNODE2 refuses SQL logins; one apply turns mixed mode on over WinRM, restarts it (confirmed) and recreates its other-SID login', async () => {
    const ctx = await f.use('misconfigured');
    // SQLNODE2 takes Windows logins only: the lab's own view of the planted fault.
    const windowsSid = (instance: string) => {
      const w = f.lab.engine.authenticateWindows(instance, 'LAB\\sqladmin', 'master');
      if (!w.ok) throw new Error(`windows login on ${instance}`);
      return labQuery(f.lab.engine, w.session, `SELECT sid FROM sys.server_principals WHERE name = N'${LOGIN}'`)[0]?.[0];
    };
    expect(windowsSid('SQLNODE2')).not.toEqual(windowsSid('SQLNODE1'));

    const checks = await step.probe(ctx);
    expect(byId(checks, 'mixed:SQLNODE2')).toMatchObject({
      status: 'fail',
      evidence: expect.stringContaining('Over WinRM: HKLM:\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQLServer LoginMode = 1 (Windows authentication only); service MSSQLSERVER Running.'),
    });
    expect(byId(checks, 'login:SQLNODE2')).toMatchObject({ status: 'unknown', evidence: expect.stringContaining('cannot be read there until the instance accepts SQL logins') });
    const planned = step.plan(ctx, checks);
    expect(planned.map((o) => [o.id, o.target, o.kind, o.risk, o.confirmPhrase])).toEqual([
      ['mixed.registry:SQLNODE2', 'SQLNODE2', 'powershell', 'medium', undefined],
      ['mixed.restart:SQLNODE2', 'SQLNODE2', 'powershell', 'high', 'restart SQL Server on SQLNODE2'],
      ['login.password', 'SQLNODE1', 'tsql', 'medium', undefined],
      ['login.sync:SQLNODE2', 'SQLNODE2', 'tsql', 'medium', undefined],
    ]);
    expect(planned[0]?.script).toContain('Set-ItemProperty -LiteralPath $key -Name LoginMode -Value 2 -Type DWord');

    const { ops, results } = await applyAll(ctx);
    expect(ops.map((o) => o.id)).toEqual(planned.map((o) => o.id));
    expect(results[0]).toBe('LoginMode on SQLNODE2 is now 2 (was 1); SQL Server reads it at its next start.');
    expect(results[1]).toBe('MSSQLSERVER on SQLNODE2 restarted (Running); the instance runs in mixed mode.');
    expect(results[3]).toMatch(/^##MS_SSISLogDBWorkerAgentLogin## on SQLNODE2 recreated \(its SID was 0x[0-9A-F]{32}\), SID 0x[0-9A-F]{32}\.$/);
    expect(sidOn('SQLNODE2')).toEqual(sidOn('SQLNODE1'));
    const secret = ctx.secret(LOGDB_SECRET)!;
    for (const text of [...ops.map((o) => o.script), ...results]) expect(text).not.toContain(secret);

    // Each operation again does nothing: the restart is not repeated.
    const again = [];
    for (const o of ops) again.push(await step.apply(ctx, o, applyContext()));
    expect(again[0]).toBe('LoginMode on SQLNODE2 is already 2: nothing to do.');
    expect(again[1]).toBe('SQLNODE2 already runs in mixed mode: no restart needed.');
    // After a failover to SQLNODE2 the login opens SSISDB there (its user is not orphaned). The
    // listener of this scenario has no port yet (step 4's fault), so workers' logging is not asked.
    await f.control('/failover', { to: 'SQLNODE2' });
    const signin = f.lab.engine.authenticate('SQLNODE2', LOGIN, secret, 'SSISDB');
    expect(signin.ok).toBe(true);
    if (signin.ok) f.lab.engine.disconnect(signin.session);
  }, 180_000);

  it('misconfigured with WinRM down on SQLNODE2 as well: nothing the wizard can reach, so the manual instructions', async () => {
    const ctx = await f.use('misconfigured');
    await f.control('/hosts/SQLNODE2/down');
    try {
      const checks = await step.probe(ctx);
      expect(byId(checks, 'mixed:SQLNODE2')).toMatchObject({ status: 'unknown', evidence: expect.stringContaining('LoginMode could not be read over WinRM either') });
      expect(byId(checks, 'login:SQLNODE2').status).toBe('unknown');
      const ops = step.plan(ctx, checks);
      expect(ops.filter((o) => o.target === 'SQLNODE2').map((o) => [o.id, o.kind])).toEqual([['mixed.manual:SQLNODE2', 'manual']]);
      expect(ops.find((o) => o.id === 'mixed.manual:SQLNODE2')?.script).toContain("EXEC xp_instance_regwrite N'HKEY_LOCAL_MACHINE', N'Software\\Microsoft\\MSSQLServer\\MSSQLServer', N'LoginMode', REG_DWORD, 2;");
    } finally {
      await f.control('/hosts/SQLNODE2/up');
    }
  }, 180_000);

  it('a LoginMode changed to Windows-only in the registry is set back before a restart can apply it', async () => {
    const ctx = await f.use('half-done');
    const admin = labSession(f.lab, 'SQLNODE2');
    f.lab.engine.batch('SQLNODE2', "EXEC xp_instance_regwrite N'HKEY_LOCAL_MACHINE', N'Software\\Microsoft\\MSSQLServer\\MSSQLServer', N'LoginMode', REG_DWORD, 1", admin);
    const checks = await step.probe(ctx);
    expect(byId(checks, 'mixed:SQLNODE2')).toMatchObject({ status: 'fail', evidence: "SERVERPROPERTY('IsIntegratedSecurityOnly') on SQLNODE2 = 0; registry LoginMode = 1. The next restart turns SQL logins off." });
    const op = step.plan(ctx, checks).find((o) => o.id.startsWith('mixed.'));
    expect(op).toMatchObject({ id: 'mixed.registry:SQLNODE2', kind: 'tsql', risk: 'medium' });
    expect(await step.apply(ctx, op!, applyContext())).toBe('LoginMode on SQLNODE2 is now 2 (was 1).');
    expect(byId(await step.probe(ctx), 'mixed:SQLNODE2').status).toBe('pass');
    expect(await step.apply(ctx, op!, applyContext())).toBe('LoginMode on SQLNODE2 is already 2: nothing to do.');
  }, 120_000);
});
