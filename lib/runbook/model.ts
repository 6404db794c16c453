// What the runbook says, read from what the wizard recorded: per step of the registry (in its
// order) the last checks with their evidence, every job with its operations, scripts, results,
// who ran it and when, the plan still open, the screenshot if one was taken. Nothing here knows
// a particular step: a step that registers a module shows up with its records.
import 'server-only';
import { jobOperations, type Job } from '@/lib/engine/jobs';
import { maskSecrets } from '@/lib/engine/status';
import type { Check, JobSubject, Operation, OperationStatus } from '@/lib/engine/types';
import type { Runtime } from '@/lib/runtime';
import { createStepContext } from '@/lib/steps/context';
import { STEP_MODULES } from '@/lib/steps/modules';
import { STEPS, type StepSlug, type StepStatus } from '@/lib/steps/registry';
import { getDeployment, getStepState, getStepStatuses, type Deployment } from '@/lib/store/repo';
import { aroundJob, readChecksHistory, type ChecksSnapshot } from './history';
import { readScreenshotMeta, type ScreenshotMeta } from './storage';

export type RunbookOperation = {
  index: number;
  op: Operation;
  status: OperationStatus;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  result: string | null;
};

export type RunbookJob = Job & { durationMs: number | null; operations: RunbookOperation[]; checksBefore: ChecksSnapshot | null; checksAfter: ChecksSnapshot | null };

export type RunbookStep = {
  number: number;
  slug: StepSlug;
  title: string;
  summary: string;
  /** The step has a live module (probe, plan, apply). */
  live: boolean;
  status: StepStatus;
  checks: Check[];
  checkedAt: string | null;
  /** Operations still planned from the last checks (manual ones included). */
  openPlan: Operation[];
  jobs: RunbookJob[];
  screenshot: ScreenshotMeta | null;
};

export type NodeVersion = { target: string; what: string; evidence: string };

/** The failover drill's runs (each move with its recovery times) and the chain's last checks. */
export type RunbookDrill = { jobs: RunbookJob[]; checks: Check[]; checkedAt: string | null };

export type Runbook = {
  deployment: Deployment;
  generatedAt: string;
  steps: RunbookStep[];
  versions: NodeVersion[];
  drill: RunbookDrill;
};

const ms = (a: string | null, b: string | null) => (a && b ? Math.max(0, Date.parse(b) - Date.parse(a)) : null);

type JobRow = { id: string; deployment_id: string; step: JobSubject; status: Job['status']; actor: string; created_at: string; started_at: string | null; finished_at: string | null; message: string | null };

function jobsOf(rt: Pick<Runtime, 'db'> & { env?: { dataDir: string } }, deploymentId: string, slug: JobSubject, secrets: readonly string[]): RunbookJob[] {
  const history = slug === 'drill' ? [] : readChecksHistory(rt, deploymentId, slug);
  const rows = rt.db
    .prepare('SELECT * FROM jobs WHERE deployment_id = ? AND step = ? ORDER BY created_at, rowid')
    .all(deploymentId, slug) as JobRow[];
  const mask = (t: string | null) => (t === null ? null : maskSecrets(t, secrets));
  return rows.map((r) => ({
    id: r.id,
    deploymentId: r.deployment_id,
    step: r.step,
    status: r.status,
    actor: r.actor,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    message: mask(r.message),
    durationMs: ms(r.started_at, r.finished_at),
    ...(({ before, after }) => ({ checksBefore: before, checksAfter: after }))(aroundJob(history, r.started_at ?? r.created_at, r.finished_at)),
    operations: jobOperations(rt.db, r.id).map((o) => ({
      index: o.index,
      // Plans are masked by the steps already; masking again costs nothing and guards the export.
      op: { ...o.op, script: maskSecrets(o.op.script, secrets), summary: maskSecrets(o.op.summary, secrets), ...(o.op.diff ? { diff: maskSecrets(o.op.diff, secrets) } : {}) },
      status: o.status,
      startedAt: o.startedAt,
      finishedAt: o.finishedAt,
      durationMs: ms(o.startedAt, o.finishedAt),
      result: mask(o.result),
    })),
  }));
}

/**
 * Versions of every node and instance, as the probes read them: any check whose title or id
 * speaks of a version (SQL Server's ProductVersion, PowerShell, Windows), whatever step read it.
 */
export function versionsFrom(steps: readonly RunbookStep[]): NodeVersion[] {
  const out: NodeVersion[] = [];
  const seen = new Set<string>();
  for (const s of steps) {
    for (const c of s.checks) {
      if (!/version/i.test(`${c.id} ${c.title}`) && !/\b(?:Product)?Version\b\s*[:=]?\s*\d+\.\d+/i.test(c.evidence)) continue;
      const key = `${c.target}|${c.title}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ target: c.target, what: c.title, evidence: c.evidence });
    }
  }
  return out;
}

export function loadRunbook(rt: Pick<Runtime, 'db' | 'box'> & { env?: { dataDir: string } }, deploymentId: string): Runbook {
  const deployment = getDeployment(rt.db, deploymentId);
  if (!deployment) throw new Error(`No deployment ${deploymentId}`);
  const statuses = getStepStatuses(rt.db, deploymentId);
  const ctx = createStepContext(rt, deploymentId);
  const secrets = ctx.secretValues();
  const steps = STEPS.map((def, i): RunbookStep => {
    const stepModule = STEP_MODULES[def.slug];
    const row = getStepState(rt.db, deploymentId, def.slug);
    const checks = (row?.checks ?? []).map((c) => ({
      ...c,
      evidence: maskSecrets(c.evidence, secrets),
      ...(c.remediation ? { remediation: maskSecrets(c.remediation, secrets) } : {}),
    }));
    let openPlan: Operation[] = [];
    if (stepModule && checks.length) {
      openPlan = stepModule.plan(ctx, checks).map((op) => ({ ...op, script: maskSecrets(op.script, secrets), ...(op.diff ? { diff: maskSecrets(op.diff, secrets) } : {}) }));
    }
    return {
      number: i + 1,
      slug: def.slug,
      title: def.title,
      summary: def.summary,
      live: !!stepModule,
      status: statuses[def.slug],
      checks,
      checkedAt: row?.checks ? row.updatedAt : null,
      openPlan,
      jobs: jobsOf(rt, deploymentId, def.slug, secrets),
      screenshot: readScreenshotMeta(rt, deploymentId, def.slug),
    };
  });
  // The context only made connections if a plan asked for one (plans are pure): nothing to wait for.
  void ctx.close();
  const drillState = getStepState(rt.db, deploymentId, 'drill');
  const drill: RunbookDrill = {
    jobs: jobsOf(rt, deploymentId, 'drill', secrets),
    checks: (drillState?.checks ?? []).map((c) => ({ ...c, evidence: maskSecrets(c.evidence, secrets), ...(c.remediation ? { remediation: maskSecrets(c.remediation, secrets) } : {}) })),
    checkedAt: drillState?.checks ? drillState.updatedAt : null,
  };
  return { deployment, generatedAt: new Date().toISOString(), steps, versions: versionsFrom(steps), drill };
}

export function formatDuration(msValue: number | null): string {
  if (msValue === null) return '—';
  if (msValue < 1000) return `${msValue} ms`;
  const s = msValue / 1000;
  return s < 120 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
