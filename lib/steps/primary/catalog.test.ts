// Step 2's catalog check and its operations, from canned readings: pure, no target touched.
import { describe, expect, it } from 'vitest';
import type { Check } from '@/lib/engine/types';
import { exampleInventory } from '@/lib/inventory/example';
import { serviceNames } from '@/lib/inventory/schema';
import { catalogCheck, catalogOps, type CatalogRead } from './catalog';
import { plan } from './plan';

const ctx = { inventory: { ...exampleInventory(), masterAccount: 'LAB\\svc-ssismaster' }, services: serviceNames('2022') };
const H = 'SQLNODE1';

const enabled = (value: string | null, extra: Partial<Extract<CatalogRead, { ssisdb: true }>> = {}): CatalogRead => ({
  ok: true,
  host: H,
  server: H,
  ssisdb: true,
  readOn: H,
  readServer: H,
  inAg: false,
  value,
  ...extra,
});
const noSsisdb: CatalogRead = { ok: true, host: H, server: H, ssisdb: false };

/** The master service's checks, all passing unless `installed` says otherwise. */
const nodeChecks = (installed: Check['status'] = 'pass'): Check[] => [
  {
    id: `master-installed@${H}`,
    title: 'installed',
    target: H,
    status: installed,
    evidence: 'read',
    facts: {
      host: H,
      installed: installed !== 'fail',
      account: 'LAB\\svc-ssismaster',
      boundThumbprint: null,
      appId: null,
      settingsPath: 'C:\\x\\MasterSettings.config',
      settingsExists: true,
      settingsThumbprint: null,
      target: null,
      settingsDiff: null,
    },
  } as Check,
  ...(installed === 'fail' ? [] : ['master-account', 'cert-covers-dns-name', 'cert-in-root', 'settings-thumbprint', 'master-current-settings'].map((id): Check => ({ id: `${id}@${H}`, title: id, target: H, status: 'pass', evidence: 'read' }))),
];

describe('the catalog check', () => {
  it('passes on IS_SCALEOUT_ENABLED = TRUE (any case), with the value read as evidence', () => {
    const c = catalogCheck(enabled('TRUE'));
    expect(c).toMatchObject({ id: 'scaleout-enabled@SQLNODE1', target: H, status: 'pass', evidence: "SSISDB.catalog.master_properties on SQLNODE1: IS_SCALEOUT_ENABLED = 'TRUE'." });
    expect(c.remediation).toBeUndefined();
    expect(catalogCheck(enabled('true')).status).toBe('pass');
  });

  it('fails on FALSE or a missing row, saying what it means and how it is fixed', () => {
    const f = catalogCheck(enabled('FALSE'));
    expect(f.status).toBe('fail');
    expect(f.evidence).toBe("SSISDB.catalog.master_properties on SQLNODE1: IS_SCALEOUT_ENABLED = 'FALSE'.");
    expect(f.remediation).toContain('without "Enable this server as SSIS scale out master"');
    expect(f.remediation).toContain('##MS_SSISLogDBWorkerAgentLogin##');
    expect(f.remediation).toContain('Run EXEC SSISDB.catalog.enable_scaleout; once on SQLNODE1 as sysadmin');
    const missing = catalogCheck(enabled(null));
    expect(missing.status).toBe('fail');
    expect(missing.evidence).toBe('SSISDB.catalog.master_properties on SQLNODE1: no IS_SCALEOUT_ENABLED row.');
  });

  it('fails when SSISDB does not exist, telling to create the catalog with the scale out master option', () => {
    const c = catalogCheck(noSsisdb);
    expect(c).toMatchObject({ status: 'fail', evidence: 'sys.databases on SQLNODE1: no SSISDB database.' });
    expect(c.remediation).toContain('Create Catalog');
    expect(c.remediation).toContain('"Enable this server as SSIS scale out master"');
  });

  it('is unknown when the instance cannot be read, naming the error', () => {
    const c = catalogCheck({ ok: false, host: H, error: 'Login to sqlnode1 failed.' });
    expect(c).toMatchObject({ id: 'scaleout-enabled@SQLNODE1', status: 'unknown', evidence: 'SQLNODE1 could not be read: Login to sqlnode1 failed.' });
    expect(catalogOps(c, true)).toEqual([]);
  });

  it('after a failover it says where it was read; the id stays the primary node\'s', () => {
    const c = catalogCheck(enabled('TRUE', { readOn: 'SQLNODE2', readServer: 'SQLNODE2', why: 'the primary replica of SSISDB-AG; SSISDB on SQLNODE1 is a secondary replica', inAg: true }));
    expect(c).toMatchObject({ id: 'scaleout-enabled@SQLNODE1', target: 'SQLNODE2', status: 'pass' });
    expect(c.evidence).toBe("SSISDB.catalog.master_properties on SQLNODE2 (the primary replica of SSISDB-AG; SSISDB on SQLNODE1 is a secondary replica): IS_SCALEOUT_ENABLED = 'TRUE'.");
  });
});

