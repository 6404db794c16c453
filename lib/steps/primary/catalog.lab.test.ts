// Step 2's catalog part against the built-in lab (real TDS, the lab's SQL semantics; the node's
// checks through the lab's WinRM): from fresh, SSISDB was created without Scale Out, the plan
// enables it once, and nothing is planned (or run) again afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '@/lib/engine/types';
import { LAB_SQL_LOGINS } from '@/lib/lab/sql';
import { query as labQuery } from '@/lib/lab/sql/test-helpers';
import type { StepContext } from '../context';
import { applyContext, byId, labSession, startLabFixture, type LabFixture } from '../lab-fixture.test-helper';
import { step } from './index';

let f: LabFixture;
beforeAll(async () => {
  f = await startLabFixture('primary-catalog', { scenario: 'fresh' });
}, 120_000);
afterAll(async () => {
  await f?.close();
}, 60_000);

const CHECK = 'scaleout-enabled@SQLNODE1';
const LOGIN = '##MS_SSISLogDBWorkerAgentLogin##';
const scaleOutEnabled = (instance = 'SQLNODE1') =>
  labQuery(f.lab.engine, labSession(f.lab, instance, 'SSISDB'), "SELECT property_value FROM catalog.master_properties WHERE property_name = N'IS_SCALEOUT_ENABLED'")[0]?.[0];
