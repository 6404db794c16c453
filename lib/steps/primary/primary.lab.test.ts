// Step 2 end to end against the lab's simulated Windows: real pwsh runs the checked-in scripts
// with lib/winrm's bootstrap on SQLNODE1, and the lab state shows what they changed.
import { describe, expect, it } from 'vitest';
import type { ApplyContext, Check } from '@/lib/engine/types';
import { pwshStepLabPerFile, type PwshStepLab } from '../master-shared/pwsh-context.test-helper';
import { step } from './index';

let t: PwshStepLab;
pwshStepLabPerFile((started) => (t = started));

const logs: string[] = [];
const run: ApplyContext = { log: (target, text) => logs.push(`${target}: ${text}`), signal: new AbortController().signal };
const byId = (checks: Check[], id: string) => checks.find((c) => c.id === id);
// This context has no SQL: the catalog check (catalog.lab.test.ts covers it on the full lab) is
// unknown here and plans nothing; these tests are about the node's checks.
const CATALOG = 'scaleout-enabled@SQLNODE1';
const nodeOnly = (checks: Check[]) => {
  expect(byId(checks, CATALOG)).toMatchObject({ status: 'unknown', evidence: 'SQLNODE1 could not be read: no SQL in this test' });
  return checks.filter((c) => c.id !== CATALOG);
};

describe('primary step against the lab (pwsh)', () => {
  it('fresh: every check passes with real evidence and the plan is empty', async () => {
    await t.reset('fresh');
    const checks = nodeOnly(await step.probe(t.ctx));
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['master-installed@SQLNODE1', 'pass'],
      ['master-account@SQLNODE1', 'pass'],
      ['cert-covers-dns-name@SQLNODE1', 'pass'],
      ['cert-in-root@SQLNODE1', 'pass'],
      ['settings-thumbprint@SQLNODE1', 'pass'],
      ['master-current-settings@SQLNODE1', 'pass'],
    ]);
    const bound = t.lab.state.store.sslBinding('SQLNODE1', '0.0.0.0:8391')!.certHash.toUpperCase();
    expect(byId(checks, 'cert-covers-dns-name@SQLNODE1')?.evidence).toContain(bound);
    expect(byId(checks, 'cert-covers-dns-name@SQLNODE1')?.evidence).toContain('SSISMASTER');
    expect(byId(checks, 'master-account@SQLNODE1')?.evidence).toBe('StartName = LAB\\svc-ssismaster (a domain account)');
    expect(byId(checks, 'settings-thumbprint@SQLNODE1')?.evidence).toContain(`SSLCertThumbprint = ${bound}`);
    expect(step.plan(t.ctx, checks)).toEqual([]);
  }, 60_000);

  it('misconfigured: the certificate without SSISMASTER fails, and applying the plan fixes it once', async () => {
    await t.reset('misconfigured');
    const store = t.lab.state.store;
    const oldThumb = store.sslBinding('SQLNODE1', '0.0.0.0:8391')!.certHash.toUpperCase();
    const checks = await step.probe(t.ctx);
    const covers = byId(checks, 'cert-covers-dns-name@SQLNODE1')!;
    expect(covers.status).toBe('fail');
    expect(covers.evidence).toContain(oldThumb);
    expect(covers.evidence).toContain('SSISMASTER is not among them');
    expect(byId(checks, 'master-account@SQLNODE1')?.status).toBe('pass');

    const ops = step.plan(t.ctx, checks);
    expect(ops.map((o) => o.id)).toEqual(['new-certificate@SQLNODE1', 'rebind@SQLNODE1', 'settings-thumbprint@SQLNODE1', 'restart@SQLNODE1']);
    expect(ops.find((o) => o.id.startsWith('rebind'))).toMatchObject({ risk: 'high', confirmPhrase: 'rebind SQLNODE1' });
    expect(ops.find((o) => o.kind === 'file-edit')?.diff).toContain(`-  <SSLCertThumbprint>${oldThumb}</SSLCertThumbprint>`);
    for (const op of ops) await step.apply(t.ctx, op, run);

    const bound = store.sslBinding('SQLNODE1', '0.0.0.0:8391')!;
    const newThumb = bound.certHash.toUpperCase();
    expect(newThumb).not.toBe(oldThumb);
    // The appid setup registered is kept; the certificate comes from Root, with its key.
    expect(bound).toMatchObject({ appId: '{7c5b3b7e-6f1a-4d8e-9c25-3e1f0a6b8d42}', certStoreName: 'Root' });
    expect(store.certificate('SQLNODE1', 'Root', newThumb)).toMatchObject({ hasPrivateKey: true, exportable: true });

    const again = nodeOnly(await step.probe(t.ctx));
    expect(again.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(byId(again, 'settings-thumbprint@SQLNODE1')?.evidence).toContain(`SSLCertThumbprint = ${newThumb}`);
    expect(step.plan(t.ctx, again)).toEqual([]);

    // Applying the same operations a second time changes nothing.
    const snapshot = JSON.stringify({ b: store.sslBinding('SQLNODE1', '0.0.0.0:8391'), root: store.certificates('SQLNODE1', 'Root').map((c) => c.thumbprint).sort() });
    const results = [];
    for (const op of ops) results.push(String(await step.apply(t.ctx, op, run)));
    expect(results.slice(0, 3).every((r) => /already/.test(r))).toBe(true);
    expect(JSON.stringify({ b: store.sslBinding('SQLNODE1', '0.0.0.0:8391'), root: store.certificates('SQLNODE1', 'Root').map((c) => c.thumbprint).sort() })).toBe(snapshot);
  }, 120_000);

  it('a restart that never ran after the certificate change: only the current-settings check fails, the plan restarts, then all pass', async () => {
    await t.reset('misconfigured');
    const store = t.lab.state.store;
    const ops = step.plan(t.ctx, await step.probe(t.ctx));
    expect(ops.at(-1)?.id).toBe('restart@SQLNODE1');
    const pidBefore = store.service('SQLNODE1', 'SSISScaleOutMaster160')!.processId;
    // The job is interrupted before the restart: the settings are written, the binding changed.
    for (const op of ops.slice(0, -1)) await step.apply(t.ctx, op, run);
    expect(store.service('SQLNODE1', 'SSISScaleOutMaster160')).toMatchObject({ status: 'Running', processId: pidBefore });

    const stale = nodeOnly(await step.probe(t.ctx));
    expect(stale.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status])).toEqual([['master-current-settings@SQLNODE1', 'fail']]);
    const current = byId(stale, 'master-current-settings@SQLNODE1')!;
    expect(current.title).toBe('SSISScaleOutMaster160 runs with the current settings');
    expect(current.evidence).toMatch(new RegExp(`^Running, process ${pidBefore} started \\S+Z; .*MasterSettings\\.config last written \\S+Z`));
    const [startedAt, writtenAt] = [...current.evidence.matchAll(/(\d{4}-\d\d-\d\dT[\d:.]+Z)/g)].map((m) => Date.parse(m[1]!));
    expect(startedAt).toBeLessThan(writtenAt!);
    const restartOnly = step.plan(t.ctx, stale);
    expect(restartOnly.map((o) => o.id)).toEqual(['restart@SQLNODE1']);

    expect(await step.apply(t.ctx, restartOnly[0]!, run)).toMatch(/restarted \(Running\)/);
    expect(store.service('SQLNODE1', 'SSISScaleOutMaster160')!.processId).not.toBe(pidBefore);
    const after = nodeOnly(await step.probe(t.ctx));
    expect(after.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(step.plan(t.ctx, after)).toEqual([]);
  }, 120_000);
});
