// The DBA's SSMS work of step 4 through the lab: each route's success leaves what the step-4
// probe reads on a real server (compared with the half-done scenario, built as a finished
// wizard run), and each documented failure refuses with the server's message and changes nothing.
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlServer } from './control';
import { createAvailabilityGroup, dbaRoutes, enableAlwaysOnSupport } from './dba';
import { LAB_DMK_PASSWORD, type LabSqlEngine } from './sql';
import { lab, login, query, run, errors } from './sql/test-helpers';

const AG = 'SSISDB-AG';
const create = (e: LabSqlEngine, body: Record<string, unknown> = {}) => createAvailabilityGroup(e, { ag: AG, dmkPassword: LAB_DMK_PASSWORD, ...body });

/** What the step-4 probe reads on one instance (lib/steps/always-on/read-node.ts), in a comparable shape. */
function probeReads(e: LabSqlEngine, instance: string) {
  const s = login(e, instance);
  const q = (sql: string) => query(e, s, sql);
  return {
    hadr: q("SELECT CAST(SERVERPROPERTY('IsHadrEnabled') AS int)"),
    replicas: q(`SELECT r.replica_server_name, r.availability_mode_desc, r.failover_mode_desc, rs.is_local, rs.role_desc, rs.connected_state_desc, rs.synchronization_health_desc
      FROM sys.availability_groups g JOIN sys.availability_replicas r ON r.group_id = g.group_id
      LEFT JOIN sys.dm_hadr_availability_replica_states rs ON rs.replica_id = r.replica_id WHERE g.name = N'${AG}' ORDER BY r.replica_server_name`),
    dbReplicas: q(`SELECT r.replica_server_name, drs.synchronization_state_desc, drs.synchronization_health_desc, drs.is_suspended
      FROM sys.availability_groups g JOIN sys.availability_databases_cluster adc ON adc.group_id = g.group_id AND adc.database_name = N'SSISDB'
      JOIN sys.dm_hadr_database_replica_states drs ON drs.group_database_id = adc.group_database_id
      JOIN sys.availability_replicas r ON r.replica_id = drs.replica_id WHERE g.name = N'${AG}' ORDER BY r.replica_server_name`),
    ssisdb: q(`SELECT state_desc, recovery_model_desc, is_master_key_encrypted_by_server, CAST(CASE WHEN replica_id IS NULL THEN 0 ELSE 1 END AS bit) FROM sys.databases WHERE name = N'SSISDB'`),
    startup: q("SELECT name, is_auto_executed FROM master.sys.procedures WHERE name = N'sp_ssis_startup'"),
  };
}

function snapshotTables(e: LabSqlEngine): string {
  const t = ['lab_sql_ags', 'lab_sql_ag_replicas', 'lab_sql_ag_databases', 'lab_sql_ag_db_replicas', 'lab_sql_ag_listeners', 'lab_sql_databases', 'lab_sql_procedures', 'lab_ssis_alwayson_support_state', 'lab_sql_master_key_passwords'];
  return JSON.stringify(t.map((x) => e.db.prepare(`SELECT * FROM ${x}`).all()));
}

