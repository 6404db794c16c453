// Adopting an existing deployment: "Re-check all" on a half-built setup (the lab's half-done
// scenario: AG with listener, cluster role online, SQLNODE2's settings still naming itself, no
// logging across replicas, workers not attached) marks the steps already done as verified and
// the rest as needing work, each from live probes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getStepStatuses } from '@/lib/store/repo';
import { startLabFixture, type LabFixture } from './lab-fixture.test-helper';
import { STEPS } from './registry';
import { probeAllSteps } from './service';

let fx: LabFixture;
beforeAll(async () => {
  fx = await startLabFixture('adopt', { workers: 1 });
}, 120_000);
afterAll(async () => fx?.close(), 60_000);

describe('adopting a half-built setup', () => {
  it('Re-check all probes all nine steps and shows which are already done', async () => {
    const ctx = await fx.use('half-done');
    const results = await probeAllSteps(fx.rt, ctx.deploymentId);
    expect(results.map((r) => r.slug).sort()).toEqual(STEPS.map((s) => s.slug).sort());
    expect(results.filter((r) => r.error)).toEqual([]);
    const statuses = getStepStatuses(fx.rt.db, ctx.deploymentId);
    // Done by hand in half-done: the cluster and Always On, both masters with the shared
    // certificate, the role; not yet: settings through the listener on SQLNODE2, the logging
    // login on the secondary, the master address, the worker.
    expect(statuses.prereqs).toBe('verified');
    expect(statuses['cluster-role']).toBe('verified');
    expect(statuses.config).not.toBe('verified');
    expect(statuses.logging).not.toBe('verified');
    expect(statuses['master-address']).not.toBe('verified');
    expect(statuses.workers).not.toBe('verified');
    for (const r of results) expect(r.checks).toBeGreaterThan(0);
  }, 300_000);
});
