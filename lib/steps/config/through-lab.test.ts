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
import { writeHeartbeat } from '@/lib/lab/physics/heartbeat';
import { viewMaster } from '@/lib/lab/physics/master';
import { WindowsState, WindowsStore } from '@/lib/lab/windows';
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
const WORKER = { agentId: '0F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0', machineName: 'PROBEWORKER', displayName: 'PROBEWORKER', userAccount: 'LAB\\svc-ssisworker' };
/** One heartbeat as the lab's physics writes it: the role owner's master, through its own SqlServerName, as its service account. */
function heartbeat() {
  const v = viewMaster(new WindowsState(winDb, dir), 'SSISMASTER');
  if (!v.serving) throw new Error(`the master does not serve: ${v.reason}`);
  return writeHeartbeat(lab.engine, { ownerNode: v.role.ownerNode, sqlServerName: v.settings?.sqlServerName, serviceAccount: v.serviceAccount, checkLogin: true }, WORKER);
}

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
  it('config: the master account has no login; logins, then its SSISDB user, then SQLNODE2\'s file; the heartbeat then works; twice changes nothing', async () => {
    const account = ctx.inventory.masterAccount;
    const checks = await config.probe(ctx);
    expect(failing(checks)).toEqual(['master-login@SQLNODE1', 'master-login@SQLNODE2', 'master-user', 'sqlservername@SQLNODE2']);
    expect(checks.find((c) => c.id === 'master-login@SQLNODE2')?.evidence).toBe(`No Windows login named ${account} in sys.server_principals on SQLNODE2`);
    expect(checks.find((c) => c.id === 'master-user')?.evidence).toBe(`No login for ${account} on SQLNODE1 (the primary replica of ${ctx.inventory.agName}), so no SSISDB user maps to it yet`);
    expect(checks.find((c) => c.id === 'sqlservername@SQLNODE1')?.evidence).toContain('SqlServerName = SSISLISTENER,1433');
    // The master on SQLNODE1 already names the listener, but cannot sign in through it.
    const refused = heartbeat();
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.message).toContain(`Login failed for user '${account}'`);

    const pid1 = store.service('SQLNODE1', SVC)?.processId;
    const ops = config.plan(ctx, checks);
    expect(ops.map((o) => [o.id, o.kind, o.target])).toEqual([
      ['master-login@SQLNODE1', 'tsql', 'SQLNODE1'],
      ['master-login@SQLNODE2', 'tsql', 'SQLNODE2'],
      ['master-user', 'tsql', 'SQLNODE1'],
      ['sqlservername@SQLNODE2', 'file-edit', 'SQLNODE2'],
    ]);
    expect(ops[0]!.script).toBe(`CREATE LOGIN [${account}] FROM WINDOWS;`);
    expect(ops[2]!.script).toBe(`USE [SSISDB];\nCREATE USER [${account}] FOR LOGIN [${account}];\nALTER ROLE [ssis_admin] ADD MEMBER [${account}];`);
    const results: string[] = [];
    for (const op of ops) results.push(String(await config.apply(ctx, op, run)));
    expect(results.slice(0, 3)).toEqual([`SQLNODE1: created the login ${account}`, `SQLNODE2: created the login ${account}`, `SQLNODE1: created the SSISDB user ${account}, added ${account} to ssis_admin`]);
    expect(results[3]).toMatch(/^SQLNODE2: SqlServerName = SSISLISTENER,1433 \(backup .*MasterSettings\.config\..*\.bak\)$/);

    const after = await config.probe(ctx);
    expect(failing(after)).toEqual([]);
    expect(after.find((c) => c.id === 'master-user')?.evidence).toBe(`SSISDB user ${account} on SQLNODE1, roles: ssis_admin`);
    expect(config.plan(ctx, after)).toEqual([]);
    expect(heartbeat()).toEqual({ ok: true, instance: 'SQLNODE1' });

    // Applying every operation again changes nothing.
    const bytes = readHostFile(store, 'SQLNODE2', SETTINGS);
    const again: string[] = [];
    for (const op of ops) again.push(String(await config.apply(ctx, op, run)));
    expect(again).toEqual([
      `SQLNODE1: the login ${account} already exists and is enabled`,
      `SQLNODE2: the login ${account} already exists and is enabled`,
      `SQLNODE1: the SSISDB user ${account} is already in ssis_admin`,
      'SQLNODE2: SqlServerName already SSISLISTENER,1433',
    ]);
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

  it('fresh: both steps from scratch; the role is created over WinRM through a scheduled task; applying again changes nothing', async () => {
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
