// Test fixture: the built-in lab in-process (SQL over TDS, Windows over WinRM, the physics that
// run the workers' heartbeats), deployments made from its endpoints, and what earlier steps and
// a DBA would have done to it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { SecretBox } from '@/lib/auth/secret-box';
import { saveDeployment } from '@/lib/deployments';
import type { ApplyContext, Check } from '@/lib/engine/types';
import { inventoryFromLab } from '@/lib/inventory/from-lab';
import { startLab, type Lab } from '@/lib/lab/lab';
import { LAB_SQL_LOGINS, type ScenarioName } from '@/lib/lab/sql';
import { closeAllPools } from '@/lib/sql';
import { openDb, type Db } from '@/lib/store/db';
import { createStepContext, type StepContext } from '../context';

export type Fixture = {
  lab: Lab;
  /** Resets the lab and returns a fresh deployment's context with the first `workers` workers. */
  use(scenario: ScenarioName, workers?: number): Promise<StepContext>;
  control(route: string, body?: Record<string, unknown>): Promise<unknown>;
  /** T-SQL as the lab's sysadmin on an instance; throws on any SQL error. */
  sql(instance: string, text: string, database?: string): void;
  close(): Promise<void>;
};

const TOKEN = 'workers-step-test';

export async function startFixture(workers: number): Promise<Fixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workers-step-'));
  const lab = await startLab({ scenario: 'half-done', stateDir: dir, token: TOKEN, workers });
  const db: Db = openDb(path.join(dir, 'wizard.db'));
  const rt = { db, box: new SecretBox(crypto.randomBytes(32)) };
  const contexts: StepContext[] = [];
  const control = async (route: string, body: Record<string, unknown> = {}) => {
    const res = await fetch(`${lab.endpoints.control.url}${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`${route}: ${JSON.stringify(json)}`);
    return json;
  };
  const sql = (instance: string, text: string, database = 'master') => {
    const r = lab.engine.authenticate(instance, LAB_SQL_LOGINS.admin.user, LAB_SQL_LOGINS.admin.password, database);
    if (!r.ok) throw new Error(`lab login on ${instance} failed`);
    const items = lab.engine.batch(instance, text, r.session).items as { kind: string; message?: string }[];
    const errors = items.filter((i) => i.kind === 'error');
    lab.engine.disconnect(r.session);
    if (errors.length) throw new Error(`${instance}: ${errors.map((e) => e.message).join('; ')}`);
  };
  return {
    lab,
    control,
    sql,
    async use(scenario, count) {
      await control('/reset', { scenario });
      await closeAllPools();
      const all = inventoryFromLab({ ...lab.endpoints, scenario });
      const inventory = { ...all, workers: all.workers.slice(0, count ?? all.workers.length) };
      const ctx = createStepContext(rt, saveDeployment(rt, null, inventory).id);
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

/**
 * What steps 2 and 6 leave behind for the master's heartbeat writes: its domain account has a
 * login on every replica and a user in ssis_admin in SSISDB (created on the primary).
 */
export function grantMasterLogin(f: Fixture, account: string): void {
  for (const i of ['SQLNODE1', 'SQLNODE2']) f.sql(i, `CREATE LOGIN [${account}] FROM WINDOWS`);
  f.sql('SQLNODE1', `CREATE USER [${account}] FOR LOGIN [${account}]; ALTER ROLE [ssis_admin] ADD MEMBER [${account}]`, 'SSISDB');
}

export const byId = (checks: Check[], id: string) => {
  const c = checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} (have ${checks.map((x) => x.id).join(', ')})`);
  return c;
};
export const failing = (checks: Check[]) => checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.status}: ${c.evidence}`);

export function applyContext(): ApplyContext & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (target, text) => lines.push(`${target}: ${text}`), signal: new AbortController().signal };
}

/** What a host holds, through its own PowerShell (as a DBA would look). */
export async function rootThumbprints(ctx: StepContext, host: string): Promise<string[]> {
  const r = await ctx.winrm(host).runPowerShell('@(Get-ChildItem Cert:\\LocalMachine\\Root | ForEach-Object { [string]$_.Thumbprint })', { schema: z.array(z.string()).nullable() });
  return [...(r.value ?? [])].sort();
}