describe('POST /dba/create-availability-group (New Availability Group Wizard, full database and log backup seeding)', () => {
  it('makes the group with every master instance, SSISDB joined and synchronized everywhere, as a finished wizard run shows it', () => {
    const e = lab('fresh');
    expect(create(e)).toEqual({ ok: true, ag: AG, primary: 'SQLNODE1', replicas: ['SQLNODE1', 'SQLNODE2'], databases: ['SSISDB'], listener: null });
    const done = lab('half-done');
    for (const node of ['SQLNODE1', 'SQLNODE2']) {
      const mine = probeReads(e, node);
      const reference = probeReads(done, node);
      expect({ node, ...mine, startup: undefined }).toEqual({ node, ...reference, startup: undefined });
    }
    // The secondary's SSISDB is a restored copy: its master key does not open with its own service master key.
    expect(query(e, login(e, 'SQLNODE2'), "SELECT is_master_key_encrypted_by_server FROM sys.databases WHERE name = N'SSISDB'")).toEqual([[false]]);
    // Not done by the wizard: the DMK password on the secondary, a listener, Always On support.
    expect(query(e, login(e, 'SQLNODE2'), 'SELECT COUNT(*) FROM sys.master_key_passwords')).toEqual([[0]]);
    expect(query(e, login(e, 'SQLNODE1'), 'SELECT COUNT(*) FROM sys.availability_group_listeners')).toEqual([[0]]);
    expect(query(e, login(e, 'SQLNODE1', 'admin', 'SSISDB'), 'SELECT COUNT(*) FROM catalog.alwayson_replicas')).toEqual([[0]]);
    expect(query(e, login(e, 'SQLNODE2'), "SELECT COUNT(*) FROM master.sys.procedures WHERE name = N'sp_ssis_startup'")).toEqual([[0]]);
  });

  it('adds the listener only when asked, with its port', () => {
    const e = lab('fresh');
    const dns: string[] = [];
    createAvailabilityGroup(e, { ag: AG, dmkPassword: LAB_DMK_PASSWORD, listener: { name: 'SSISLISTENER', port: 1433, ip: '10.10.0.50', mask: '255.255.255.0' } }, { registerDns: (n, ip) => dns.push(`${n}=${ip}`) });
    expect(query(e, login(e, 'SQLNODE1'), 'SELECT dns_name, port FROM sys.availability_group_listeners')).toEqual([['SSISLISTENER', 1433]]);
    expect(e.listener('SSISLISTENER')).toEqual({ ag: AG, port: 1433, primary: 'SQLNODE1' });
    expect(dns).toEqual(['SSISLISTENER=10.10.0.50']);
  });

  const refusals: [string, (e: LabSqlEngine) => void, Record<string, unknown>, number, RegExp][] = [
    ['Always On not enabled on a replica', (e) => e.db.prepare("UPDATE lab_sql_instances SET hadr_enabled = 0 WHERE name = 'SQLNODE2'").run(), {}, 409, /^SQLNODE2: The Always On Availability Groups feature must be enabled for server instance 'SQLNODE2'/],
    ['a wrong master key password', () => undefined, { dmkPassword: 'NotTheDmkPassword#1' }, 409, /^SQLNODE1: Msg 15313: The key is not encrypted using the specified decryptor\.$/],
    ['no master key password', () => undefined, { dmkPassword: undefined }, 400, /^dmkPassword is required: SSISDB has a database master key/],
    ['automatic seeding for SSISDB', () => undefined, { seeding: 'automatic' }, 409, /^SQLNODE2: Msg 15581: Please create a master key in the database or open the master key in the session/],
    ['SSISDB not in FULL recovery', (e) => e.db.prepare("UPDATE lab_sql_databases SET recovery_model = 3 WHERE name = 'SSISDB'").run(), {}, 409, /^SQLNODE1: SSISDB: Full recovery mode is required\.$/],
    ['a caller who is not sysadmin on a replica', () => undefined, { login: 'labreader' }, 409, /^SQLNODE1: Creating an availability group requires membership in the sysadmin fixed server role/],
    ['a login a replica does not know', (e) => e.db.prepare("DELETE FROM lab_sql_server_principals WHERE instance = 'SQLNODE2' AND name = 'LAB\\sqladmin'").run(), {}, 409, /^SQLNODE2: Msg 18456: Login failed for user 'LAB\\sqladmin'\.$/],
    ['a replica whose SQL Server is stopped', (e) => e.setInstanceRunning('SQLNODE2', false), {}, 409, /^SQLNODE2: Failed to connect to server SQLNODE2\./],
    ['SSISDB already on a secondary', (e) => e.db.prepare("INSERT INTO lab_sql_databases SELECT 'SQLNODE2', name, database_id, content_id, state, recovery_model, is_read_only, owner_sid, group_database_id, create_date FROM lab_sql_databases WHERE instance = 'SQLNODE1' AND name = 'SSISDB'").run(), {}, 409, /^SQLNODE2: The database 'SSISDB' already exists on SQLNODE2/],
    ['a bad seeding value', () => undefined, { seeding: 'join-only' }, 400, /^seeding must be 'full-backup' or 'automatic'/],
    ['a primary that is not a replica', () => undefined, { replicas: ['SQLNODE1'], primary: 'SQLNODE2' }, 400, /^primary SQLNODE2 is not among the replicas/],
    ['an unknown instance', () => undefined, { replicas: ['SQLNODE1', 'SQLNODE9'] }, 400, /^replicas: the lab has no SQL Server instance SQLNODE9/],
    ['a listener with a bad mask', () => undefined, { listener: { name: 'SSISLISTENER', port: 1433, ip: '10.10.0.50', mask: '255.0.255.0' } }, 400, /^listener\.mask must be an IPv4 subnet mask/],
    ['a listener named like a node', () => undefined, { listener: { name: 'SQLNODE2', port: 1433, ip: '10.10.0.50', mask: '255.255.255.0' } }, 409, /^SQLNODE1: Msg 19471: The WSFC cluster could not bring the Network Name resource with DNS name 'SQLNODE2' online/],
  ];
  it.each(refusals)('refuses %s, and changes nothing', (_what, prepare, body, status, message) => {
    const e = lab('fresh');
    prepare(e);
    const before = snapshotTables(e);
    expect(() => create(e, body)).toThrow(expect.objectContaining({ status, message: expect.stringMatching(message) }) as unknown as Error);
    expect(snapshotTables(e)).toBe(before);
  });

  it('refuses a group that already exists (41042) and SSISDB already in a group', () => {
    const e = lab('half-done');
    expect(() => create(e)).toThrow(/^SQLNODE1: Msg 41042: The availability group 'SSISDB-AG' already exists/);
    expect(() => create(e, { ag: 'OTHER-AG', replicas: ['SQLNODE1'] })).toThrow(/^SQLNODE1: SSISDB: Already part of an availability group\.$/);
  });
});

