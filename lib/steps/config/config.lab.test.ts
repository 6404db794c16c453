// Step 5 end to end against the lab's simulated Windows: real pwsh runs the checked-in scripts
// with lib/winrm's bootstrap on each master node, and the lab state shows what they changed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApplyContext, Check } from '@/lib/engine/types';
import { hostPath, readHostFile } from '@/lib/lab/windows/hostfiles';
import { pwshStepLabPerFile, type PwshStepLab } from '../master-shared/pwsh-context.test-helper';
import { step } from './index';

let t: PwshStepLab;
pwshStepLabPerFile((started) => (t = started));

const SETTINGS = 'C:\\Program Files\\Microsoft SQL Server\\160\\DTS\\Binn\\MasterSettings.config';
const SVC = 'SSISScaleOutMaster160';
const LISTENER = 'SSISLISTENER,1433';
const run: ApplyContext = { log: () => undefined, signal: new AbortController().signal };
const byId = (checks: Check[], id: string) => checks.find((c) => c.id === id)!;
/** This context has no SQL: the file checks only (the login checks are unknown, see below). */
const files = (checks: Check[]) => checks.filter((c) => c.id.startsWith('sqlservername@'));
const file = (host: string) => readHostFile(t.lab.state.store, host, SETTINGS)!.toString('utf8');
const backups = (host: string) => fs.readdirSync(path.dirname(hostPath(t.lab.state.store, host, SETTINGS))).filter((f) => /^MasterSettings\.config\..*\.bak$/.test(f));
const pid = (host: string) => t.lab.state.store.service(host, SVC)!.processId;

async function applyAll() {
  const ops = step.plan(t.ctx, await step.probe(t.ctx));
  const results: string[] = [];
  for (const op of ops) results.push(String(await step.apply(t.ctx, op, run)));
  return { ops, results };
}

describe('config step against the lab (pwsh)', () => {
  it('fresh (no role yet, the master running on both nodes): SqlServerName names each node; both are edited and restarted, once', async () => {
    await t.reset('fresh');
    const before = { n1: file('SQLNODE1'), n2: file('SQLNODE2'), p1: pid('SQLNODE1'), p2: pid('SQLNODE2') };
    const checks = await step.probe(t.ctx);
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['master-login@SQLNODE1', 'unknown'],
      ['master-login@SQLNODE2', 'unknown'],
      ['master-user', 'unknown'],
      ['sqlservername@SQLNODE1', 'fail'],
      ['sqlservername@SQLNODE2', 'fail'],
    ]);
    // SQL that cannot be reached: unknown with the error, and no operation for it.
    expect(byId(checks, 'master-login@SQLNODE2').evidence).toBe('SQLNODE2 could not be read: no SQL in this test');
    expect(byId(checks, 'master-user').evidence).toContain('SQLNODE1: no SQL in this test; SQLNODE2: no SQL in this test');
    expect(byId(checks, 'sqlservername@SQLNODE1').evidence).toBe(`SqlServerName = SQLNODE1 in ${SETTINGS}; the listener is ${LISTENER}; ${SVC} is Running here`);

    const { ops, results } = await applyAll();
    expect(ops.map((o) => [o.id, o.kind])).toEqual([
      ['sqlservername@SQLNODE1', 'file-edit'],
      ['restart@SQLNODE1', 'powershell'],
      ['sqlservername@SQLNODE2', 'file-edit'],
      ['restart@SQLNODE2', 'powershell'],
    ]);
    expect(ops[0]!.diff).toContain('-  <SqlServerName>SQLNODE1</SqlServerName>');
    expect(ops[0]!.diff).toContain(`+  <SqlServerName>${LISTENER}</SqlServerName>`);
    expect(results[1]).toBe(`SQLNODE1: ${SVC} restarted (Running)`);

    // Only that value changed; the old file is kept as a backup beside it.
    for (const [h, old] of [['SQLNODE1', before.n1], ['SQLNODE2', before.n2]] as const) {
      expect(file(h)).toBe(old.replace(`<SqlServerName>${h}</SqlServerName>`, `<SqlServerName>${LISTENER}</SqlServerName>`));
      expect(backups(h)).toHaveLength(1);
    }
    expect(pid('SQLNODE1')).not.toBe(before.p1);
    expect(pid('SQLNODE2')).not.toBe(before.p2);

    const after = await step.probe(t.ctx);
    expect(files(after).filter((c) => c.status !== 'pass')).toEqual([]);
    expect(step.plan(t.ctx, after)).toEqual([]);

    // Applying the edits again changes nothing: no write, no new backup, no restart.
    const state = { f: file('SQLNODE1'), p: pid('SQLNODE1'), b: backups('SQLNODE1').length };
    expect(await step.apply(t.ctx, ops[0]!, run)).toBe(`SQLNODE1: SqlServerName already ${LISTENER}`);
    expect(await step.apply(t.ctx, ops[2]!, run)).toBe(`SQLNODE2: SqlServerName already ${LISTENER}`);
    expect({ f: file('SQLNODE1'), p: pid('SQLNODE1'), b: backups('SQLNODE1').length }).toEqual(state);
  }, 120_000);

  it('half-done (the role runs on SQLNODE1): both files are edited, only the owner cycles its role, SQLNODE2 stays stopped', async () => {
    await t.reset('half-done');
    const store = t.lab.state.store;
    expect(store.service('SQLNODE2', SVC)?.status).toBe('Stopped');
    const p1 = pid('SQLNODE1');
    const checks = await step.probe(t.ctx);
    // The lab's half-done file names another listener on SQLNODE1, and the node on SQLNODE2.
    expect(byId(checks, 'sqlservername@SQLNODE1').evidence).toBe(`SqlServerName = SSISAGL,1433 in ${SETTINGS}; the listener is ${LISTENER}; the cluster role SSISMASTER runs it on SQLNODE1`);
    expect(byId(checks, 'sqlservername@SQLNODE2').remediation).toContain('does not run here');

    const { ops, results } = await applyAll();
    expect(ops.map((o) => o.id)).toEqual(['sqlservername@SQLNODE1', 'restart@SQLNODE1', 'sqlservername@SQLNODE2']);
    expect(results[1]).toBe('SQLNODE1: role SSISMASTER cycled on SQLNODE1 (Online)');
    expect(pid('SQLNODE1')).not.toBe(p1);
    expect(store.service('SQLNODE2', SVC)).toMatchObject({ status: 'Stopped', startType: 'Manual' });
    expect(store.clusterGroup('SSISCLU', 'SSISMASTER')).toMatchObject({ ownerNode: 'SQLNODE1', state: 'Online' });

    const after = await step.probe(t.ctx);
    expect(files(after).filter((c) => c.status !== 'pass')).toEqual([]);
    expect(step.plan(t.ctx, after)).toEqual([]);
  }, 120_000);

  it('the restart on a node that is not the role owner does nothing there', async () => {
    await t.reset('half-done');
    const stopped = t.lab.state.store.service('SQLNODE2', SVC);
    const r = await step.apply(t.ctx, { id: 'restart@SQLNODE2', target: 'SQLNODE2', kind: 'powershell', summary: '', script: '', risk: 'medium' }, run);
    expect(r).toBe('SQLNODE2: the role SSISMASTER runs on SQLNODE1; nothing restarted here');
    expect(t.lab.state.store.service('SQLNODE2', SVC)).toEqual(stopped);
  }, 60_000);
});
