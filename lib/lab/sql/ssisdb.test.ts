import { describe, expect, it } from 'vitest';
import { LAB_SQL_LOGINS } from './index';
import { errorNumbers, errors, lab, login, query, run } from './test-helpers';

const sidOf = (e: ReturnType<typeof lab>, s: ReturnType<typeof login>, name: string): string =>
  (query(e, s, `SELECT sid FROM sys.server_principals WHERE name = N'${name}'`)[0]?.[0] as Buffer).toString('hex');

describe('catalog.enable_scaleout', () => {
  it('needs sysadmin (27260) and the Scale Out Master feature on the SQL host (27261)', () => {
    const e = lab('fresh');
    const reader = login(e, 'SQLNODE1', 'reader', 'SSISDB');
    expect(errorNumbers(e, reader, 'EXEC catalog.enable_scaleout')).toEqual([27260]);
    const admin = login(e, 'SQLNODE1');
    // A host without the master feature (SQL Setup's SQL_IS_Master registry key).
    e.setScaleOutMasterInstalled('SQLNODE1', false);
    expect(errorNumbers(e, admin, 'EXEC SSISDB.catalog.enable_scaleout')).toEqual([27261]);
    e.setScaleOutMasterInstalled('SQLNODE1', true);
    expect(errorNumbers(e, admin, 'EXEC SSISDB.catalog.enable_scaleout')).toEqual([]);
  });

  it('creates the logging login with a NEW random SID each time and maps the user in ssis_cluster_worker', () => {
    const e = lab('half-done');
    const admin = login(e, 'SQLNODE1');
    const before = sidOf(e, admin, '##MS_SSISLogDBWorkerAgentLogin##');
    expect(errors(run(e, admin, 'EXEC [SSISDB].[catalog].[enable_scaleout]'))).toEqual([]);
    const after = sidOf(e, admin, '##MS_SSISLogDBWorkerAgentLogin##');
    expect(after).not.toBe(before);
    const user = query(
      e,
      admin,
      `SELECT u.sid, r.name FROM SSISDB.sys.database_principals u
       JOIN SSISDB.sys.database_role_members m ON m.member_principal_id = u.principal_id
       JOIN SSISDB.sys.database_principals r ON r.principal_id = m.role_principal_id
       WHERE u.name = N'##MS_SSISLogDBWorkerAgentUser##'`,
    );
    expect(user).toHaveLength(1);
    expect((user[0]?.[0] as Buffer).toString('hex')).toBe(after);
    expect(user[0]?.[1]).toBe('ssis_cluster_worker');
    expect(query(e, admin, "SELECT property_value FROM SSISDB.catalog.catalog_properties WHERE property_name = 'IS_SCALEOUT_ENABLED'")).toEqual([['TRUE']]);
  });
});

describe('catalog.update_logdb_info', () => {
  const e = lab('half-done');
  const admin = login(e, 'SQLNODE1', 'admin', 'SSISDB');

  it('stores the server and an encrypted connection string (never readable in clear)', () => {
    const cs = "Data Source=SSISLISTENER,1433;Initial Catalog=SSISDB;User Id=##MS_SSISLogDBWorkerAgentLogin##;Password=Secret#Log1;";
    expect(errors(run(e, admin, `EXEC catalog.update_logdb_info @server_name = N'SSISLISTENER,1433', @connection_string = N'${cs}'`))).toEqual([]);
    expect(query(e, admin, "SELECT property_value FROM catalog.master_properties WHERE property_name = 'CLUSTER_LOGDB_SERVER'")).toEqual([['SSISLISTENER,1433']]);
    // Not in the public view at all; in the internal table only as ciphertext.
    expect(query(e, admin, "SELECT COUNT(*) FROM catalog.master_properties WHERE property_name = 'CLUSTER_LOGDB_CONNECTIONSTRING'")).toEqual([[0]]);
    const stored = query(e, admin, "SELECT property_value FROM internal.master_properties WHERE property_name = 'CLUSTER_LOGDB_CONNECTIONSTRING'")[0]?.[0] as string;
    expect(stored).toMatch(/^0x[0-9A-F]+$/);
    expect(stored).not.toContain('Secret');
    expect(e.logdbConnectionString('SQLNODE1')).toBe(cs);
  });

  it('is denied to a user outside ssis_admin (229) and rejects NULL (27138); internal tables are denied (229)', () => {
    const reader = login(e, 'SQLNODE1', 'reader', 'SSISDB');
    expect(errorNumbers(e, reader, "EXEC catalog.update_logdb_info @server_name = N'x', @connection_string = N'y'")).toEqual([229]);
    expect(errorNumbers(e, admin, "EXEC catalog.update_logdb_info @server_name = NULL, @connection_string = N'y'")).toEqual([27138]);
    expect(errorNumbers(e, admin, "EXEC catalog.update_logdb_info @server_name = N'x'")).toEqual([201]);
    expect(errorNumbers(e, reader, 'SELECT * FROM internal.master_properties')).toEqual([229]);
  });
});

