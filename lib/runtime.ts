import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { readEnv, type WizardEnv } from './env';
import { openDb, type Db } from './store/db';
import { SecretBox, loadOrCreateKey } from './auth/secret-box';
import { hashPassword } from './auth/password';
import { countUsers, createUser, audit, listDeployments } from './store/repo';
import { saveDeployment } from './deployments';
import { exampleInventory } from './inventory/example';
import { inventoryFromLab } from './inventory/from-lab';
import type { LabEndpoints } from './lab/topology';
import { markInterruptedJobs } from './engine/jobs';

export type Runtime = { env: WizardEnv; db: Db; box: SecretBox };

const g = globalThis as unknown as { __wizardRuntime?: Promise<Runtime> };

/** The process-wide store and secret box, opened once (cached on globalThis so dev reloads reuse it). */
export function getRuntime(): Promise<Runtime> {
  g.__wizardRuntime ??= start().catch((e: unknown) => {
    g.__wizardRuntime = undefined;
    throw e;
  });
  return g.__wizardRuntime;
}

async function start(): Promise<Runtime> {
  const env = readEnv();
  const db = openDb(path.join(env.dataDir, 'wizard.db'));
  const box = new SecretBox(loadOrCreateKey(env.dataDir, env.WIZARD_SECRET_KEY));
  const rt = { env, db, box };
  markInterruptedJobs(db);
  if (countUsers(db) === 0 && env.WIZARD_ADMIN_PASSWORD) {
    createUser(db, env.WIZARD_ADMIN_USER, await hashPassword(env.WIZARD_ADMIN_PASSWORD));
    audit(db, { actor: 'system', action: 'user.create', target: `user/${env.WIZARD_ADMIN_USER}`, result: 'ok', detail: 'from WIZARD_ADMIN_PASSWORD' });
  }
  if (env.WIZARD_DEMO === '1' && listDeployments(db).length === 0) {
    const lab = env.WIZARD_LAB_ENDPOINTS && fs.existsSync(env.WIZARD_LAB_ENDPOINTS) ? (JSON.parse(fs.readFileSync(env.WIZARD_LAB_ENDPOINTS, 'utf8')) as LabEndpoints) : null;
    const d = saveDeployment(rt, null, lab ? inventoryFromLab(lab) : exampleInventory());
    audit(db, { actor: 'system', action: 'deployment.create', target: `deployment/${d.id}`, result: 'ok', detail: 'demo example' });
  }
  return rt;
}
