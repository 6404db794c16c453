// Test fixture shared by the lab-backed step tests: the built-in lab in-process, a fresh
// deployment per scenario made from its endpoints, and the step context the wizard builds on it.
import crypto from 'node:crypto';
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecretBox } from '@/lib/auth/secret-box';
import { saveDeployment } from '@/lib/deployments';
import { JOB_SIGNAL_LISTENERS } from '@/lib/engine/runner';
import type { ApplyContext, Check, Operation, StepModule } from '@/lib/engine/types';
import { inventoryFromLab } from '@/lib/inventory/from-lab';
import { startLab, type Lab } from '@/lib/lab/lab';
import { LAB_SQL_LOGINS, type ScenarioName } from '@/lib/lab/sql';
import { closeAllPools } from '@/lib/sql';
import { openDb, type Db } from '@/lib/store/db';
import { createStepContext, type StepContext } from './context';

export type LabFixture = {
  lab: Lab;
  rt: { db: Db; box: SecretBox };
  /** Resets the lab to a scenario and returns a fresh deployment's context on it. */
  use(scenario: ScenarioName): Promise<StepContext>;
  control(route: string, body?: Record<string, unknown>): Promise<unknown>;
  /** GET /state of the lab's control API. */
  state(): Promise<unknown>;
  close(): Promise<void>;
};

export async function startLabFixture(name: string, opts: { workers?: number; scenario?: ScenarioName } = {}): Promise<LabFixture> {
  const token = `${name}-test`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const lab = await startLab({ scenario: opts.scenario ?? 'half-done', stateDir: dir, token, workers: opts.workers ?? 0 });
  const db = openDb(path.join(dir, 'wizard.db'));
  const rt = { db, box: new SecretBox(crypto.randomBytes(32)) };
  const contexts: StepContext[] = [];
  const control = async (route: string, body: Record<string, unknown> = {}) => {
    const res = await fetch(`${lab.endpoints.control.url}${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`${route}: ${JSON.stringify(json)}`);
    return json;
  };
  return {
    lab,
    rt,
    control,
    async state() {
      const res = await fetch(`${lab.endpoints.control.url}/state`, { headers: { authorization: `Bearer ${token}` } });
      return (await res.json()) as unknown;
    },
    async use(scenario) {
      await control('/reset', { scenario });
      // Pooled sessions belong to the state before the reset.
      await closeAllPools();
      const id = saveDeployment(rt, null, inventoryFromLab({ ...lab.endpoints, scenario })).id;
      const ctx = createStepContext(rt, id);
      contexts.push(ctx);
      return ctx;
    },
    async close() {
      await Promise.allSettled(contexts.map((c) => c.close()));
      await closeAllPools();
      db.close();
      await lab.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const statuses = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.id, c.status]));

export function byId(checks: Check[], id: string): Check {
  const c = checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
}

export function applyContext(): ApplyContext & { lines: string[] } {
  const lines: string[] = [];
  const { signal } = new AbortController();
  setMaxListeners(JOB_SIGNAL_LISTENERS, signal);
  return { lines, log: (target, text) => lines.push(`${target}: ${text}`), signal };
}

/** Probes, plans and applies every non-manual operation of one step; returns what ran. */
export async function applyStep(step: StepModule<StepContext>, ctx: StepContext): Promise<{ ops: Operation[]; results: string[] }> {
  const ops = step.plan(ctx, await step.probe(ctx)).filter((o) => o.kind !== 'manual');
  const results: string[] = [];
  // One context for the whole job, as the engine's runner gives its operations.
  const run = applyContext();
  for (const op of ops) results.push((await step.apply(ctx, op, run)) ?? '');
  return { ops, results };
}

/** A sysadmin session on a lab instance, for arranging state the way a DBA (or another step) would. */
export function labSession(lab: Lab, instance: string, database = 'master') {
  const r = lab.engine.authenticate(instance, LAB_SQL_LOGINS.admin.user, LAB_SQL_LOGINS.admin.password, database);
  if (!r.ok) throw new Error(`lab login on ${instance} failed`);
  return r.session;
}
