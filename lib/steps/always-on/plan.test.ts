// plan() from canned checks: pure, no targets.
import { describe, expect, it } from 'vitest';
import type { Check, CheckStatus } from '@/lib/engine/types';
import { exampleInventory } from '@/lib/inventory/example';
import type { StoredInventory } from '@/lib/inventory/schema';
import { listenerIpFacts, type CheckWithFacts } from './facts';
import { CHECK } from './names';
import { plan } from './plan';
import { DMK_SECRET } from './secret';

const DMK = 'Dmk#Secret-2022';
const inv: StoredInventory = exampleInventory();
const ctx = (secrets: Record<string, string> = {}) => ({ inventory: inv, secret: (n: string) => secrets[n] });
const withDmk = ctx({ [DMK_SECRET]: DMK });

/** Every check of a healthy deployment (SQLNODE1 primary), with some overridden. */
function checks(over: Record<string, CheckStatus | Partial<CheckWithFacts>> = {}): Check[] {
  const ids = [
    CHECK.agExists, CHECK.agPrimary, CHECK.agSsisdb, CHECK.listenerExists, CHECK.listenerPort, CHECK.listenerRoutes, CHECK.alwaysOnSupport,
    ...['SQLNODE1', 'SQLNODE2'].flatMap((n) => [CHECK.replica(n), CHECK.replicaHealth(n), CHECK.ssisdbSync(n), CHECK.dmk(n), CHECK.startupProc(n)]),
  ];
  return ids.map((id) => {
    const o = over[id];
    const base: Check = { id, title: id, target: id === CHECK.agPrimary ? 'SQLNODE1' : id.split(':')[1] ?? 'SSISDB-AG', status: 'pass', evidence: `read ${id}` };
    return typeof o === 'string' ? { ...base, status: o } : { ...base, ...o };
  });
}

