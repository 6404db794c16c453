// The views the always-on step reads besides the AG catalog: master.sys.procedures (the SSIS
// startup procedure), sys.database_recovery_status (SSISDB's family GUID, what master key
// credentials point at) and sys.dm_hadr_cluster_networks (the listener's subnet).
import { describe, expect, it } from 'vitest';
import { LAB_DMK_PASSWORD, openLabSql } from './index';
import { columnsOf, errorNumbers, errors, lab, login, query, run } from './test-helpers';

const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const STARTUP_SQL = "SELECT name, is_auto_executed FROM master.sys.procedures WHERE name = N'sp_ssis_startup'";
const FAMILY_SQL = "DECLARE @db sysname = N'SSISDB'; SELECT family_guid FROM sys.database_recovery_status WHERE database_id = DB_ID(@db)";
const CREDENTIAL_OF_SSISDB = `SELECT d.name, mkp.credential_id
  FROM sys.master_key_passwords mkp
  JOIN sys.database_recovery_status drs ON drs.family_guid = mkp.family_guid
  JOIN sys.databases d ON d.database_id = drs.database_id`;

const typeNames = (cols: { name: string; type: string }[]) => cols.map((c) => `${c.name} ${c.type}`);

describe('master.sys.procedures', () => {
  it('has the documented columns', () => {
    const e = lab('half-done');
    const cols = columnsOf(run(e, login(e, 'SQLNODE1'), 'SELECT * FROM master.sys.procedures'));
    expect(cols.map((c) => c.name)).toEqual([
      'name', 'object_id', 'principal_id', 'schema_id', 'parent_object_id', 'type', 'type_desc', 'create_date', 'modify_date',
      'is_ms_shipped', 'is_published', 'is_schema_published', 'is_auto_executed', 'is_execution_replicated', 'is_repl_serializable_only', 'skips_repl_constraints',
    ]);
    expect(typeNames(cols).filter((t) => /^(name|object_id|schema_id|type|is_auto_executed) /.test(t))).toEqual([
      'name {"type":"nvarchar","length":128}',
      'object_id {"type":"int"}',
      'schema_id {"type":"int"}',
      'type {"type":"char","length":2}',
      'is_auto_executed {"type":"bit"}',
    ]);
  });

  it('half-done: "Enable Always On support" left sp_ssis_startup as a startup procedure on every replica', () => {
    const e = openLabSql(':memory:', { scenario: 'half-done', nodes: 3 });
    for (const n of ['SQLNODE1', 'SQLNODE2', 'SQLNODE3']) {
      expect(query(e, login(e, n), STARTUP_SQL)).toEqual([['sp_ssis_startup', true]]);
      expect(query(e, login(e, n), "SELECT s.schema_id, type, type_desc FROM master.sys.procedures s WHERE name = 'sp_ssis_startup' AND type = 'P'")).toEqual([
        [1, 'P', 'SQL_STORED_PROCEDURE'],
      ]);
    }
    // It lives in master only.
    expect(query(e, login(e, 'SQLNODE1'), 'SELECT COUNT(*) FROM msdb.sys.procedures')).toEqual([[0]]);
    expect(query(e, login(e, 'SQLNODE1', 'admin', 'msdb'), 'SELECT COUNT(*) FROM sys.procedures')).toEqual([[0]]);
  });

  it('fresh: only the instance where the catalog was created has it', () => {
    const e = lab('fresh');
    expect(query(e, login(e, 'SQLNODE1'), STARTUP_SQL)).toEqual([['sp_ssis_startup', true]]);
    expect(query(e, login(e, 'SQLNODE2'), STARTUP_SQL)).toEqual([]);
  });

  it('shows nothing to a login that is neither sysadmin nor db_owner (metadata visibility)', () => {
    const e = lab('half-done');
    expect(query(e, login(e, 'SQLNODE1', 'reader'), STARTUP_SQL)).toEqual([]);
  });
});

