import 'server-only';
import { getJob, jobOperations, latestJob, eventsSince } from '@/lib/engine/jobs';
import { startApply } from '@/lib/engine/runner';
import { maskSecrets, stepStatusFrom } from '@/lib/engine/status';
import type { Check, JobEvent, Operation } from '@/lib/engine/types';
import type { Runtime } from '@/lib/runtime';
import { onStepVerified } from '@/lib/runbook/chromium';
import { recordChecks } from '@/lib/runbook/history';
import { audit, getStepState, getStepStatuses, setStepStatus } from '@/lib/store/repo';
import { createStepContext } from './context';
import { STEP_MODULES } from './modules';
import type { StepSlug } from './registry';

export type StepView = {
  implemented: boolean;
  checks: Check[];
  checkedAt: string | null;
  plan: Operation[];
  job: JobViewData | null;
};

export type JobViewData = {
  id: string;
  status: 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
  message: string | null;
  operations: { summary: string; target: string; status: 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'interrupted'; result: string | null }[];
  log: Extract<JobEvent, { type: 'log' }>[];
  lastSeq: number;
};

/** What the step page shows: the last checks read, the plan they imply, and the last job. */
export function getStepView(rt: Pick<Runtime, 'db' | 'box'>, deploymentId: string, slug: StepSlug): StepView {
  const step = STEP_MODULES[slug];
  const row = getStepState(rt.db, deploymentId, slug);
  const checks = row?.checks ?? [];
  let plan: Operation[] = [];
  if (step && checks.length) {
    const ctx = createStepContext(rt, deploymentId);
    plan = step.plan(ctx, checks);
  }
  const job = latestJob(rt.db, deploymentId, slug);
  return {
    implemented: !!step,
    checks,
    checkedAt: row?.checks ? row.updatedAt : null,
    plan,
    job: job ? jobView(rt, job.id) : null,
  };
}

export function jobView(rt: Pick<Runtime, 'db'>, jobId: string): JobViewData | null {
  const job = getJob(rt.db, jobId);
  if (!job) return null;
  const events = eventsSince(rt.db, jobId, 0);
  return {
    id: job.id,
    status: job.status,
    message: job.message,
    operations: jobOperations(rt.db, jobId).map((o) => ({ summary: o.op.summary, target: o.op.target, status: o.status, result: o.result })),
    log: events.filter((e): e is Extract<JobEvent, { type: 'log' }> => e.type === 'log'),
    lastSeq: events.at(-1)?.seq ?? 0,
  };
}

/** Reads every node again (read-only), records what is true, and returns the plan it implies. */
export async function probeStep(rt: Pick<Runtime, 'db' | 'box'>, deploymentId: string, slug: StepSlug): Promise<{ checks: Check[]; plan: Operation[] }> {
  const step = STEP_MODULES[slug];
  if (!step) return { checks: [], plan: [] };
  const ctx = createStepContext(rt, deploymentId);
  try {
    const secrets = ctx.secretValues();
    const checks = (await step.probe(ctx)).map((c) => ({ ...c, evidence: maskSecrets(c.evidence, secrets) }));
    const plan = step.plan(ctx, checks);
    const was = getStepStatuses(rt.db, deploymentId)[slug];
    const status = stepStatusFrom(checks, plan);
    setStepStatus(rt.db, deploymentId, slug, status, JSON.stringify(checks));
    // The runbook: what each probe read (checks before a job), and a screenshot when it turns verified.
    recordChecks(rt, deploymentId, slug, 'probe', checks, secrets);
    if (status === 'verified' && was !== 'verified') onStepVerified(rt, deploymentId, slug);
    return { checks, plan };
  } finally {
    await ctx.close();
  }
}

export type StartApplyResult = { ok: true; jobId: string } | { ok: false; message: string };

/**
 * Probes again (the plan shown may be stale), checks the typed confirmations of risky
 * operations, and starts the job. Manual operations are the DBA's: the job runs the rest.
 */
export async function startStepApply(
  rt: Pick<Runtime, 'db' | 'box'>,
  deploymentId: string,
  slug: StepSlug,
  actor: string,
  confirmations: string[],
): Promise<StartApplyResult> {
  const step = STEP_MODULES[slug];
  if (!step) return { ok: false, message: 'This step cannot be applied by the wizard yet.' };
  const running = latestJob(rt.db, deploymentId, slug);
  if (running?.status === 'running') return { ok: false, message: 'A job for this step is already running.' };
  const { plan } = await probeStep(rt, deploymentId, slug);
  const operations = plan.filter((op) => op.kind !== 'manual');
  if (operations.length === 0) return { ok: false, message: 'Nothing to apply: the checks pass, or what remains is manual.' };
  const risky = operations.filter((op) => op.confirmPhrase);
  if (risky.some((op, i) => confirmations[i] !== op.confirmPhrase)) {
    return { ok: false, message: 'The plan changed or a confirmation was not typed exactly: review the plan and confirm again.' };
  }
  const ctx = createStepContext(rt, deploymentId);
  const { job, done } = startApply({ db: rt.db, deploymentId, module: step, ctx, actor, operations, secrets: ctx.secretValues() });
  audit(rt.db, { actor, action: `apply:${slug}:start`, target: `deployment/${deploymentId}`, result: 'started', detail: `${operations.length} operation(s), job ${job.id}` });
  void done
    .then(() => {
      // The runbook: the checks the engine's verify recorded (after the job), and the screenshot.
      const row = getStepState(rt.db, deploymentId, slug);
      if (row?.checks) recordChecks(rt, deploymentId, slug, 'verify', row.checks, ctx.secretValues());
      if (row?.status === 'verified') onStepVerified(rt, deploymentId, slug, actor);
    })
    .finally(() => ctx.close());
  return { ok: true, jobId: job.id };
}

/** "Re-check all": every step with live probes, all at once (each probes its nodes in parallel). */
export async function probeAllSteps(rt: Pick<Runtime, 'db' | 'box'>, deploymentId: string): Promise<{ slug: StepSlug; checks: number; failing: number; error?: string }[]> {
  const slugs = Object.keys(STEP_MODULES) as StepSlug[];
  return Promise.all(
    slugs.map(async (slug) => {
      try {
        const { checks } = await probeStep(rt, deploymentId, slug);
        return { slug, checks: checks.length, failing: checks.filter((c) => c.status === 'fail' || c.status === 'unknown').length };
      } catch (e) {
        return { slug, checks: 0, failing: 0, error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
}