describe('always-on plan', () => {
  it('is empty when everything passes or warns, and plans nothing from unknown checks', () => {
    expect(plan(withDmk, checks())).toEqual([]);
    expect(plan(withDmk, checks({ [CHECK.dmk('SQLNODE2')]: 'warn', [CHECK.startupProc('SQLNODE1')]: 'unknown', [CHECK.replicaHealth('SQLNODE2')]: 'unknown' }))).toEqual([]);
  });

  it('without the group: creating it and enabling Always On support are manual, with backup seeding only', () => {
    const all = checks(Object.fromEntries(checks().map((c) => [c.id, 'fail' as const])));
    const ops = plan(withDmk, all);
    expect(ops.map((o) => [o.id, o.kind, o.target])).toEqual([
      ['ag.create', 'manual', 'SSISDB-AG'],
      ['alwayson.enable', 'manual', 'SSISDB-AG'],
    ]);
    expect(ops[0]?.script).toContain('"Full database and log backup"');
    expect(ops[0]?.script).toContain('PR #9052');
    expect(ops[0]?.script).toContain('Listener tab: DNS name SSISLISTENER, port 1433, static IP 10.10.0.50');
    expect(ops[1]?.script).toContain('Enable Always On Support');
    expect(ops[1]?.script).toContain('Connect Object Explorer to SQLNODE1 (the primary)');
  });

  it('a missing listener is added on the primary with the masks the probe read', () => {
    const facts = listenerIpFacts(inv, { ok: true, value: [{ network_subnet_ip: '10.10.0.0', network_subnet_ipv4_mask: '255.255.252.0', is_ipv4: true }] });
    const ops = plan(withDmk, checks({ [CHECK.listenerExists]: { status: 'fail', facts }, [CHECK.listenerPort]: 'fail', [CHECK.listenerRoutes]: 'fail' }));
    expect(ops).toEqual([
      {
        id: 'listener.add',
        target: 'SQLNODE1',
        kind: 'tsql',
        summary: 'Add the listener SSISLISTENER on port 1433 to SSISDB-AG',
        script: "ALTER AVAILABILITY GROUP [SSISDB-AG] ADD LISTENER N'SSISLISTENER' (WITH IP ((N'10.10.0.50', N'255.255.252.0')), PORT = 1433);",
        risk: 'medium',
      },
    ]);
  });

  it('says so when the subnet mask was assumed, and makes the statement manual without a known primary', () => {
    const facts = listenerIpFacts(inv, { ok: false, error: "Invalid object name 'sys.dm_hadr_cluster_networks'." });
    expect(facts).toEqual({ ips: [{ ip: '10.10.0.50', mask: '255.255.255.0' }], maskAssumed: true });
    const [op] = plan(withDmk, checks({ [CHECK.listenerExists]: { status: 'fail', facts } }));
    expect(op?.summary).toContain('subnet mask 255.255.255.0 assumed');
    const [noPrimary] = plan(withDmk, checks({ [CHECK.agPrimary]: { status: 'unknown', target: 'SSISDB-AG' }, [CHECK.listenerExists]: { status: 'fail', facts } }));
    expect(noPrimary).toMatchObject({ kind: 'manual', target: 'SSISDB-AG', script: expect.stringContaining('ADD LISTENER') });
  });

  it('a listener without a port gets MODIFY LISTENER on the primary', () => {
    const ops = plan(withDmk, checks({ [CHECK.agPrimary]: { target: 'SQLNODE2' }, [CHECK.listenerPort]: 'fail' }));
    expect(ops.map((o) => [o.id, o.kind, o.target, o.script])).toEqual([
      ['listener.port', 'tsql', 'SQLNODE2', "ALTER AVAILABILITY GROUP [SSISDB-AG] MODIFY LISTENER N'SSISLISTENER' (PORT = 1433);"],
    ]);
  });

  it('a missing master key password is T-SQL with the secret as a masked parameter, or manual without it', () => {
    const failing = checks({ [CHECK.dmk('SQLNODE2')]: 'fail' });
    const [op] = plan(withDmk, failing);
    expect(op).toMatchObject({ id: 'dmk.add:SQLNODE2', kind: 'tsql', target: 'SQLNODE2', risk: 'low' });
    expect(op?.script).toContain("EXEC sp_control_dbmasterkey_password @db_name = N'SSISDB', @password = @p, @action = N'add';");
    expect(op?.script).toContain("N'********'");
    const [manualOp] = plan(ctx(), failing);
    expect(manualOp).toMatchObject({ id: 'dmk.add:SQLNODE2', kind: 'manual' });
    expect(manualOp?.script).toContain("@password = N'********'");
    expect(manualOp?.script).toContain('ssisdbMasterKeyPassword');
    for (const o of [op, manualOp]) expect(JSON.stringify(o)).not.toContain(DMK);
  });

  it('registers no password where SSISDB has not joined; repairs the replica instead', () => {
    const ops = plan(withDmk, checks({ [CHECK.dmk('SQLNODE2')]: 'fail', [CHECK.ssisdbSync('SQLNODE2')]: { status: 'fail', evidence: 'No SSISDB row for SQLNODE2' } }));
    expect(ops.map((o) => o.id)).toEqual(['replica.repair:SQLNODE2']);
    expect(ops[0]?.script).toContain('No SSISDB row for SQLNODE2');
  });

  it('orders manual and T-SQL work the way a DBA would do it', () => {
    const ops = plan(withDmk, checks({
      [CHECK.agSsisdb]: 'fail',
      [CHECK.replica('SQLNODE2')]: 'fail',
      [CHECK.listenerPort]: 'fail',
      [CHECK.dmk('SQLNODE1')]: 'fail',
      [CHECK.startupProc('SQLNODE2')]: 'fail',
    }));
    expect(ops.map((o) => `${o.id} ${o.kind}`)).toEqual(['ag.add-ssisdb manual', 'replica.add:SQLNODE2 manual', 'listener.port tsql', 'dmk.add:SQLNODE1 tsql', 'alwayson.enable manual']);
    expect(ops[0]?.script).toContain('"Full database and log backup"');
  });

  it('a listener that does not reach the primary gets instructions, not a statement', () => {
    const ops = plan(withDmk, checks({ [CHECK.listenerRoutes]: { status: 'fail', evidence: '@@SERVERNAME through SSISLISTENER: SQLNODE2' } }));
    expect(ops).toMatchObject([{ id: 'listener.routes', kind: 'manual', target: 'SSISLISTENER' }]);
    expect(ops[0]?.script).toContain('@@SERVERNAME through SSISLISTENER: SQLNODE2');
  });
});
