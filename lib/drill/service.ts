// The failover drill as the overview runs it: a job like a step's apply (live progress, kept in
// SQLite, audited), whose operations are the three moves, and whose verify records the chain's
// checks under the subject "drill".
import 'server-only';
import { latestJob } from '@/lib/engine/jobs';
import { startApply } from '@/lib/engine/runner';
import { maskSecrets, stepStatusFrom } from '@/lib/engine/status';
import type { Check, Operation } from '@/lib/engine/types';
import type { Runtime } from '@/lib/runtime';
import { createStepContext } from '@/lib/steps/context';
import { jobView, type JobViewData } from '@/lib/steps/service';
import { audit, getDeployment, getStepState, setStepStatus } from '@/lib/store/repo';
import { DEFAULT_DRILL, DRILL_CONFIRM, drillModule, drillPlan, probeDrill } from './index';

export type DrillView = { plan: Operation[]; checks: Check[]; checkedAt: string | null; job: JobViewData | null };

export function getDrillView(rt: Pick<Runtime, 'db'>, deploymentId: string): DrillView | null {
  const d = getDeployment(rt.db, deploymentId);
  if (!d) return null;
  const state = getStepState(rt.db, deploymentId, 'drill');
  const job = latestJob(rt.db, deploymentId, 'drill');
  return { plan: drillPlan({ inventory: d.inventory }), checks: state?.checks ?? [], checkedAt: state?.checks ? state.updatedAt : null, job: job ? jobView(rt, job.id) : null };
}

export const DRILL_TIMEOUT_RANGE = { min: 10, max: 1800, default: DEFAULT_DRILL.timeoutMs / 1000 };

export function startDrill(
  rt: Pick<Runtime, 'db' | 'box'>,
  deploymentId: string,
  actor: string,
  confirmations: string[],
  timeoutS: number,
): { ok: true; jobId: string } | { ok: false; message: string } {
  if (!getDeployment(rt.db, deploymentId)) return { ok: false, message: 'This deployment no longer exists.' };
  if (!Number.isInteger(timeoutS) || timeoutS < DRILL_TIMEOUT_RANGE.min || timeoutS > DRILL_TIMEOUT_RANGE.max)
    return { ok: false, message: `Wait for recovery: a whole number of seconds from ${DRILL_TIMEOUT_RANGE.min} to ${DRILL_TIMEOUT_RANGE.max}.` };
  if (confirmations[0] !== DRILL_CONFIRM) return { ok: false, message: `Type ${DRILL_CONFIRM} to confirm: the drill moves the master role and the availability group.` };
  if (latestJob(rt.db, deploymentId, 'drill')?.status === 'running') return { ok: false, message: 'A failover drill is already running.' };
  const ctx = createStepContext(rt, deploymentId);
  const drill = drillModule({ ...DEFAULT_DRILL, timeoutMs: timeoutS * 1000 });
  const operations = drill.plan(ctx);
  const { job, done } = startApply({ db: rt.db, deploymentId, module: drill, ctx, actor, operations, secrets: ctx.secretValues() });
  audit(rt.db, { actor, action: 'drill:start', target: `deployment/${deploymentId}`, result: 'started', detail: `job ${job.id}, wait up to ${timeoutS} s per move` });
  void done.finally(() => ctx.close());
  return { ok: true, jobId: job.id };
}

/** "Check the chain now": where the master and SSISDB run and whether every part works, recorded. */
export async function probeDrillNow(rt: Pick<Runtime, 'db' | 'box'>, deploymentId: string): Promise<Check[]> {
  const ctx = createStepContext(rt, deploymentId);
  try {
    const secrets = ctx.secretValues();
    const checks = (await probeDrill(ctx)).map((c) => ({ ...c, evidence: maskSecrets(c.evidence, secrets), ...(c.remediation ? { remediation: maskSecrets(c.remediation, secrets) } : {}) }));
    setStepStatus(rt.db, deploymentId, 'drill', stepStatusFrom(checks, []), JSON.stringify(checks));
    return checks;
  } finally {
    await ctx.close();
  }
}