describe('catalog.update_master_address', () => {
  const e = lab('half-done');
  const admin = login(e, 'SQLNODE1', 'admin', 'SSISDB');
  it('sets MASTER_ADDRESS and rejects NULL with the product error', () => {
    expect(errors(run(e, admin, "EXEC catalog.update_master_address @MasterAddress = N'https://ssismaster.lab.test:8391'"))).toEqual([]);
    expect(query(e, admin, "SELECT property_value FROM catalog.master_properties WHERE property_name = N'MASTER_ADDRESS'")).toEqual([['https://ssismaster.lab.test:8391']]);
    const items = run(e, admin, 'EXEC catalog.update_master_address @MasterAddress = NULL');
    expect(items).toEqual([expect.objectContaining({ kind: 'error', number: 27138, procedure: 'update_master_address' })]);
    expect(errorNumbers(e, admin, "EXEC catalog.update_master_address @Address = N'x'")).toEqual([8145]);
  });

  it('is not found outside SSISDB (2812)', () => {
    const m = login(e, 'SQLNODE1');
    expect(errors(run(e, m, "EXEC catalog.update_master_address N'x'"))).toEqual([{ number: 2812, message: "Could not find stored procedure 'catalog.update_master_address'." }]);
  });
});

describe('worker agents', () => {
  const e = lab('misconfigured');
  const admin = login(e, 'SQLNODE1', 'admin', 'SSISDB');
  const id = query(e, admin, 'SELECT WorkerAgentId FROM catalog.worker_agents')[0]?.[0] as string;

  it('enable_worker_agent / disable_worker_agent flip IsEnabled', () => {
    expect(query(e, admin, 'SELECT IsEnabled FROM catalog.worker_agents')).toEqual([[false]]);
    expect(errors(run(e, admin, `EXEC catalog.enable_worker_agent @WorkerAgentId = '${id.toLowerCase()}'`))).toEqual([]);
    expect(query(e, admin, 'SELECT IsEnabled FROM catalog.worker_agents')).toEqual([[true]]);
    expect(errors(run(e, admin, `EXEC catalog.disable_worker_agent @WorkerAgentId = '${id}'`))).toEqual([]);
    expect(query(e, admin, 'SELECT IsEnabled FROM catalog.worker_agents')).toEqual([[false]]);
  });

  it('an unknown worker id is 27243; a malformed one fails conversion (8114)', () => {
    expect(errorNumbers(e, admin, "EXEC catalog.enable_worker_agent @WorkerAgentId = '00000000-0000-0000-0000-000000000001'")).toEqual([27243]);
    expect(errorNumbers(e, admin, "EXEC catalog.enable_worker_agent @WorkerAgentId = 'not-a-guid'")).toEqual([8114]);
  });

  it('catalog.worker_agents filters rows for a non-member instead of failing', () => {
    const reader = login(e, 'SQLNODE1', 'reader', 'SSISDB');
    const items = run(e, reader, 'SELECT * FROM catalog.worker_agents');
    expect(errors(items)).toEqual([]);
    expect(query(e, reader, 'SELECT COUNT(*) FROM catalog.worker_agents')).toEqual([[0]]);
    expect(query(e, admin, 'SELECT COUNT(*) FROM catalog.worker_agents')).toEqual([[1]]);
  });
});

