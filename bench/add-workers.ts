// Adding workers (step 9, lib/steps/workers): steps 5–8 applied first, untimed, so the master side
// works (as in lib/drill/drill.lab.test.ts); then step 9's probe, plan and apply, timed.
import { applyStep } from '@/lib/steps/lab-fixture.test-helper';
import { STEP_MODULES } from '@/lib/steps/modules';
import type { StepContext } from '@/lib/steps/context';
import type { StepSlug } from '@/lib/steps/registry';
import type { LabDeployment, Traffic } from './lab-deployment';
import { trafficDelta, wizardCpuSince, type TrafficDelta } from './recheck-all';

/** Steps 5–8 in the order the drill test applies them. */
export const MASTER_SIDE: StepSlug[] = ['config', 'logging', 'cluster-role', 'master-address'];

function module(slug: StepSlug) {
  const step = STEP_MODULES[slug];
  if (!step) throw new Error(`step ${slug} is not registered`);
  return step;
}

export async function applyMasterSide(ctx: StepContext): Promise<void> {
  for (const slug of MASTER_SIDE) await applyStep(module(slug), ctx);
}

export type AddWorkersRun = { wallMs: number; labCpuS: number; wizardCpuS: number; ops: string[]; failing: string[]; traffic: TrafficDelta };

/** Step 9 from its probe to its last operation; then one more probe (untimed) to see that it took. */
export async function addWorkers(d: LabDeployment, ctx: StepContext): Promise<AddWorkersRun> {
  const step = module('workers');
  const before: Traffic = await d.traffic();
  const cpu0 = d.labCpuSeconds();
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  const { ops } = await applyStep(step, ctx);
  const wallMs = performance.now() - t0;
  const wizardCpuS = wizardCpuSince(own0);
  const labCpuS = d.labCpuSeconds() - cpu0;
  const traffic = trafficDelta(before, await d.traffic());
  const after = await step.probe(ctx);
  const failing = after.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.evidence}`);
  return { wallMs, labCpuS, wizardCpuS, ops: ops.map((o) => o.id), failing, traffic };
}
