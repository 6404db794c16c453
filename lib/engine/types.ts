import type { StepSlug } from '@/lib/steps/registry';

/** What a job runs: one of the nine steps, or the failover drill (shaped like a step). */
export type JobSubject = StepSlug | 'drill';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'unknown';

/** One fact about the targets, as read: evidence is what was actually seen, never a guess. */
export type Check = {
  id: string;
  title: string;
  /** The node, instance or listener the check is about. */
  target: string;
  status: CheckStatus;
  evidence: string;
  /** For a failure: what it means and how it gets fixed. */
  remediation?: string;
};

export type OperationKind = 'tsql' | 'powershell' | 'file-edit' | 'manual';
export type Risk = 'low' | 'medium' | 'high';

/** One planned change on one target. `script` is exactly what runs, with secrets masked. */
export type Operation = {
  id: string;
  target: string;
  kind: OperationKind;
  summary: string;
  script: string;
  diff?: string;
  risk: Risk;
  /** The phrase a user types to confirm a high-risk operation. */
  confirmPhrase?: string;
};

export type LogLevel = 'info' | 'warn' | 'error';

/** What a step's apply receives: where to log, and when to stop. */
export type ApplyContext = {
  log: (target: string, text: string, level?: LogLevel) => void;
  signal: AbortSignal;
};

/** A step in the DSC shape: probe (read-only), plan (pure), apply (one operation, idempotent). */
export type StepModule<Ctx = unknown> = {
  slug: JobSubject;
  probe: (ctx: Ctx) => Promise<Check[]>;
  plan: (ctx: Ctx, checks: Check[]) => Operation[];
  apply: (ctx: Ctx, op: Operation, run: ApplyContext) => Promise<string | void>;
};

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
export type OperationStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'interrupted';

export type JobEvent =
  | { type: 'log'; seq: number; at: string; level: LogLevel; target: string; text: string }
  | { type: 'operation'; seq: number; index: number; status: OperationStatus; result?: string }
  | { type: 'job'; seq: number; status: JobStatus; message?: string };
