// Steps 5 and 7 through the whole lab: a saved deployment, createStepContext, lib/winrm over
// WS-Management to the lab's WinRM servers (NTLM, no CredSSP), real pwsh behind them, from the
// half-done scenario (the role online on SQLNODE1, SqlServerName right on SQLNODE1 only).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '@/lib/auth/secret-box';
import { saveDeployment } from '@/lib/deployments';
import type { ApplyContext, Check } from '@/lib/engine/types';
import { inventoryFromLab } from '@/lib/inventory/from-lab';
import { startLab, type Lab } from '@/lib/lab/lab';
import { WindowsStore } from '@/lib/lab/windows';
import { readHostFile } from '@/lib/lab/windows/hostfiles';
import { closeAllPools } from '@/lib/sql';
import { createStepContext, type StepContext } from '@/lib/steps/context';
import { openDb, type Db } from '@/lib/store/db';
import { step as clusterRole } from '../cluster-role/index';
import { step as config } from './index';

const SVC = 'SSISScaleOutMaster160';
const SETTINGS = 'C:\\Program Files\\Microsoft SQL Server\\160\\DTS\\Binn\\MasterSettings.config';
const run: ApplyContext = { log: () => undefined, signal: new AbortController().signal };
const failing = (checks: Check[]) => checks.filter((c) => c.status !== 'pass').map((c) => c.id);
/** Until the lab simulates the ScheduledTasks module, the role cannot be created in it. */
const labHasTasks = fs.readFileSync(path.join(process.cwd(), 'lib/lab/windows/ps/LabWindows.psm1'), 'utf8').includes("'Register-ScheduledTask'");

let dir: string;
let lab: Lab;
let db: Db;
let winDb: Database.Database;
let store: WindowsStore;
let ctx: StepContext;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steps-config-role-'));
  lab = await startLab({ scenario: 'half-done', stateDir: dir, token: crypto.randomBytes(16).toString('hex'), workers: 1, reset: true });
  db = openDb(path.join(dir, 'wizard.db'));
  const rt = { db, box: new SecretBox(crypto.randomBytes(32)) };
  ctx = createStepContext(rt, saveDeployment(rt, null, inventoryFromLab(lab.endpoints)).id);
  // The lab's Windows state, to arrange a fault the way a DBA would leave it.
  winDb = new Database(path.join(dir, 'windows.db'));
  store = new WindowsStore(winDb, dir);
}, 240_000);
afterAll(async () => {
  await ctx?.close();
  await closeAllPools();
  winDb?.close();
  await lab?.close();
  db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('steps 5 and 7 through the lab (WinRM)', () => {
  it('config: only SQLNODE2 is wrong; its file is edited, nothing restarts (the role runs on SQLNODE1); twice changes nothing', async () => {
    const checks = await config.probe(ctx);
    expect(failing(checks)).toEqual(['sqlservername@SQLNODE2']);
    expect(checks.find((c) => c.id === 'sqlservername@SQLNODE1')?.evidence).toContain('SqlServerName = SSISLISTENER,1433');
    const pid1 = store.service('SQLNODE1', SVC)?.processId;
    const ops = config.plan(ctx, checks);
    expect(ops.map((o) => [o.id, o.kind])).toEqual([['sqlservername@SQLNODE2', 'file-edit']]);
    expect(ops[0]!.diff).toContain('+  <SqlServerName>SSISLISTENER,1433</SqlServerName>');
    expect(await config.apply(ctx, ops[0]!, run)).toMatch(/^SQLNODE2: SqlServerName = SSISLISTENER,1433 \(backup .*MasterSettings\.config\..*\.bak\)$/);

    const after = await config.probe(ctx);
    expect(failing(after)).toEqual([]);
    expect(config.plan(ctx, after)).toEqual([]);
    const bytes = readHostFile(store, 'SQLNODE2', SETTINGS);
    expect(await config.apply(ctx, ops[0]!, run)).toBe('SQLNODE2: SqlServerName already SSISLISTENER,1433');
    expect(readHostFile(store, 'SQLNODE2', SETTINGS)).toEqual(bytes);
    expect(store.service('SQLNODE1', SVC)?.processId).toBe(pid1);
    expect(store.service('SQLNODE2', SVC)?.status).toBe('Stopped');
  }, 240_000);

  it('cluster-role: the half-done role passes; a secondary set to Automatic fails by name and is fixed once', async () => {
    expect(failing(await clusterRole.probe(ctx))).toEqual([]);
    store.updateService('SQLNODE2', SVC, { startType: 'Automatic' });
    const checks = await clusterRole.probe(ctx);
    expect(failing(checks)).toEqual(['service-manual@SQLNODE2']);
    const ops = clusterRole.plan(ctx, checks);
    expect(ops.map((o) => o.id)).toEqual(['set-manual@SQLNODE2']);
    expect(await clusterRole.apply(ctx, ops[0]!, run)).toBe(`SQLNODE2: ${SVC} start Automatic → Manual, Stopped`);
    const after = await clusterRole.probe(ctx);
    expect(failing(after)).toEqual([]);
    expect(clusterRole.plan(ctx, after)).toEqual([]);
    const before = JSON.stringify(store.service('SQLNODE2', SVC));
    expect(await clusterRole.apply(ctx, ops[0]!, run)).toBe(`SQLNODE2: ${SVC} already starts Manual (Stopped)`);
    expect(JSON.stringify(store.service('SQLNODE2', SVC))).toBe(before);
  }, 240_000);

  it.skipIf(!labHasTasks)('fresh: both steps from scratch; the role is created over WinRM through a scheduled task; applying again changes nothing', async () => {
    const res = await fetch(`${lab.endpoints.control.url}/reset`, {
      method: 'POST',
      headers: { authorization: `Bearer ${lab.endpoints.control.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'fresh' }),
    });
    expect(res.ok).toBe(true);
    await closeAllPools();
    for (const step of [config, clusterRole]) {
      const ops = step.plan(ctx, await step.probe(ctx));
      expect(ops.length).toBeGreaterThan(0);
      for (const op of ops) await step.apply(ctx, op, run);
      const after = await step.probe(ctx);
      expect(failing(after)).toEqual([]);
      expect(step.plan(ctx, after)).toEqual([]);
    }
    expect(store.clusterGroup('SSISCLU', 'SSISMASTER')).toMatchObject({ ownerNode: 'SQLNODE1', state: 'Online' });
    // Config ran before the role existed: both running masters were restarted; now the role runs it.
    const snapshot = () => JSON.stringify({ g: store.clusterGroups('SSISCLU'), r: store.clusterResources('SSISCLU'), s: [store.service('SQLNODE1', SVC), store.service('SQLNODE2', SVC)] });
    const before = snapshot();
    for (const step of [config, clusterRole]) expect(step.plan(ctx, await step.probe(ctx))).toEqual([]);
    expect(snapshot()).toBe(before);
  }, 480_000);
});
