// plan() from canned checks: pure, no target touched.
import { describe, expect, it } from 'vitest';
import type { Check } from '@/lib/engine/types';
import { exampleInventory } from '@/lib/inventory/example';
import { serviceNames } from '@/lib/inventory/schema';
import type { NodeFacts } from '../master-shared/facts';
import { plan } from './plan';

const inventory = { ...exampleInventory(), masterAccount: 'LAB\\svc-ssismaster' };
const ctx = { inventory, services: serviceNames('2022') };
const H = 'SQLNODE1';
const OLD = 'A'.repeat(40);
const FIT = 'B'.repeat(40);

const facts = (f: Partial<NodeFacts> = {}): NodeFacts => ({
  host: H,
  installed: true,
  account: 'LAB\\svc-ssismaster',
  boundThumbprint: OLD,
  appId: '{7c5b3b7e-6f1a-4d8e-9c25-3e1f0a6b8d42}',
  settingsPath: 'C:\\Program Files\\Microsoft SQL Server\\160\\DTS\\Binn\\MasterSettings.config',
  settingsExists: true,
  settingsThumbprint: OLD,
  target: null,
  settingsDiff: `-  <SSLCertThumbprint>${OLD}</SSLCertThumbprint>\n+  <SSLCertThumbprint><thumbprint of the new certificate></SSLCertThumbprint>`,
  ...f,
});
const c = (id: string, status: Check['status'], extra: object = {}): Check => ({ id: `${id}@${H}`, title: id, target: H, status, evidence: 'read', ...extra });
const checks = (s: Partial<Record<string, Check['status']>>, f: Partial<NodeFacts> = {}): Check[] => [
  c('master-installed', s.installed ?? 'pass', { facts: facts(f) }),
  c('master-account', s.account ?? 'pass'),
  c('cert-covers-dns-name', s.covers ?? 'pass'),
  c('cert-in-root', s.root ?? 'pass'),
  c('settings-thumbprint', s.settings ?? 'pass'),
  c('master-current-settings', s.current ?? 'pass'),
];

describe('primary plan', () => {
  it('is empty when every check passes, and when the node could not be read', () => {
    expect(plan(ctx, checks({}))).toEqual([]);
    expect(plan(ctx, checks({ installed: 'unknown', account: 'unknown', covers: 'unknown' }))).toEqual([]);
    expect(plan(ctx, [])).toEqual([]);
  });

  it('not installed: one manual operation with the setup command line and ConfigurationFile.ini, no password', () => {
    const ops = plan(ctx, [c('master-installed', 'fail', { facts: facts({ installed: false }) })]);
    expect(ops).toHaveLength(1);
    const [op] = ops;
    expect(op).toMatchObject({ id: 'setup@SQLNODE1', kind: 'manual', target: H });
    expect(op!.script).toContain('FEATURES=IS_Master');
    expect(op!.script).toContain('ISMASTERSVCACCOUNT="LAB\\svc-ssismaster"');
    expect(op!.script).toContain('ISMASTERSVCPORT="8391"');
    expect(op!.script).toContain('ISMasterSVCSSLCertCN="CN=SSISMASTER;CN=ssismaster.lab.example;CN=SQLNODE1;CN=sqlnode1.lab.example;CN=SQLNODE2;CN=sqlnode2.lab.example"');
    expect(op!.script).toMatch(/setup\.exe' \/Q \/ACTION=Install \/IACCEPTSQLSERVERLICENSETERMS \/CONFIGURATIONFILE=/);
    expect(op!.script).toContain('Get-Credential');
    expect(op!.script).not.toMatch(/ISMASTERSVCPASSWORD="[^$]/);
  });

  it('a certificate without the DNS host name: new certificate, rebind (confirmed), settings edit with diff, restart', () => {
    const ops = plan(ctx, checks({ covers: 'fail', settings: 'pass' }));
    expect(ops.map((o) => [o.id, o.kind, o.risk])).toEqual([
      ['new-certificate@SQLNODE1', 'powershell', 'medium'],
      ['rebind@SQLNODE1', 'powershell', 'high'],
      ['settings-thumbprint@SQLNODE1', 'file-edit', 'medium'],
      ['restart@SQLNODE1', 'powershell', 'medium'],
    ]);
    const rebind = ops[1]!;
    expect(rebind.confirmPhrase).toBe('rebind SQLNODE1');
    expect(rebind.script).toContain("netsh http add sslcert ipport=0.0.0.0:8391 certhash=<new certificate> appid='{7c5b3b7e-6f1a-4d8e-9c25-3e1f0a6b8d42}' certstorename=Root");
    expect(rebind.script).toContain('netsh http delete sslcert ipport=0.0.0.0:8391');
    expect(ops[2]!.diff).toContain('<thumbprint of the new certificate>');
    expect(ops[0]!.script).toContain('#   PfxPassword = ********');
    expect(ops[0]!.script).toContain('CN=SSISMASTER;');
  });

  it('a fit certificate already in Root is reused: no new certificate', () => {
    const ops = plan(ctx, checks({ covers: 'fail', settings: 'fail' }, { target: FIT, settingsDiff: 'diff' }));
    expect(ops.map((o) => o.id)).toEqual(['rebind@SQLNODE1', 'settings-thumbprint@SQLNODE1', 'restart@SQLNODE1']);
    expect(ops[0]!.script).toContain(`certhash=${FIT}`);
    expect(ops[0]!.script).toContain(`#   Thumbprint = '${FIT}'`);
  });

  it('only SSLCertThumbprint wrong: settings edit and restart, no rebind', () => {
    const ops = plan(ctx, checks({ settings: 'fail' }, { target: OLD, boundThumbprint: OLD, settingsThumbprint: FIT }));
    expect(ops.map((o) => o.id)).toEqual(['settings-thumbprint@SQLNODE1', 'restart@SQLNODE1']);
  });

  it('a running service older than its settings file: only the restart, once even with a certificate change', () => {
    expect(plan(ctx, checks({ current: 'fail' })).map((o) => [o.id, o.kind])).toEqual([['restart@SQLNODE1', 'powershell']]);
    expect(plan(ctx, checks({ current: 'fail' }))[0]!.script).toContain("ServiceName = 'SSISScaleOutMaster160'");
    const ops = plan(ctx, checks({ settings: 'fail', current: 'fail' }, { target: OLD, boundThumbprint: OLD, settingsThumbprint: FIT }));
    expect(ops.map((o) => o.id)).toEqual(['settings-thumbprint@SQLNODE1', 'restart@SQLNODE1']);
    // A warning (start time unreadable) plans nothing.
    expect(plan(ctx, checks({ current: 'warn' }))).toEqual([]);
  });

  it('a wrong account: change it with the password masked, high risk with a confirmation', () => {
    const ops = plan(ctx, checks({ account: 'fail' }, { account: 'NT Service\\SSISScaleOutMaster160' }));
    expect(ops).toHaveLength(1);
    const op = ops[0]!;
    expect(op).toMatchObject({ id: 'set-account@SQLNODE1', risk: 'high', confirmPhrase: 'change account on SQLNODE1' });
    expect(op.summary).toContain('instead of NT Service\\SSISScaleOutMaster160');
    expect(op.script).toContain('#   Password = ********');
    expect(op.script).toContain("#   Account = 'LAB\\svc-ssismaster'");
    expect(op.script).toContain('Invoke-CimMethod -MethodName Change');
  });
});
