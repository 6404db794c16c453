// Step 3 end to end against the lab's simulated Windows (real pwsh, lib/winrm's bootstrap).
import { describe, expect, it } from 'vitest';
import type { ApplyContext, Check } from '@/lib/engine/types';
import { pwshStepLabPerFile, type PwshStepLab } from '../master-shared/pwsh-context.test-helper';
import { step as primaryStep } from '../primary/index';
import { step } from './index';

let t: PwshStepLab;
pwshStepLabPerFile((started) => (t = started));

const run: ApplyContext = { log: () => undefined, signal: new AbortController().signal };
const byId = (checks: Check[], id: string) => checks.find((c) => c.id === id)!;

describe('secondary step against the lab (pwsh)', () => {
  it('fresh: every check passes and the plan is empty', async () => {
    await t.reset('fresh');
    const checks = await step.probe(t.ctx);
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['primary-certificate@SQLNODE1', 'pass'],
      ['master-installed@SQLNODE2', 'pass'],
      ['cert-in-root@SQLNODE2', 'pass'],
      ['master-account@SQLNODE2', 'pass'],
      ['cert-bound@SQLNODE2', 'pass'],
      ['settings-thumbprint@SQLNODE2', 'pass'],
      ['master-current-settings@SQLNODE2', 'pass'],
      ['thumbprints-equal', 'pass'],
    ]);
    const shared = t.lab.state.store.sslBinding('SQLNODE1', '0.0.0.0:8391')!.certHash.toUpperCase();
    expect(byId(checks, 'thumbprints-equal').evidence).toBe(
      `SQLNODE1: bound ${shared}, SSLCertThumbprint ${shared}; SQLNODE2: bound ${shared}, SSLCertThumbprint ${shared}`,
    );
    expect(step.plan(t.ctx, checks)).toEqual([]);
  }, 60_000);

  it('misconfigured: waits for step 2, then another certificate and a virtual account on SQLNODE2 are fixed once', async () => {
    await t.reset('misconfigured');
    const store = t.lab.state.store;
    const first = await step.probe(t.ctx);
    expect(byId(first, 'primary-certificate@SQLNODE1').status).toBe('fail');
    expect(byId(first, 'master-account@SQLNODE2')).toMatchObject({
      status: 'fail',
      evidence: 'StartName = NT Service\\SSISScaleOutMaster160 (a virtual account, local to this node)',
    });
    // Nothing is copied from a primary whose certificate is wrong.
    expect(step.plan(t.ctx, first)).toEqual([]);

    for (const op of primaryStep.plan(t.ctx, await primaryStep.probe(t.ctx))) await primaryStep.apply(t.ctx, op, run);
    const shared = store.sslBinding('SQLNODE1', '0.0.0.0:8391')!.certHash.toUpperCase();
    const other = store.sslBinding('SQLNODE2', '0.0.0.0:8391')!.certHash.toUpperCase();

    const checks = await step.probe(t.ctx);
    expect(byId(checks, 'primary-certificate@SQLNODE1').status).toBe('pass');
    expect(byId(checks, 'cert-in-root@SQLNODE2').status).toBe('fail');
    expect(byId(checks, 'cert-bound@SQLNODE2')).toMatchObject({ status: 'fail' });
    expect(byId(checks, 'cert-bound@SQLNODE2').evidence).toContain(`certhash ${other}`);
    expect(byId(checks, 'cert-bound@SQLNODE2').evidence).toContain(`the shared certificate is ${shared}`);
    expect(byId(checks, 'master-account@SQLNODE2').status).toBe('fail');
    expect(byId(checks, 'thumbprints-equal').status).toBe('fail');

    const ops = step.plan(t.ctx, checks);
    expect(ops.map((o) => o.id)).toEqual(['import-certificate@SQLNODE2', 'set-account@SQLNODE2', 'rebind@SQLNODE2', 'settings-thumbprint@SQLNODE2', 'restart@SQLNODE2']);
    expect(ops.find((o) => o.kind === 'file-edit')?.diff).toContain(`+  <SSLCertThumbprint>${shared}</SSLCertThumbprint>`);
    for (const op of ops) await step.apply(t.ctx, op, run);

    expect(store.sslBinding('SQLNODE2', '0.0.0.0:8391')).toMatchObject({ certHash: shared.toLowerCase(), certStoreName: 'Root', appId: '{7c5b3b7e-6f1a-4d8e-9c25-3e1f0a6b8d42}' });
    expect(store.certificate('SQLNODE2', 'Root', shared)).toMatchObject({ hasPrivateKey: true, exportable: false });
    expect(store.service('SQLNODE2', 'SSISScaleOutMaster160')).toMatchObject({ startName: 'LAB\\svc-ssismaster', status: 'Running' });

    const again = await step.probe(t.ctx);
    expect(again.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(step.plan(t.ctx, again)).toEqual([]);

    const snapshot = () => JSON.stringify({ b: store.sslBinding('SQLNODE2', '0.0.0.0:8391'), root: store.certificates('SQLNODE2', 'Root').map((c) => c.thumbprint).sort(), s: store.service('SQLNODE2', 'SSISScaleOutMaster160')?.startName });
    const before = snapshot();
    const results: string[] = [];
    for (const op of ops.slice(0, 4)) results.push(String(await step.apply(t.ctx, op, run)));
    expect(results.every((r) => /already/.test(r))).toBe(true);
    expect(snapshot()).toBe(before);
  }, 400_000);
});