describe('sys.database_recovery_status', () => {
  it('has the documented columns and one row per database', () => {
    const e = lab('half-done');
    const s = login(e, 'SQLNODE2');
    expect(typeNames(columnsOf(run(e, s, 'SELECT * FROM sys.database_recovery_status')))).toEqual([
      'database_id {"type":"int"}',
      'database_guid {"type":"uniqueidentifier"}',
      'family_guid {"type":"uniqueidentifier"}',
      'last_log_backup_lsn {"type":"decimal","precision":25,"scale":0}',
      'recovery_fork_guid {"type":"uniqueidentifier"}',
      'first_recovery_fork_guid {"type":"uniqueidentifier"}',
      'fork_point_lsn {"type":"decimal","precision":25,"scale":0}',
    ]);
    expect(query(e, s, 'SELECT COUNT(*) FROM sys.database_recovery_status')).toEqual(query(e, s, 'SELECT COUNT(*) FROM sys.databases'));
    const [row] = query(e, s, "SELECT database_guid, family_guid, last_log_backup_lsn, recovery_fork_guid, first_recovery_fork_guid, fork_point_lsn FROM sys.database_recovery_status WHERE database_id = DB_ID('SSISDB')");
    expect(row?.[0]).toMatch(GUID);
    expect(row?.[1]).toMatch(GUID);
    expect(row?.[2]).toBeNull();
    expect(row?.[3]).toBe(row?.[4]);
    expect(row?.[5]).toBeNull();
  });

  it("SSISDB's family GUID is the same on every replica (a backup family survives restore); database_guid is not", () => {
    const e = lab('half-done');
    const s1 = login(e, 'SQLNODE1');
    const s2 = login(e, 'SQLNODE2');
    const f1 = query(e, s1, FAMILY_SQL);
    expect(f1).toHaveLength(1);
    expect(f1[0]?.[0]).toMatch(GUID);
    expect(query(e, s2, FAMILY_SQL)).toEqual(f1);
    const dbGuid = "SELECT database_guid FROM sys.database_recovery_status WHERE database_id = DB_ID(N'SSISDB')";
    expect(query(e, s2, dbGuid)).not.toEqual(query(e, s1, dbGuid));
    // master is each instance's own database.
    const masterFamily = 'SELECT family_guid FROM sys.database_recovery_status WHERE database_id = 1';
    expect(query(e, s2, masterFamily)).not.toEqual(query(e, s1, masterFamily));
  });

  it('fresh: no SSISDB row on the instance without the catalog; NULL GUIDs for an offline database', () => {
    const e = lab('fresh');
    expect(query(e, login(e, 'SQLNODE2'), FAMILY_SQL)).toEqual([]);
    e.db.prepare("UPDATE lab_sql_databases SET state = 6 WHERE instance = 'SQLNODE1' AND name = 'SSISDB'").run();
    expect(query(e, login(e, 'SQLNODE1'), FAMILY_SQL)).toEqual([[null]]);
  });

  it('public has VIEW ANY DATABASE by default: a plain login sees every row', () => {
    const e = lab('half-done');
    const reader = login(e, 'SQLNODE1', 'reader');
    expect(query(e, reader, 'SELECT COUNT(*) FROM sys.database_recovery_status')).toEqual(query(e, login(e, 'SQLNODE1'), 'SELECT COUNT(*) FROM sys.databases'));
  });
});

describe('sys.master_key_passwords joined to sys.database_recovery_status on family_guid', () => {
  it("finds SSISDB's credential after sp_control_dbmasterkey_password, on the instance that holds it", () => {
    const e = lab('half-done');
    e.db.prepare("DELETE FROM lab_sql_master_key_passwords WHERE instance = 'SQLNODE2'").run();
    const s2 = login(e, 'SQLNODE2');
    expect(query(e, s2, CREDENTIAL_OF_SSISDB)).toEqual([]);
    expect(errors(run(e, s2, `EXEC sp_control_dbmasterkey_password @db_name = N'SSISDB', @password = N'${LAB_DMK_PASSWORD}', @action = N'add'`))).toEqual([]);
    expect(query(e, s2, CREDENTIAL_OF_SSISDB)).toEqual([['SSISDB', 65536]]);
    // The primary opens the key with its service master key and holds no credential.
    expect(query(e, login(e, 'SQLNODE1'), CREDENTIAL_OF_SSISDB)).toEqual([]);
  });

  it("the scenarios' credentials carry SSISDB's family GUID too (a wrong password included: no view shows it)", () => {
    for (const scenario of ['half-done', 'misconfigured'] as const) {
      const e = lab(scenario);
      const w = e.authenticateWindows('SQLNODE2', 'LAB\\sqladmin', 'master');
      if (!w.ok) throw new Error('windows login');
      expect(query(e, w.session, CREDENTIAL_OF_SSISDB)).toEqual([['SSISDB', 65536]]);
    }
  });
});

describe('sys.dm_hadr_cluster_networks', () => {
  const SQL = 'SELECT member_name, network_subnet_ip, network_subnet_ipv4_mask, network_subnet_prefix_length, is_public, is_ipv4 FROM sys.dm_hadr_cluster_networks ORDER BY member_name';

  it('has the documented columns', () => {
    const e = lab('fresh');
    expect(typeNames(columnsOf(run(e, login(e, 'SQLNODE1'), 'SELECT * FROM sys.dm_hadr_cluster_networks')))).toEqual([
      'member_name {"type":"nvarchar","length":128}',
      'network_subnet_ip {"type":"nvarchar","length":48}',
      'network_subnet_ipv4_mask {"type":"nvarchar","length":45}',
      'network_subnet_prefix_length {"type":"int"}',
      'is_public {"type":"bit"}',
      'is_ipv4 {"type":"bit"}',
    ]);
  });

  it("answers the same cluster-wide rows on every node: each member on the listener's subnet", () => {
    const e = openLabSql(':memory:', { scenario: 'half-done', nodes: 3 });
    const rows = ['SQLNODE1', 'SQLNODE2', 'SQLNODE3'].map((n) => [n, '10.10.0.0', '255.255.255.0', 24, true, true]);
    for (const n of ['SQLNODE1', 'SQLNODE2', 'SQLNODE3']) expect(query(e, login(e, n), SQL)).toEqual(rows);
    // The lab's listener IP is in that subnet.
    expect(query(e, login(e, 'SQLNODE1'), 'SELECT ip_subnet_mask, network_subnet_ip FROM sys.availability_group_listener_ip_addresses')).toEqual([['255.255.255.0', '10.10.0.0']]);
  });

  it('needs VIEW SERVER STATE, and is empty where Always On is not enabled', () => {
    const e = lab('fresh');
    expect(errorNumbers(e, login(e, 'SQLNODE1', 'reader'), SQL)).toEqual([300, 297]);
    e.db.prepare("UPDATE lab_sql_instances SET hadr_enabled = 0 WHERE name = 'SQLNODE2'").run();
    expect(query(e, login(e, 'SQLNODE2'), SQL)).toEqual([]);
    expect(query(e, login(e, 'SQLNODE1'), SQL)).toHaveLength(2);
  });
});
