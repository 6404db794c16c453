import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretBox } from '@/lib/auth/secret-box';
import { saveDeployment } from '@/lib/deployments';
import { exampleInventory } from '@/lib/inventory/example';
import { openDb, type Db } from '@/lib/store/db';
import { getStepStatuses, listAudit } from '@/lib/store/repo';
import { createJob, eventsSince, getJob, jobBus, jobOperations, latestJob, markInterruptedJobs, setOperationStatus } from './jobs';
import { cancelJob, startApply } from './runner';
import type { Check, JobEvent, Operation, StepModule } from './types';

// A fake step over an in-memory "server": each setting must equal its wanted value.
type FakeServer = { values: Record<string, string>; wanted: Record<string, string>; failOn?: string; slowMs?: number };

function fakeModule(): StepModule<FakeServer> {
  return {
    slug: 'config',
    probe: async (s) =>
      Object.entries(s.wanted).map(([k, v]): Check => ({
        id: k,
        title: `${k} is ${v}`,
        target: k.split('.')[0]!,
        status: s.values[k] === v ? 'pass' : 'fail',
        evidence: `${k} = ${s.values[k] ?? '(missing)'}`,
      })),
    plan: (s, checks) =>
      checks
        .filter((c) => c.status === 'fail')
        .map((c): Operation => ({ id: c.id, target: c.target, kind: 'file-edit', summary: `Set ${c.id}`, script: `set ${c.id}`, risk: 'low' })),
    apply: async (s, op, run) => {
      run.log(op.target, `writing ${op.id} with password hunter2`);
      if (s.slowMs) {
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, s.slowMs);
          run.signal.addEventListener('abort', () => (clearTimeout(t), reject(new Error('aborted'))), { once: true });
        });
      }
      if (s.failOn === op.id) throw new Error(`access denied (password hunter2)`);
      s.values[op.id] = s.wanted[op.id]!;
      return `wrote ${op.id}`;
    },
  };
}

let dir: string;
let db: Db;
let deploymentId: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wizard-engine-'));
  db = openDb(path.join(dir, 'wizard.db'));
  deploymentId = saveDeployment({ db, box: new SecretBox(crypto.randomBytes(32)) }, null, exampleInventory()).id;
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function apply(server: FakeServer) {
  const step = fakeModule();
  const operations = step.plan(server, await step.probe(server));
  return startApply({ db, deploymentId, module: step, ctx: server, actor: 'admin', operations, secrets: ['hunter2'] });
}

describe('step engine', () => {
  it('applies the plan in order, verifies, and records every step of it', async () => {
    const server: FakeServer = { values: { 'SQLNODE1.a': 'x' }, wanted: { 'SQLNODE1.a': '1', 'SQLNODE2.b': '2' } };
    const live: JobEvent[] = [];
    const { job, done } = await apply(server);
    jobBus.on(job.id, (e: JobEvent) => live.push(e));
    const finished = await done;
    expect(finished.status).toBe('succeeded');
    expect(finished.message).toBe('Applied and verified.');
    expect(server.values).toEqual({ 'SQLNODE1.a': '1', 'SQLNODE2.b': '2' });
    expect(jobOperations(db, job.id).map((o) => o.status)).toEqual(['done', 'done']);
    expect(getStepStatuses(db, deploymentId).config).toBe('verified');
    const events = eventsSince(db, job.id, 0);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ type: 'job', status: 'succeeded' });
    expect(live.length).toBeGreaterThan(0);
    expect(live.at(-1)).toEqual(events.at(-1));
    expect(listAudit(db).filter((a) => a.action.startsWith('apply:config:'))).toHaveLength(2);
  });

  it('applying twice: the second plan is empty', async () => {
    const server: FakeServer = { values: {}, wanted: { 'SQLNODE1.a': '1' } };
    await (await apply(server)).done;
    const m = fakeModule();
    expect(m.plan(server, await m.probe(server))).toEqual([]);
  });

  it('stops at a failure, names the host and operation, skips the rest and verifies the true state', async () => {
    const server: FakeServer = { values: {}, wanted: { 'SQLNODE1.a': '1', 'SQLNODE2.b': '2', 'SQLNODE2.c': '3' }, failOn: 'SQLNODE2.b' };
    const { job, done } = await apply(server);
    const finished = await done;
    expect(finished.status).toBe('failed');
    expect(finished.message).toBe('SQLNODE2: "Set SQLNODE2.b" failed: access denied (password ********)');
    expect(jobOperations(db, job.id).map((o) => o.status)).toEqual(['done', 'failed', 'skipped']);
    expect(server.values).toEqual({ 'SQLNODE1.a': '1' });
    expect(getStepStatuses(db, deploymentId).config).toBe('ready');
  });

  it('never stores a secret in events, results, messages or checks', async () => {
    const server: FakeServer = { values: {}, wanted: { 'SQLNODE1.a': '1' }, failOn: 'SQLNODE1.a' };
    const { job, done } = await apply(server);
    await done;
    db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = fs.readFileSync(path.join(dir, 'wizard.db'));
    expect(bytes.includes(Buffer.from('hunter2'))).toBe(false);
    expect(JSON.stringify(eventsSince(db, job.id, 0))).toContain('********');
  });

  it('cancels a running job: the operation in flight stops and nothing after it runs', async () => {
    const server: FakeServer = { values: {}, wanted: { 'SQLNODE1.a': '1', 'SQLNODE1.b': '2' }, slowMs: 5_000 };
    const { job, done } = await apply(server);
    await new Promise((r) => setTimeout(r, 50));
    expect(cancelJob(job.id)).toBe(true);
    const finished = await done;
    expect(finished.status).toBe('cancelled');
    expect(jobOperations(db, job.id).map((o) => o.status)).toEqual(['failed', 'skipped']);
    expect(server.values).toEqual({});
  });

  it('after a restart, a job that was running is reported as interrupted, naming the operation in flight', () => {
    const op: Operation = { id: 'x', target: 'SQLNODE2', kind: 'file-edit', summary: 'Edit MasterSettings.config', script: '', risk: 'low' };
    const job = createJob(db, deploymentId, 'config', 'admin', [op, { ...op, id: 'y' }]);
    setOperationStatus(db, job.id, 0, 'running');
    expect(markInterruptedJobs(db)).toBe(1);
    const after = getJob(db, job.id)!;
    expect(after.status).toBe('interrupted');
    expect(after.message).toContain('during "Edit MasterSettings.config" on SQLNODE2');
    expect(jobOperations(db, job.id).map((o) => o.status)).toEqual(['interrupted', 'skipped']);
    expect(latestJob(db, deploymentId, 'config')?.id).toBe(job.id);
    expect(markInterruptedJobs(db)).toBe(0);
  });
});