describe('the catalog in the plan', () => {
  it('IS_SCALEOUT_ENABLED not TRUE: exactly EXEC SSISDB.catalog.enable_scaleout on the primary, with the run-once warning', () => {
    const ops = plan(ctx, [...nodeChecks(), catalogCheck(enabled('FALSE'))]);
    expect(ops.map((o) => [o.id, o.target, o.kind, o.risk])).toEqual([['enable-scaleout@SQLNODE1', H, 'tsql', 'medium']]);
    const [op] = ops;
    expect(op!.confirmPhrase).toBeUndefined();
    const lines = op!.script.split('\n');
    // The one statement that runs, last; the rest are comments.
    expect(lines.at(-1)).toBe('EXEC SSISDB.catalog.enable_scaleout;');
    expect(lines.slice(0, -1).every((l) => l.startsWith('--'))).toBe(true);
    expect(op!.script).toMatch(/Once only, and before HA/);
    expect(op!.script).toContain('drops and recreates ##MS_SSISLogDBWorkerAgentLogin##');
    expect(op!.script).toContain('NEW SID and a random password');
    expect(op!.script).toMatch(/after step 6[\s\S]*orphans the login on every\s*(--\s*)?secondary/);
    expect(op!.script).toContain('error 27260');
    expect(op!.script).toContain('error 27261');
    expect(plan(ctx, [...nodeChecks(), catalogCheck(enabled(null))]).map((o) => o.id)).toEqual(['enable-scaleout@SQLNODE1']);
  });

  it('is planned only while IS_SCALEOUT_ENABLED is not TRUE: nothing once it is', () => {
    expect(plan(ctx, [...nodeChecks(), catalogCheck(enabled('TRUE'))])).toEqual([]);
  });

  it('SSISDB already in an availability group: high risk, a typed confirmation, and step 6 named', () => {
    const [op] = plan(ctx, [...nodeChecks(), catalogCheck(enabled('FALSE', { inAg: true }))]);
    expect(op).toMatchObject({ id: 'enable-scaleout@SQLNODE1', risk: 'high', confirmPhrase: 'enable scale out on SQLNODE1' });
    expect(op!.summary).toContain('step 6 must run again');
  });

  it('runs where it was read after a failover', () => {
    const ops = plan(ctx, [...nodeChecks(), catalogCheck(enabled('FALSE', { readOn: 'SQLNODE2', readServer: 'SQLNODE2', inAg: true }))]);
    expect(ops.map((o) => [o.id, o.target])).toEqual([['enable-scaleout@SQLNODE2', 'SQLNODE2']]);
    expect(ops[0]!.script.split('\n')[0]).toBe('-- On SQLNODE2, database master.');
  });

  it('no SSISDB: a manual Create Catalog with the scale out master option, and no T-SQL', () => {
    const ops = plan(ctx, [...nodeChecks(), catalogCheck(noSsisdb)]);
    expect(ops.map((o) => [o.id, o.kind])).toEqual([['create-catalog@SQLNODE1', 'manual']]);
    const script = ops[0]!.script;
    expect(script).toContain('connect Object Explorer to SQLNODE1');
    expect(script).toContain('"Integration Services Catalogs" > "Create Catalog..."');
    expect(script).toContain('Tick "Enable this server as SSIS scale out master"');
    expect(script).not.toContain('EXEC ');
  });

  it('master not installed: setup first; enable_scaleout waits for it (27261 otherwise), Create Catalog does not', () => {
    expect(plan(ctx, [...nodeChecks('fail'), catalogCheck(enabled('FALSE'))]).map((o) => o.id)).toEqual(['setup@SQLNODE1']);
    expect(plan(ctx, [...nodeChecks('fail'), catalogCheck(noSsisdb)]).map((o) => o.id)).toEqual(['setup@SQLNODE1', 'create-catalog@SQLNODE1']);
    // The node unreadable over WinRM: the catalog's operation is still planned (the procedure checks the feature itself).
    expect(plan(ctx, [...nodeChecks('unknown'), catalogCheck(enabled('FALSE'))]).map((o) => o.id)).toEqual(['enable-scaleout@SQLNODE1']);
  });

  it('stored checks without valid facts plan nothing for the catalog', () => {
    const withFacts = catalogCheck(enabled('FALSE'));
    expect(catalogOps(withFacts, true)).toHaveLength(1);
    expect(catalogOps({ ...withFacts, facts: { host: H } } as Check, true)).toEqual([]);
    const bare: Check = { id: withFacts.id, title: withFacts.title, target: withFacts.target, status: withFacts.status, evidence: withFacts.evidence };
    expect(catalogOps(bare, true)).toEqual([]);
  });
});
