// plan() from canned checks (pure), and probe when nodes cannot be reached.
import { describe, expect, it } from 'vitest';
import type { Check } from '@/lib/engine/types';
import { exampleInventory } from '@/lib/inventory/example';
import { serviceNames } from '@/lib/inventory/schema';
import type { StepContext } from '@/lib/steps/context';
import type { WinrmClient } from '@/lib/winrm';
import type { NodeFacts } from '../master-shared/facts';
import { step as primaryStep } from '../primary/index';
import { plan } from './plan';
import { probe } from './probe';

const base = exampleInventory();
// Three master nodes: N backup masters, not just one.
const inventory = { ...base, masters: [1, 2, 3].map((n) => ({ ...base.masters[0]!, hostName: `SQLNODE${n}`, fqdn: `sqlnode${n}.lab.example` })) };
const ctx = { inventory, services: serviceNames('2022') };
const SHARED = 'C'.repeat(40);
const OTHER = 'D'.repeat(40);

const facts = (host: string, f: Partial<NodeFacts> = {}): NodeFacts => ({
  host,
  installed: true,
  account: 'LAB\\svc-ssismaster',
  boundThumbprint: SHARED,
  appId: '{7c5b3b7e-6f1a-4d8e-9c25-3e1f0a6b8d42}',
  settingsPath: 'C:\\Program Files\\Microsoft SQL Server\\160\\DTS\\Binn\\MasterSettings.config',
  settingsExists: true,
  settingsThumbprint: SHARED,
  target: SHARED,
  settingsDiff: null,
  ...f,
});
const c = (id: string, host: string, status: Check['status'], extra: object = {}): Check => ({ id: `${id}@${host}`, title: id, target: host, status, evidence: 'read', ...extra });
const primaryOk = c('primary-certificate', 'SQLNODE1', 'pass', { facts: facts('SQLNODE1') });
const node = (host: string, s: Partial<Record<string, Check['status']>> = {}, f: Partial<NodeFacts> = {}): Check[] => [
  c('master-installed', host, s.installed ?? 'pass', { facts: facts(host, f) }),
  c('cert-in-root', host, s.root ?? 'pass'),
  c('master-account', host, s.account ?? 'pass'),
  c('cert-bound', host, s.bound ?? 'pass'),
  c('settings-thumbprint', host, s.settings ?? 'pass'),
  c('master-current-settings', host, s.current ?? 'pass'),
];

describe('secondary plan', () => {
  it('is empty when every node passes, and while the primary has no certificate to share', () => {
    expect(plan(ctx, [primaryOk, ...node('SQLNODE2'), ...node('SQLNODE3')])).toEqual([]);
    const broken = c('primary-certificate', 'SQLNODE1', 'fail');
    expect(plan(ctx, [broken, ...node('SQLNODE2', { root: 'fail', bound: 'fail' })])).toEqual([]);
  });

  it('a secondary whose running service predates its settings file gets only a restart', () => {
    const ops = plan(ctx, [primaryOk, ...node('SQLNODE2'), ...node('SQLNODE3', { current: 'fail' })]);
    expect(ops.map((o) => [o.id, o.target])).toEqual([['restart@SQLNODE3', 'SQLNODE3']]);
  });

  it('plans every secondary: a node with another certificate, and a node without the master', () => {
    const ops = plan(ctx, [
      primaryOk,
      ...node('SQLNODE2', { root: 'fail', bound: 'fail', settings: 'fail', account: 'fail' }, { boundThumbprint: OTHER, settingsThumbprint: OTHER, settingsDiff: 'd', account: 'NT Service\\SSISScaleOutMaster160' }),
      c('master-installed', 'SQLNODE3', 'fail', { facts: facts('SQLNODE3', { installed: false }) }),
      c('cert-in-root', 'SQLNODE3', 'fail'),
    ]);
    expect(ops.map((o) => [o.id, o.kind])).toEqual([
      ['import-certificate@SQLNODE2', 'powershell'],
      ['set-account@SQLNODE2', 'powershell'],
      ['rebind@SQLNODE2', 'powershell'],
      ['settings-thumbprint@SQLNODE2', 'file-edit'],
      ['restart@SQLNODE2', 'powershell'],
      ['import-certificate@SQLNODE3', 'powershell'],
      ['setup@SQLNODE3', 'manual'],
    ]);
    const importOp = ops[0]!;
    expect(importOp.script).toContain('master-export-pfx.ps1 on SQLNODE1');
    expect(importOp.script).toContain('master-import-pfx.ps1 on SQLNODE2');
    expect(importOp.script.match(/#   PfxPassword = \*{8}/g)).toHaveLength(2);
    expect(ops[2]!.script).toContain(`certhash=${SHARED} appid='{7c5b3b7e-6f1a-4d8e-9c25-3e1f0a6b8d42}' certstorename=Root`);
    expect(ops[2]!.confirmPhrase).toBe('rebind SQLNODE2');
    expect(ops[1]!.script).toContain('#   Password = ********');
    const setup = ops[6]!.script;
    expect(setup).toContain(`/ISMASTERSVCTHUMBPRINT=${SHARED}`);
    expect(setup).toContain(`ISMASTERSVCTHUMBPRINT="${SHARED}"`);
    expect(setup).not.toContain('ISMasterSVCSSLCertCN');
  });

  it('skips a node that could not be read', () => {
    const unreadable = node('SQLNODE2', { installed: 'unknown', root: 'unknown', account: 'unknown', bound: 'unknown', settings: 'unknown' });
    expect(plan(ctx, [primaryOk, ...unreadable])).toEqual([]);
  });
});

describe('unreachable nodes', () => {
  const refused = (host: string): WinrmClient => ({
    host,
    runCommand: () => Promise.reject(new Error('x')),
    testConnection: () => Promise.reject(new Error('x')),
    close: () => Promise.resolve(),
    runPowerShell: () => Promise.reject(new Error(`Connection refused by ${host}:5986 (TCP_REFUSED)`)),
  });
  const down: StepContext = {
    ...ctx,
    deploymentId: 'x',
    secret: () => undefined,
    setSecret: () => undefined,
    secretValues: () => [],
    sql: () => {
      throw new Error('no SQL');
    },
    winrm: refused,
    close: () => Promise.resolve(),
  };

  it('gives unknown checks naming the error, and an empty plan', async () => {
    const checks = await probe(down);
    expect(checks.length).toBeGreaterThan(3);
    expect(checks.every((x) => x.status === 'unknown')).toBe(true);
    expect(checks.find((x) => x.id === 'cert-bound@SQLNODE3')?.evidence).toBe('SQLNODE3 could not be read: Connection refused by SQLNODE3:5986 (TCP_REFUSED)');
    expect(plan(down, checks)).toEqual([]);

    const primary = await primaryStep.probe(down);
    // The node's six checks, and the catalog's (read through SQL, here unreachable too).
    expect(primary.map((x) => x.status)).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
    expect(primary.at(-1)).toMatchObject({ id: 'scaleout-enabled@SQLNODE1', evidence: 'SQLNODE1 could not be read: no SQL' });
    expect(primary[0]!.evidence).toContain('TCP_REFUSED');
    expect(primaryStep.plan(down, primary)).toEqual([]);
  });
});