describe('POST /dba/enable-always-on-support', () => {
  it('records every replica in SSISDB and creates sp_ssis_startup on each, as the finished wizard run shows it', () => {
    const e = lab('fresh');
    create(e);
    expect(enableAlwaysOnSupport(e, {}, AG)).toEqual({ ok: true, ag: AG, primary: 'SQLNODE1', replicas: ['SQLNODE1', 'SQLNODE2'] });
    const done = lab('half-done');
    const support = (x: LabSqlEngine) => query(x, login(x, 'SQLNODE1', 'admin', 'SSISDB'), 'SELECT server_name, state FROM catalog.alwayson_replicas ORDER BY server_name');
    expect(support(e)).toEqual([['SQLNODE1', 1], ['SQLNODE2', 2]]);
    expect(support(e)).toEqual(support(done));
    for (const node of ['SQLNODE1', 'SQLNODE2']) expect(probeReads(e, node)).toEqual(probeReads(done, node));
    // Twice: still one row per replica and one procedure per instance.
    enableAlwaysOnSupport(e, {}, AG);
    expect(support(e)).toEqual([['SQLNODE1', 1], ['SQLNODE2', 2]]);
    expect(query(e, login(e, 'SQLNODE2'), "SELECT COUNT(*) FROM master.sys.procedures WHERE name = N'sp_ssis_startup'")).toEqual([[1]]);
  });

  it('refuses before SSISDB is in the group, for a non-sysadmin, a replica that is down, and with several groups in the cluster', () => {
    const e = lab('fresh');
    const before = snapshotTables(e);
    expect(() => enableAlwaysOnSupport(e, {}, AG)).toThrow(expect.objectContaining({ status: 409, message: expect.stringMatching(/greyed out: SSISDB is not in the availability group 'SSISDB-AG'/) }) as unknown as Error);
    expect(snapshotTables(e)).toBe(before);
    create(e);
    const made = snapshotTables(e);
    expect(() => enableAlwaysOnSupport(e, { login: 'labreader' }, AG)).toThrow(/^SQLNODE1: Enable Always On Support requires membership in the sysadmin fixed server role/);
    e.setInstanceRunning('SQLNODE2', false);
    // The primary stays SQLNODE1 (it was not the one stopped); the secondary cannot be connected to.
    expect(() => enableAlwaysOnSupport(e, {}, AG)).toThrow(/^SQLNODE2: Failed to connect to server SQLNODE2\./);
    e.setInstanceRunning('SQLNODE2', true);
    e.db.prepare("INSERT INTO lab_sql_ags (group_id, name, resource_id, resource_group_id, primary_instance) VALUES ('00000000-0000-0000-0000-000000000001', 'OTHER-AG', 'x', 'y', 'SQLNODE2')").run();
    expect(() => enableAlwaysOnSupport(e, {}, AG)).toThrow(/^SQLNODE1: Msg 512: Subquery returned more than 1 value/);
    e.db.prepare("DELETE FROM lab_sql_ags WHERE name = 'OTHER-AG'").run();
    expect(snapshotTables(e)).toBe(made);
  });
});

describe('the control routes', () => {
  let server: http.Server;
  let url: string;
  const e = lab('fresh');
  beforeAll(async () => {
    server = await startControlServer('t', dbaRoutes({ engine: () => e, ag: AG }));
    const a = server.address();
    url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const post = async (route: string, body: unknown) => {
    const res = await fetch(`${url}${route}`, { method: 'POST', headers: { authorization: 'Bearer t' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('answer JSON: a refusal names the instance and the reason, success the group', async () => {
    expect(await post('/dba/create-availability-group', { ag: AG })).toEqual({ status: 400, json: { error: expect.stringMatching(/^dmkPassword is required/) } });
    expect(await post('/dba/create-availability-group', { ag: AG, dmkPassword: LAB_DMK_PASSWORD })).toMatchObject({ status: 200, json: { ok: true, primary: 'SQLNODE1' } });
    expect(await post('/dba/enable-always-on-support', {})).toMatchObject({ status: 200, json: { ok: true, replicas: ['SQLNODE1', 'SQLNODE2'] } });
    // The catalog replicates: the support rows read on the new primary after a failover are the same.
    e.failover(AG, 'SQLNODE2');
    const s2 = login(e, 'SQLNODE2', 'admin', 'SSISDB');
    expect(errors(run(e, s2, 'SELECT 1'))).toEqual([]);
    expect(query(e, s2, 'SELECT COUNT(*) FROM catalog.alwayson_replicas')).toEqual([[2]]);
  });
});
