import 'server-only';
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Db } from '@/lib/store/db';
import type { JobEvent, JobStatus, JobSubject, Operation, OperationStatus } from './types';

export type Job = {
  id: string;
  deploymentId: string;
  step: JobSubject;
  status: JobStatus;
  actor: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  message: string | null;
};

export type JobOperation = { index: number; op: Operation; status: OperationStatus; startedAt: string | null; finishedAt: string | null; result: string | null };

type JobRow = { id: string; deployment_id: string; step: JobSubject; status: JobStatus; actor: string; created_at: string; started_at: string | null; finished_at: string | null; message: string | null };

const now = () => new Date().toISOString();
const toJob = (r: JobRow): Job => ({
  id: r.id,
  deploymentId: r.deployment_id,
  step: r.step,
  status: r.status,
  actor: r.actor,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  message: r.message,
});

// Live subscribers (the SSE route) hear events here; the table is the record they replay from.
const g = globalThis as unknown as { __wizardJobBus?: EventEmitter };
export const jobBus = (g.__wizardJobBus ??= new EventEmitter().setMaxListeners(0));

export function createJob(db: Db, deploymentId: string, step: JobSubject, actor: string, operations: Operation[]): Job {
  const id = crypto.randomUUID();
  const at = now();
  db.transaction(() => {
    db.prepare(
      "INSERT INTO jobs (id, deployment_id, step, status, actor, created_at, started_at) VALUES (?, ?, ?, 'running', ?, ?, ?)",
    ).run(id, deploymentId, step, actor, at, at);
    const insert = db.prepare("INSERT INTO job_operations (job_id, seq, op_json, status) VALUES (?, ?, ?, 'pending')");
    operations.forEach((op, i) => insert.run(id, i, JSON.stringify(op)));
  })();
  return getJob(db, id)!;
}

export function getJob(db: Db, id: string): Job | undefined {
  const r = db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
  return r && toJob(r);
}

export function latestJob(db: Db, deploymentId: string, step: JobSubject): Job | undefined {
  const r = db
    .prepare('SELECT * FROM jobs WHERE deployment_id = ? AND step = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
    .get(deploymentId, step) as JobRow | undefined;
  return r && toJob(r);
}

export function jobOperations(db: Db, jobId: string): JobOperation[] {
  return (
    db.prepare('SELECT seq, op_json, status, started_at, finished_at, result FROM job_operations WHERE job_id = ? ORDER BY seq').all(jobId) as {
      seq: number;
      op_json: string;
      status: OperationStatus;
      started_at: string | null;
      finished_at: string | null;
      result: string | null;
    }[]
  ).map((r) => ({ index: r.seq, op: JSON.parse(r.op_json) as Operation, status: r.status, startedAt: r.started_at, finishedAt: r.finished_at, result: r.result }));
}

/** Appends an event (its seq assigned here) and tells live listeners. */
export function emit(db: Db, jobId: string, event: DistributiveOmit<JobEvent, 'seq'>): JobEvent {
  const seq = ((db.prepare('SELECT MAX(seq) FROM job_events WHERE job_id = ?').pluck().get(jobId) as number | null) ?? 0) + 1;
  const full = { ...event, seq } as JobEvent;
  db.prepare('INSERT INTO job_events (job_id, seq, event_json) VALUES (?, ?, ?)').run(jobId, seq, JSON.stringify(full));
  jobBus.emit(jobId, full);
  return full;
}

export function eventsSince(db: Db, jobId: string, afterSeq: number): JobEvent[] {
  return (db.prepare('SELECT event_json FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq').pluck().all(jobId, afterSeq) as string[]).map(
    (j) => JSON.parse(j) as JobEvent,
  );
}

export function setOperationStatus(db: Db, jobId: string, index: number, status: OperationStatus, result?: string): void {
  const at = now();
  db.prepare(
    `UPDATE job_operations SET status = ?,
       started_at = CASE WHEN ? = 'running' THEN ? ELSE started_at END,
       finished_at = CASE WHEN ? IN ('done', 'failed', 'interrupted') THEN ? ELSE finished_at END,
       result = COALESCE(?, result)
     WHERE job_id = ? AND seq = ?`,
  ).run(status, status, at, status, at, result ?? null, jobId, index);
  emit(db, jobId, { type: 'operation', index, status, result });
}

export function finishJob(db: Db, jobId: string, status: JobStatus, message?: string): void {
  db.transaction(() => {
    db.prepare('UPDATE jobs SET status = ?, finished_at = ?, message = ? WHERE id = ?').run(status, now(), message ?? null, jobId);
    db.prepare("UPDATE job_operations SET status = 'skipped' WHERE job_id = ? AND status = 'pending'").run(jobId);
  })();
  emit(db, jobId, { type: 'job', status, message });
}

/**
 * At start: a job still marked running was cut short by a stop or crash of the server. Say so
 * precisely (which operation was in flight) rather than pretend it finished or failed.
 */
export function markInterruptedJobs(db: Db): number {
  const running = db.prepare("SELECT id FROM jobs WHERE status = 'running'").pluck().all() as string[];
  for (const id of running) {
    const inFlight = db
      .prepare("SELECT seq, op_json FROM job_operations WHERE job_id = ? AND status = 'running'")
      .all(id) as { seq: number; op_json: string }[];
    for (const r of inFlight) {
      db.prepare("UPDATE job_operations SET status = 'interrupted', finished_at = ? WHERE job_id = ? AND seq = ?").run(now(), id, r.seq);
    }
    const names = inFlight.map((r) => {
      const op = JSON.parse(r.op_json) as Operation;
      return `"${op.summary}" on ${op.target}`;
    });
    finishJob(
      db,
      id,
      'interrupted',
      `The wizard's server stopped while this job ran${names.length ? `, during ${names.join(', ')}` : ''}. Re-check the step to see the real state before applying again.`,
    );
  }
  return running.length;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
