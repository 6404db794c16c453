// Step 1 end to end through the built-in lab: WinRM (real pwsh behind the lab's WinRM server)
// and TDS, with the demo deployment of that lab. Runs once the lab's WinRM executor loads the
// Windows simulation (lib/lab/windows-side.ts).
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
import { closeAllPools } from '@/lib/sql';
import { openDb, type Db } from '@/lib/store/db';
import { createStepContext, type StepContext } from '../context';
import { step } from './index';


let dir: string;
let lab: Lab;
let db: Db;
let box: SecretBox;
let ctx: StepContext;
const extra: StepContext[] = [];

/** The lab's Windows state: in the SQL side's database, or in another SQLite file of the run. */
function windowsStore(): WindowsStore {
  const hasTables = (d: Database.Database) => !!d.prepare("SELECT 1 FROM sqlite_master WHERE name = 'win_features'").get();
  if (hasTables(lab.engine.db)) return new WindowsStore(lab.engine.db, dir);
  for (const f of fs.readdirSync(dir).filter((n) => /\.(db|sqlite)$/.test(n))) {
    const d = new Database(path.join(dir, f));
    if (hasTables(d)) return new WindowsStore(d, dir);
    d.close();
  }
  throw new Error('The lab has no Windows state');
}

const run = (log: string[]): ApplyContext => ({ log: (t, text) => log.push(`${t}: ${text}`), signal: new AbortController().signal });
const byKey = (checks: Check[]) => new Map(checks.map((c) => [`${c.id}@${c.target}`, c]));
const notPassing = (checks: Check[]) => checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}@${c.target}: ${c.status}: ${c.evidence}`);

async function restartInstance(name: string) {
  for (const action of ['stop', 'start']) {
    const r = await fetch(`${lab.endpoints.control.url}/instances/${name}/${action}`, { method: 'POST', headers: { authorization: `Bearer ${lab.endpoints.control.token}` } });
    expect(r.ok).toBe(true);
  }
}

describe('prereqs through the lab', () => {
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prereqs-lab-'));
    lab = await startLab({ scenario: 'fresh', stateDir: path.join(dir), token: 'prereqs-test', workers: 1 });
    db = openDb(path.join(dir, 'wizard.db'));
    box = new SecretBox(crypto.randomBytes(32));
    const id = saveDeployment({ db, box }, null, inventoryFromLab(lab.endpoints)).id;
    ctx = createStepContext({ db, box }, id);
  }, 120_000);
  afterAll(async () => {
    await Promise.allSettled([ctx?.close(), ...extra.map((c) => c.close())]);
    await closeAllPools();
    await lab?.close();
    db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('probes the fresh lab: everything passes and the plan is empty', async () => {
    const checks = await step.probe(ctx);
    expect(notPassing(checks)).toEqual([]);
    const k = byKey(checks);
    expect(k.get('feature-failover-clustering@SQLNODE1')?.evidence).toBe('Failover-Clustering: Installed; RSAT-Clustering-PowerShell: Installed; RSAT-Clustering-Mgmt: Installed');
    expect(k.get('cluster-membership@SQLNODE2')?.evidence).toContain('SSISCLU');
    expect(k.get('cluster-node-up@SQLNODE2')?.evidence).toContain('Up');
    expect(k.get('hadr-enabled@SQLNODE1')?.evidence).toContain("SERVERPROPERTY('IsHadrEnabled') = 1");
    expect([...k.keys()]).toEqual(expect.arrayContaining(['winrm-reachable@SQLNODE1', 'sql-reachable@SQLNODE2', 'dns-free-ssismaster@SSISMASTER', 'dns-free-ssislistener@SSISLISTENER']));
    expect(step.plan(ctx, checks)).toEqual([]);
  }, 120_000);

  it('finds a node without the feature and Always On off; installs the feature without restarting; verifies', async () => {
    const store = windowsStore();
    for (const f of ['Failover-Clustering', 'RSAT-Clustering', 'RSAT-Clustering-Mgmt', 'RSAT-Clustering-PowerShell']) store.setFeatureState('SQLNODE2', f, 'Available');
    lab.engine.setHadrEnabledPending('SQLNODE2', false);
    await restartInstance('SQLNODE2');

    const checks = await step.probe(ctx);
    const k = byKey(checks);
    expect(k.get('feature-failover-clustering@SQLNODE2')).toMatchObject({ status: 'fail', evidence: expect.stringContaining('Failover-Clustering: Available') });
    expect(k.get('hadr-enabled@SQLNODE2')).toMatchObject({ status: 'fail', evidence: expect.stringContaining('= 0') });
    const plan = step.plan(ctx, checks);
    expect(plan.map((o) => [o.id, o.kind])).toEqual([
      ['install-failover-clustering@SQLNODE2', 'powershell'],
      ['hadr-enabled@SQLNODE2', 'manual'],
    ]);
    expect(plan[1]?.script).toContain("Enable-SqlAlwaysOn -ServerInstance 'SQLNODE2' -Force");

    const log: string[] = [];
    const result = await step.apply(ctx, plan[0]!, run(log));
    expect(result).toContain('RestartNeeded: Yes');
    expect(store.host('SQLNODE2')).toMatchObject({ up: true, pendingReboot: true });
    await expect(step.apply(ctx, plan[1]!, run(log))).rejects.toThrow('manual operation');

    // Verify: installed, waiting for the restart only the DBA does.
    const after = await step.probe(ctx);
    const a = byKey(after);
    expect(a.get('feature-failover-clustering@SQLNODE2')?.status).toBe('pass');
    expect(a.get('restart-pending@SQLNODE2')?.status).toBe('fail');
    expect(step.plan(ctx, after).map((o) => [o.id, o.kind])).toEqual([
      ['restart-pending@SQLNODE2', 'manual'],
      ['hadr-enabled@SQLNODE2', 'manual'],
    ]);
    // Applying again changes nothing.
    expect(await step.apply(ctx, plan[0]!, run(log))).toContain('nothing to install');

    // The DBA restarts the node and enables Always On; then the step is done.
    for (const f of ['Failover-Clustering', 'RSAT-Clustering', 'RSAT-Clustering-Mgmt', 'RSAT-Clustering-PowerShell']) store.setFeatureState('SQLNODE2', f, 'Installed');
    store.setHostFields('SQLNODE2', { pendingReboot: false });
    lab.engine.setHadrEnabledPending('SQLNODE2', true);
    await restartInstance('SQLNODE2');
    const done = await step.probe(ctx);
    expect(notPassing(done)).toEqual([]);
    expect(step.plan(ctx, done)).toEqual([]);
  }, 240_000);

  it('a wrong WinRM password gives a failing reachability check naming the 401, not a crash', async () => {
    const id = saveDeployment({ db, box }, null, { ...inventoryFromLab(lab.endpoints), name: 'wrong password', winrmPassword: 'not-the-password' }).id;
    const bad = createStepContext({ db, box }, id);
    extra.push(bad);
    const checks = await step.probe(bad);
    const k = byKey(checks);
    const w = k.get('winrm-reachable@SQLNODE1');
    expect(w?.status).toBe('fail');
    expect(w?.evidence).toContain('auth layer, HTTP_UNAUTHORIZED');
    expect(w?.evidence).toContain('401');
    expect(w?.remediation).toContain('password');
    expect(k.get('feature-failover-clustering@SQLNODE1')?.status).toBe('unknown');
    expect(k.get('sql-reachable@SQLNODE1')?.status).toBe('pass');
    expect(step.plan(bad, checks).map((o) => o.id)).toEqual(['winrm-reachable@SQLNODE1', 'winrm-reachable@SQLNODE2']);
  }, 120_000);
});
