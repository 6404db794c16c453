// Steps 2 and 3 through the whole lab: a saved deployment, createStepContext, lib/winrm over
// WS-Management to the lab's WinRM servers, real pwsh behind them. It runs once the lab's WinRM
// executor starts its PowerShell with the simulated Windows (lib/lab/windows-side.ts);
// until then the same flows run through pwsh directly (*.lab.test.ts).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '@/lib/auth/secret-box';
import { saveDeployment } from '@/lib/deployments';
import type { ApplyContext, StepModule } from '@/lib/engine/types';
import { inventoryFromLab } from '@/lib/inventory/from-lab';
import { startLab, type Lab } from '@/lib/lab/lab';
import { LAB_ACCOUNTS } from '@/lib/lab/windows/scenario-parts';
import { createStepContext, type StepContext } from '@/lib/steps/context';
import { openDb } from '@/lib/store/db';
import { step as primary } from '../primary/index';
import { step as secondary } from './index';


let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function deploymentOn(scenario: 'fresh' | 'misconfigured'): Promise<{ lab: Lab; ctx: StepContext }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steps-master-lab-'));
  const lab = await startLab({ scenario, stateDir: path.join(dir, 'lab'), token: crypto.randomBytes(16).toString('hex'), workers: 1, reset: true });
  const db = openDb(path.join(dir, 'wizard.db'));
  const rt = { db, box: new SecretBox(crypto.randomBytes(32)) };
  const inventory = {
    ...inventoryFromLab(lab.endpoints),
    masterAccount: 'LAB\\svc-ssismaster',
    masterAccountPassword: LAB_ACCOUNTS.find((a) => a.name === 'svc-ssismaster')!.password,
  };
  const ctx = createStepContext(rt, saveDeployment(rt, null, inventory).id);
  cleanup.push(async () => {
    await ctx.close();
    await lab.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { lab, ctx };
}

const run: ApplyContext = { log: () => undefined, signal: new AbortController().signal };

async function applyPlan(step: StepModule<StepContext>, ctx: StepContext) {
  const ops = step.plan(ctx, await step.probe(ctx));
  for (const op of ops.filter((o) => o.kind !== 'manual')) await step.apply(ctx, op, run);
  return ops;
}

describe('steps 2 and 3 through the lab (WinRM)', () => {
  it('fresh: step 3 passes; step 2 only lacks Scale Out in the catalog, and after its plan both pass with empty plans', async () => {
    const { ctx } = await deploymentOn('fresh');
    const before = await primary.probe(ctx);
    expect(before.filter((c) => c.status !== 'pass').map((c) => c.id)).toEqual(['scaleout-enabled@SQLNODE1']);
    expect((await applyPlan(primary, ctx)).map((o) => o.id)).toEqual(['enable-scaleout@SQLNODE1']);
    for (const step of [primary, secondary]) {
      const checks = await step.probe(ctx);
      expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
      expect(step.plan(ctx, checks)).toEqual([]);
    }
  }, 240_000);

  it('misconfigured: every planted fault fails by name, and the plans fix them for good', async () => {
    const { ctx } = await deploymentOn('misconfigured');
    const p = await primary.probe(ctx);
    expect(p.find((c) => c.id === 'cert-covers-dns-name@SQLNODE1')).toMatchObject({ status: 'fail' });
    expect(p.find((c) => c.id === 'cert-covers-dns-name@SQLNODE1')?.evidence).toContain('SSISMASTER is not among them');
    await applyPlan(primary, ctx);

    const s = await secondary.probe(ctx);
    expect(s.find((c) => c.id === 'cert-bound@SQLNODE2')?.status).toBe('fail');
    expect(s.find((c) => c.id === 'master-account@SQLNODE2')?.evidence).toContain('NT Service\\SSISScaleOutMaster160');
    const ops = await applyPlan(secondary, ctx);
    expect(ops.length).toBeGreaterThan(0);

    for (const step of [primary, secondary]) {
      const checks = await step.probe(ctx);
      expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
      expect(step.plan(ctx, checks)).toEqual([]);
    }
    // Applying the secondary's operations again changes nothing.
    for (const op of ops.filter((o) => o.id !== 'restart@SQLNODE2')) expect(String(await secondary.apply(ctx, op, run))).toMatch(/already/);
  }, 480_000);
});