const loginSid = () => labQuery(f.lab.engine, labSession(f.lab, 'SQLNODE1'), `SELECT sid FROM sys.server_principals WHERE name = N'${LOGIN}'`)[0]?.[0];
const notPassing = (checks: Check[]) => checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.status}: ${c.evidence}`);

/** The same deployment signing in to SQL Server as another lab login. */
function as(ctx: StepContext, user: string, password: string): StepContext {
  return { ...ctx, inventory: { ...ctx.inventory, sqlUser: user }, sql: (host, db) => ({ ...ctx.sql(host, db), auth: { kind: 'sql', user, password } }) };
}

describe('step 2 enables Scale Out in the catalog (lab)', () => {
  it('fresh: the check fails on IS_SCALEOUT_ENABLED = FALSE, the plan runs enable_scaleout once, then nothing is planned or run again', async () => {
    const ctx = await f.use('fresh');
    expect(scaleOutEnabled()).toBe('FALSE');
    expect(loginSid()).toBeUndefined();

    const checks = await step.probe(ctx);
    expect(notPassing(checks)).toEqual([`${CHECK}: fail: SSISDB.catalog.master_properties on SQLNODE1: IS_SCALEOUT_ENABLED = 'FALSE'.`]);
    expect(byId(checks, CHECK).remediation).toContain('EXEC SSISDB.catalog.enable_scaleout;');

    const ops = step.plan(ctx, checks);
    expect(ops.map((o) => [o.id, o.target, o.kind, o.risk])).toEqual([['enable-scaleout@SQLNODE1', 'SQLNODE1', 'tsql', 'medium']]);
    expect(ops[0]!.script.split('\n').at(-1)).toBe('EXEC SSISDB.catalog.enable_scaleout;');

    const run = applyContext();
    const result = await step.apply(ctx, ops[0]!, run);
    expect(result).toBe(
      "Scale Out is enabled in SSISDB on SQLNODE1 (it was 'FALSE'). ##MS_SSISLogDBWorkerAgentLogin## exists there now with a random password; step 6 gives it one the wizard keeps.",
    );
    expect(run.lines).toEqual([`SQLNODE1: EXEC SSISDB.catalog.enable_scaleout; on SQLNODE1: it creates ${LOGIN} with a new SID and a random password.`]);
    expect(scaleOutEnabled()).toBe('TRUE');
    const sid = loginSid();
    expect(sid).toBeInstanceOf(Buffer);

    const again = await step.probe(ctx);
    expect(notPassing(again)).toEqual([]);
    expect(byId(again, CHECK).evidence).toBe("SSISDB.catalog.master_properties on SQLNODE1: IS_SCALEOUT_ENABLED = 'TRUE'.");
    expect(step.plan(ctx, again)).toEqual([]);

    // The same operation applied a second time (a stale plan) reads first and runs nothing: the
    // logging login keeps its SID.
    expect(await step.apply(ctx, ops[0]!, applyContext())).toBe("Scale Out is already enabled in SSISDB on SQLNODE1 (IS_SCALEOUT_ENABLED = 'TRUE'): catalog.enable_scaleout was not run again.");
    expect(loginSid()).toEqual(sid);
  }, 300_000);

  it('misconfigured and half-done: already enabled, so the check passes and nothing is planned for the catalog', async () => {
    for (const scenario of ['half-done', 'misconfigured'] as const) {
      const ctx = await f.use(scenario);
      const checks = await step.probe(ctx);
      expect(byId(checks, CHECK)).toMatchObject({ status: 'pass', evidence: "SSISDB.catalog.master_properties on SQLNODE1: IS_SCALEOUT_ENABLED = 'TRUE'." });
      expect(step.plan(ctx, checks).filter((o) => o.id.startsWith('enable-scaleout'))).toEqual([]);
    }
  }, 300_000);

  it('after a failover the primary node holds a secondary replica: the value is read on the AG primary', async () => {
    const ctx = await f.use('half-done');
    await f.control('/failover', { to: 'SQLNODE2' });
    const checks = await step.probe(ctx);
    expect(byId(checks, CHECK)).toMatchObject({
      status: 'pass',
      target: 'SQLNODE2',
      evidence: "SSISDB.catalog.master_properties on SQLNODE2 (the primary replica of SSISDB-AG; SSISDB on SQLNODE1 is a secondary replica): IS_SCALEOUT_ENABLED = 'TRUE'.",
    });
    expect(step.plan(ctx, checks).filter((o) => o.id.startsWith('enable-scaleout'))).toEqual([]);
  }, 300_000);

  it('a caller without sysadmin: enable_scaleout fails with 27260, naming the instance and the operation', async () => {
    const admin = await f.use('fresh');
    const [op] = step.plan(admin, await step.probe(admin));
    const reader = as(admin, LAB_SQL_LOGINS.reader.user, LAB_SQL_LOGINS.reader.password);
    const err = await step.apply(reader, op!, applyContext()).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/^catalog\.enable_scaleout on SQLNODE1 failed with error 27260: the wizard's SQL login labreader is not a member of sysadmin on SQLNODE1/);
    expect(err?.message).toContain('Only sysadmin members can enable Scale Out');
    expect(err?.message).not.toContain(LAB_SQL_LOGINS.reader.password);
    expect(scaleOutEnabled()).toBe('FALSE');
  }, 300_000);

  it('no Scale Out Master feature on the SQL host: 27261, naming the instance and what to install', async () => {
    const ctx = await f.use('fresh');
    const [op] = step.plan(ctx, await step.probe(ctx));
    f.lab.engine.setScaleOutMasterInstalled('SQLNODE1', false);
    await expect(step.apply(ctx, op!, applyContext())).rejects.toThrow(
      /^catalog\.enable_scaleout on SQLNODE1 failed with error 27261: the Scale Out Master feature is not installed on the computer that hosts SQLNODE1 .*Install it there with SQL Server Setup/,
    );
    expect(scaleOutEnabled()).toBe('FALSE');
  }, 300_000);

  it('no SSISDB on the primary (the catalog made on another node): a failing check and the manual Create Catalog, no T-SQL', async () => {
    const base = await f.use('fresh');
    // SQLNODE2 as the primary: the fresh lab created SSISDB on SQLNODE1 only.
    const ctx: StepContext = { ...base, inventory: { ...base.inventory, masters: [...base.inventory.masters].reverse() } };
    const checks = await step.probe(ctx);
    expect(byId(checks, 'scaleout-enabled@SQLNODE2')).toMatchObject({ status: 'fail', evidence: 'sys.databases on SQLNODE2: no SSISDB database.' });
    const ops = step.plan(ctx, checks);
    expect(ops.map((o) => [o.id, o.kind])).toEqual([['create-catalog@SQLNODE2', 'manual']]);
    expect(ops[0]!.script).toContain('Tick "Enable this server as SSIS scale out master"');
  }, 300_000);
});