describe('database users and roles in SSISDB', () => {
  const e = lab('half-done');
  const admin = login(e, 'SQLNODE1');

  it('CREATE USER FOR LOGIN and ALTER ROLE ADD MEMBER make the login an ssis_admin', () => {
    run(e, admin, "CREATE LOGIN [ssisops] WITH PASSWORD = N'Abc#defg123'");
    const items = run(e, admin, 'USE SSISDB; CREATE USER [ssisops] FOR LOGIN [ssisops]; ALTER ROLE [ssis_admin] ADD MEMBER [ssisops]');
    expect(errors(items)).toEqual([]);
    const r = e.authenticate('SQLNODE1', 'ssisops', 'Abc#defg123', 'SSISDB');
    if (!r.ok) throw new Error('login');
    expect(query(e, r.session, "SELECT IS_MEMBER('ssis_admin'), IS_MEMBER('ssis_logreader'), USER_NAME()")).toEqual([[1, 0, 'ssisops']]);
  });

  it('fails: user exists 15023, unknown login 15007, login already mapped 15063, unknown role 15151', () => {
    const s = login(e, 'SQLNODE1', 'admin', 'SSISDB');
    expect(errorNumbers(e, s, 'CREATE USER [ssisops] FOR LOGIN [ssisops]')).toEqual([15023]);
    expect(errorNumbers(e, s, 'CREATE USER [ghost] FOR LOGIN [ghost]')).toEqual([15007]);
    expect(errorNumbers(e, s, 'CREATE USER [ssisops2] FOR LOGIN [ssisops]')).toEqual([15063]);
    expect(errorNumbers(e, s, 'ALTER ROLE [no_role] ADD MEMBER [ssisops]')).toEqual([15151]);
    expect(errorNumbers(e, s, 'ALTER ROLE [ssis_admin] ADD MEMBER [nobody]')).toEqual([15151]);
  });

  it('a non-privileged user cannot create users (15247)', () => {
    const reader = login(e, 'SQLNODE1', 'reader', 'SSISDB');
    expect(errorNumbers(e, reader, 'CREATE USER [x] WITHOUT LOGIN')).toEqual([15247]);
  });
});

describe('writes on a secondary', () => {
  it('a non-readable secondary refuses SSISDB (976); a readable one refuses writes (3906)', () => {
    const e = lab('half-done');
    const s2 = login(e, 'SQLNODE2');
    expect(errorNumbers(e, s2, "EXEC SSISDB.catalog.update_master_address N'https://x:8391'")).toEqual([976]);
    expect(errorNumbers(e, s2, 'USE SSISDB')).toEqual([976]);
    expect(e.authenticate('SQLNODE2', 'labadmin', LAB_SQL_LOGINS.admin.password, 'SSISDB')).toMatchObject({ ok: false, errors: [{ number: 976 }, { number: 18456 }] });
    const p = login(e, 'SQLNODE1');
    expect(errors(run(e, p, "ALTER AVAILABILITY GROUP [SSISDB-AG] MODIFY REPLICA ON N'SQLNODE2' WITH (SECONDARY_ROLE (ALLOW_CONNECTIONS = ALL))"))).toEqual([]);
    expect(errorNumbers(e, s2, "EXEC SSISDB.catalog.update_master_address N'https://x:8391'")).toEqual([3906]);
    expect(errors(run(e, s2, "EXEC SSISDB.catalog.update_master_address N'https://x:8391'"))[0]?.message).toBe('Failed to update database "SSISDB" because the database is read-only.');
    expect(errorNumbers(e, s2, 'USE SSISDB; CREATE USER [labreader2] WITHOUT LOGIN')).toEqual([3906]);
    // Reads work and show the one SSISDB the AG replicates.
    expect(query(e, s2, "SELECT property_value FROM SSISDB.catalog.master_properties WHERE property_name = 'IS_SCALEOUT_ENABLED'")).toEqual([['TRUE']]);
  });
});
