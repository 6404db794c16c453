import 'server-only';
import { setMaxListeners } from 'node:events';
import type { Db } from '@/lib/store/db';
import { audit, setStepStatus } from '@/lib/store/repo';
import { createJob, emit, finishJob, getJob, setOperationStatus, type Job } from './jobs';
import { maskSecrets, stepStatusFrom } from './status';
import type { ApplyContext, Check, Operation, StepModule } from './types';

export type ApplyRequest<Ctx> = {
  db: Db;
  deploymentId: string;
  module: StepModule<Ctx>;
  ctx: Ctx;
  actor: string;
  operations: Operation[];
  /** Every secret value the deployment holds: masked out of logs, results and messages. */
  secrets: readonly string[];
};

/** Listeners a job's signal may have at once before Node warns of a leak. */
export const JOB_SIGNAL_LISTENERS = 200;

const g = globalThis as unknown as { __wizardJobControllers?: Map<string, AbortController> };
const controllers = (g.__wizardJobControllers ??= new Map());

/** Starts plan → apply → verify as a job and returns at once; progress arrives as job events. */
export function startApply<Ctx>(req: ApplyRequest<Ctx>): { job: Job; done: Promise<Job> } {
  const job = createJob(req.db, req.deploymentId, req.module.slug, req.actor, req.operations);
  const controller = new AbortController();
  // Every request of the job listens to it while it runs (step 9: WORKER_CONCURRENCY workers at a
  // time, each with its WinRM and SQL waits); each removes its listener when done.
  setMaxListeners(JOB_SIGNAL_LISTENERS, controller.signal);
  controllers.set(job.id, controller);
  const done = runJob(req, job.id, controller.signal).finally(() => controllers.delete(job.id));
  return { job, done };
}

export function cancelJob(jobId: string): boolean {
  const c = controllers.get(jobId);
  c?.abort(new Error('Cancelled by the user'));
  return !!c;
}

async function runJob<Ctx>(req: ApplyRequest<Ctx>, jobId: string, signal: AbortSignal): Promise<Job> {
  const { db, module, ctx, actor, operations, secrets, deploymentId } = req;
  const mask = (t: string) => maskSecrets(t, secrets);
  const run: ApplyContext = {
    signal,
    log: (target, text, level = 'info') => emit(db, jobId, { type: 'log', at: new Date().toISOString(), level, target, text: mask(text) }),
  };

  for (const [index, op] of operations.entries()) {
    if (signal.aborted) {
      finishJob(db, jobId, 'cancelled', `Cancelled before "${op.summary}" on ${op.target}; nothing after it ran.`);
      return getJob(db, jobId)!;
    }
    setOperationStatus(db, jobId, index, 'running');
    run.log(op.target, `Started: ${op.summary}`);
    try {
      const result = await module.apply(ctx, op, run);
      const text = mask(result ?? 'done');
      setOperationStatus(db, jobId, index, 'done', text);
      audit(db, { actor, action: `apply:${module.slug}:${op.id}`, target: `deployment/${deploymentId}/${op.target}`, result: 'ok', detail: op.summary });
    } catch (e) {
      const message = mask(e instanceof Error ? e.message : String(e));
      setOperationStatus(db, jobId, index, 'failed', message);
      run.log(op.target, message, 'error');
      audit(db, { actor, action: `apply:${module.slug}:${op.id}`, target: `deployment/${deploymentId}/${op.target}`, result: 'failed', detail: message });
      const cancelled = signal.aborted;
      finishJob(db, jobId, cancelled ? 'cancelled' : 'failed', `${op.target}: "${op.summary}" ${cancelled ? 'was cancelled' : 'failed'}: ${message}`);
      await verify(req, run).catch(() => undefined);
      return getJob(db, jobId)!;
    }
  }
  setStepStatus(db, deploymentId, module.slug, 'applied');
  const checks = await verify(req, run).catch((e: unknown) => {
    run.log('wizard', mask(`Verification could not run: ${e instanceof Error ? e.message : String(e)}`), 'error');
    return null;
  });
  const failing = checks?.filter((c) => c.status === 'fail' || c.status === 'unknown') ?? [];
  finishJob(
    db,
    jobId,
    'succeeded',
    checks === null ? 'Applied; verification could not run.' : failing.length ? `Applied; ${failing.length} check(s) still failing.` : 'Applied and verified.',
  );
  return getJob(db, jobId)!;
}

/** Probes the step again and records what is true now. */
async function verify<Ctx>(req: ApplyRequest<Ctx>, run: ApplyContext): Promise<Check[]> {
  run.log('wizard', 'Verifying: probing every node again');
  const checks = await req.module.probe(req.ctx);
  const plan = req.module.plan(req.ctx, checks);
  const masked = checks.map((c) => ({ ...c, evidence: maskSecrets(c.evidence, req.secrets) }));
  setStepStatus(req.db, req.deploymentId, req.module.slug, stepStatusFrom(masked, plan), JSON.stringify(masked));
  return masked;
}
