// The step against the built-in lab: real TDS to the instances, WinRM to the nodes, and a real
// TLS handshake with the lab's master endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query as labQuery } from '@/lib/lab/sql/test-helpers';
import { applyContext, applyPlan, byId, labSession, startFixture, statuses, type Fixture } from './lab.test-helper';
import { step } from './index';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture('master-address');
}, 90_000);
afterAll(async () => {
  await f?.close();
});

const masterAddress = (instance: string) =>
  labQuery(f.lab.engine, labSession(f.lab, instance, 'SSISDB'), "SELECT property_value FROM catalog.master_properties WHERE property_name = N'MASTER_ADDRESS'");

describe('master-address step on the lab', () => {
  it('half-done: the address names a node; update_master_address fixes it, the endpoint serves the shared certificate, and applying twice changes nothing', async () => {
    const ctx = await f.use('half-done');
    const checks = await step.probe(ctx);
    expect(statuses(checks)).toEqual({ 'master.address': 'fail', 'master.endpoint': 'pass', 'master.certificate': 'pass' });
    expect(byId(checks, 'master.address')).toMatchObject({
      target: 'SQLNODE1',
      evidence: "SSISDB.catalog.master_properties on SQLNODE1 (the primary replica of SSISDB-AG): MASTER_ADDRESS = 'https://SQLNODE1:8391', not 'https://SSISMASTER:8391'.",
    });
    const cert = byId(checks, 'master.certificate');
    // Evidence is what the handshake showed: thumbprint, names, and the thumbprint bound on each node.
    const thumb = /served ([0-9A-F]{40}) /.exec(cert.evidence)?.[1];
    expect(thumb).toBeDefined();
    expect(cert.evidence).toContain(`Bound on 0.0.0.0:8391: SQLNODE1 ${thumb}, SQLNODE2 ${thumb}.`);
    expect(cert.evidence).toMatch(/; self-signed; names SSISMASTER, ssismaster\.lab\.test, SQLNODE1, /);
    expect(cert.evidence).toContain('It covers SSISMASTER');
    // The lab's master certificate is self-signed: trusted as the shared one, not by the lab CA.
    expect(cert.evidence).toContain("not trusted by the deployment's trust settings (DEPTH_ZERO_SELF_SIGNED_CERT)");

    const first = await applyPlan(step, ctx);
    expect(first.ops.map((o) => [o.id, o.target, o.kind])).toEqual([['master.address.set', 'SQLNODE1', 'tsql']]);
    expect(first.ops[0]?.script).toBe("USE [SSISDB];\nEXEC catalog.update_master_address @MasterAddress = @a;\n-- @a = N'https://SSISMASTER:8391'");
    expect(first.results).toEqual(['MASTER_ADDRESS on SQLNODE1 is now https://SSISMASTER:8391 (was https://SQLNODE1:8391).']);
    expect(masterAddress('SQLNODE1')).toEqual([['https://SSISMASTER:8391']]);

    const after = await step.probe(ctx);
    expect(statuses(after)).toEqual({ 'master.address': 'pass', 'master.endpoint': 'pass', 'master.certificate': 'pass' });
    expect(step.plan(ctx, after)).toEqual([]);
    const before = JSON.stringify(f.lab.engine.snapshot());
    expect(await step.apply(ctx, first.ops[0]!, applyContext())).toBe('MASTER_ADDRESS on SQLNODE1 is already https://SSISMASTER:8391: nothing to do.');
    expect(JSON.stringify(f.lab.engine.snapshot())).toBe(before);
  }, 120_000);

  it('half-done after an AG failover: the address is read and written on the new primary', async () => {
    const ctx = await f.use('half-done');
    await f.control('/failover', { to: 'SQLNODE2' });
    const checks = await step.probe(ctx);
    expect(byId(checks, 'master.address')).toMatchObject({ status: 'fail', target: 'SQLNODE2' });
    const { results } = await applyPlan(step, ctx);
    expect(results).toEqual(['MASTER_ADDRESS on SQLNODE2 is now https://SSISMASTER:8391 (was https://SQLNODE1:8391).']);
    expect(byId(await step.probe(ctx), 'master.address').status).toBe('pass');
  }, 120_000);

  it('misconfigured: the wrong master address fails by name and is fixed; the endpoint without a role is a manual operation', async () => {
    const ctx = await f.use('misconfigured');
    const checks = await step.probe(ctx);
    // The documented mistake: the AG listener's name instead of the master role's.
    expect(byId(checks, 'master.address')).toMatchObject({
      status: 'fail',
      title: 'catalog.master_properties MASTER_ADDRESS is https://SSISMASTER:8391',
      evidence: expect.stringContaining("MASTER_ADDRESS = 'https://SSISLISTENER:8391', not 'https://SSISMASTER:8391'"),
    });
    expect(byId(checks, 'master.endpoint')).toMatchObject({ status: 'fail', evidence: expect.stringMatching(/^Connecting to SSISMASTER:8391 \(connected to 127\.0\.0\.1:\d+\): ECONNREFUSED/) });
    expect(byId(checks, 'master.certificate').status).toBe('fail');
    const ops = step.plan(ctx, checks);
    expect(ops.map((o) => [o.id, o.kind])).toEqual([['master.address.set', 'tsql'], ['master.endpoint.online', 'manual']]);
    expect(ops[1]?.script).toContain('Step 7 (cluster role)');
    await expect(step.apply(ctx, ops[1]!, applyContext())).rejects.toThrow(/manual operation/);
    await applyPlan(step, ctx);
    const after = await step.probe(ctx);
    expect(byId(after, 'master.address').status).toBe('pass');
    expect(step.plan(ctx, after).map((o) => o.id)).toEqual(['master.endpoint.online']);
  }, 120_000);
});
