import { describe, expect, it } from 'vitest';
import { LAB_DMK_PASSWORD, LAB_SQL_LOGINS } from './index';
import { errorNumbers, errors, lab, login, query, run } from './test-helpers';

const LOGDB = '##MS_SSISLogDBWorkerAgentLogin##';

describe('ALTER AVAILABILITY GROUP ... FAILOVER', () => {
  it('runs on the target secondary, swaps roles and moves the listener (primaryOf)', () => {
    const e = lab('half-done');
    expect(e.primaryOf('SSISDB-AG')).toBe('SQLNODE1');
    expect(e.primaryOf('SSISLISTENER')).toBe('SQLNODE1');
    const s2 = login(e, 'SQLNODE2');
    expect(errors(run(e, s2, 'ALTER AVAILABILITY GROUP [SSISDB-AG] FAILOVER'))).toEqual([]);
    expect(e.primaryOf('SSISDB-AG')).toBe('SQLNODE2');
    expect(e.listener('SSISLISTENER')).toEqual({ ag: 'SSISDB-AG', port: 1433, primary: 'SQLNODE2' });
    expect(query(e, s2, "SELECT role_desc FROM sys.dm_hadr_availability_replica_states WHERE is_local = 1")).toEqual([['PRIMARY']]);
    // SSISDB is now writable on SQLNODE2 and unreadable on SQLNODE1.
    expect(query(e, s2, "SELECT COUNT(*) FROM SSISDB.catalog.master_properties")).toEqual([[5]]);
    expect(errorNumbers(e, login(e, 'SQLNODE1'), 'SELECT COUNT(*) FROM SSISDB.catalog.master_properties')).toEqual([976]);
  });

  it('fails on the primary (41122), for a non-sysadmin (15151) and for an unknown AG (15151)', () => {
    const e = lab('half-done');
    expect(errorNumbers(e, login(e, 'SQLNODE1'), 'ALTER AVAILABILITY GROUP [SSISDB-AG] FAILOVER')).toEqual([41122]);
    expect(errorNumbers(e, login(e, 'SQLNODE2', 'reader'), 'ALTER AVAILABILITY GROUP [SSISDB-AG] FAILOVER')).toEqual([15151]);
    expect(errorNumbers(e, login(e, 'SQLNODE2'), 'ALTER AVAILABILITY GROUP [nope] FAILOVER')).toEqual([15151]);
  });

  it('a replica that is not synchronized cannot take a planned failover (41142)', () => {
    const e = lab('half-done');
    e.db.prepare('UPDATE lab_sql_ag_db_replicas SET synchronization_state = 1').run();
    expect(errorNumbers(e, login(e, 'SQLNODE2'), 'ALTER AVAILABILITY GROUP [SSISDB-AG] FAILOVER')).toEqual([41142]);
    expect(() => e.failover('SSISDB-AG', 'SQLNODE2')).toThrow(expect.objectContaining({ number: 41142 }) as unknown as Error);
  });

  it('stopping the primary fails over automatically to the synchronous automatic secondary', () => {
    const e = lab('half-done');
    e.setInstanceRunning('SQLNODE1', false);
    expect(e.primaryOf('SSISDB-AG')).toBe('SQLNODE2');
    e.setInstanceRunning('SQLNODE1', true);
    expect(query(e, login(e, 'SQLNODE1'), 'SELECT role_desc FROM sys.dm_hadr_availability_replica_states WHERE is_local = 1')).toEqual([['SECONDARY']]);
  });
});

describe('the logging login after failover (logins do not replicate)', () => {
  it('missing on the secondary: login through the listener fails after failover', () => {
    const e = lab('half-done');
    const p = login(e, 'SQLNODE1');
    expect(errors(run(e, p, `ALTER LOGIN [${LOGDB}] WITH PASSWORD = N'LogDb#Known2022'`))).toEqual([]);
    expect(e.authenticate(e.primaryOf('SSISLISTENER') as string, LOGDB, 'LogDb#Known2022', 'SSISDB').ok).toBe(true);
    e.failover('SSISDB-AG', 'SQLNODE2');
    expect(e.authenticate(e.primaryOf('SSISLISTENER') as string, LOGDB, 'LogDb#Known2022', 'SSISDB')).toMatchObject({ ok: false, state: 5 });
  });

  it('with a different SID on the secondary: the SSISDB user is orphaned there (4060)', () => {
    const e = lab('misconfigured');
    const p = login(e, 'SQLNODE1');
    run(e, p, `ALTER LOGIN [${LOGDB}] WITH PASSWORD = N'LogDb#Known2022'`);
    // Mixed mode is off on SQLNODE2 in this scenario: turn it on (registry + restart) first.
    const w = e.authenticateWindows('SQLNODE2', 'LAB\\sqladmin', '');
    if (!w.ok) throw new Error('windows login');
    run(e, w.session, "EXEC xp_instance_regwrite N'HKEY_LOCAL_MACHINE', N'Software\\Microsoft\\MSSQLServer\\MSSQLServer', N'LoginMode', REG_DWORD, 2");
    e.setInstanceRunning('SQLNODE2', false);
    e.setInstanceRunning('SQLNODE2', true);
    const s2 = login(e, 'SQLNODE2', 'admin');
    expect(errors(run(e, s2, `ALTER LOGIN [${LOGDB}] WITH PASSWORD = N'LogDb#Known2022'`))).toEqual([]);
    e.failover('SSISDB-AG', 'SQLNODE2');
    const r = e.authenticate(e.primaryOf('SSISLISTENER') as string, LOGDB, 'LogDb#Known2022', 'SSISDB');
    expect(r).toMatchObject({ ok: false, state: 38, errors: [{ number: 4060 }, { number: 18456 }] });
    // The same login can still reach master: only the database user is orphaned.
    expect(e.authenticate('SQLNODE2', LOGDB, 'LogDb#Known2022', 'master').ok).toBe(true);
    expect(e.snapshot().ssisdb[0]?.users.find((u) => u.name === '##MS_SSISLogDBWorkerAgentUser##')?.loginOn).toEqual({ SQLNODE1: LOGDB, SQLNODE2: null });
  });

  it('recreated on the secondary WITH the primary SID: works after failover', () => {
    const e = lab('half-done');
    const p = login(e, 'SQLNODE1');
    run(e, p, `ALTER LOGIN [${LOGDB}] WITH PASSWORD = N'LogDb#Known2022'`);
    const sid = (query(e, p, `SELECT sid FROM sys.server_principals WHERE name = N'${LOGDB}'`)[0]?.[0] as Buffer).toString('hex').toUpperCase();
    const s2 = login(e, 'SQLNODE2');
    expect(errors(run(e, s2, `CREATE LOGIN [${LOGDB}] WITH PASSWORD = N'LogDb#Known2022', SID = 0x${sid}, CHECK_POLICY = OFF`))).toEqual([]);
    e.failover('SSISDB-AG', 'SQLNODE2');
    const r = e.authenticate(e.primaryOf('SSISLISTENER') as string, LOGDB, 'LogDb#Known2022', 'SSISDB');
    expect(r.ok).toBe(true);
    if (r.ok) expect(query(e, r.session, "SELECT IS_MEMBER('ssis_cluster_worker')")).toEqual([[1]]);
  });
});

describe('mixed mode (LoginMode in the registry, read at startup)', () => {
  it('xp_instance_regwrite sets the pending value; SQL logins work only after a restart', () => {
    const e = lab('misconfigured');
    // SQLNODE2 is Windows-only: SQL auth fails with 18456 (state 58 in the error log).
    expect(e.authenticate('SQLNODE2', 'labadmin', LAB_SQL_LOGINS.admin.password, '')).toMatchObject({ ok: false, state: 58, errors: [{ number: 18456 }] });
    const w = e.authenticateWindows('SQLNODE2', 'LAB\\sqladmin', '');
    if (!w.ok) throw new Error('windows login');
    const items = run(e, w.session, "EXEC xp_instance_regwrite N'HKEY_LOCAL_MACHINE', N'Software\\Microsoft\\MSSQLServer\\MSSQLServer', N'LoginMode', REG_DWORD, 2");
    expect(errors(items)).toEqual([]);
    expect(query(e, w.session, "SELECT SERVERPROPERTY('IsIntegratedSecurityOnly')")).toEqual([[{ kind: 'variant', baseType: { type: 'int' }, value: 1 }]]);
    expect(query(e, w.session, "EXEC xp_instance_regread N'HKEY_LOCAL_MACHINE', N'Software\\Microsoft\\MSSQLServer\\MSSQLServer', N'LoginMode'")).toEqual([['LoginMode', 2]]);
    expect(e.authenticate('SQLNODE2', 'labadmin', LAB_SQL_LOGINS.admin.password, '').ok).toBe(false);
    e.setInstanceRunning('SQLNODE2', false);
    e.setInstanceRunning('SQLNODE2', true);
    expect(e.authenticate('SQLNODE2', 'labadmin', LAB_SQL_LOGINS.admin.password, '').ok).toBe(true);
  });

  it('needs sysadmin (229) and only models LoginMode (not implemented otherwise)', () => {
    const e = lab('fresh');
    const reader = login(e, 'SQLNODE1', 'reader');
    expect(errorNumbers(e, reader, "EXEC xp_instance_regwrite N'HKEY_LOCAL_MACHINE', N'Software\\Microsoft\\MSSQLServer\\MSSQLServer', N'LoginMode', REG_DWORD, 2")).toEqual([229]);
    const admin = login(e, 'SQLNODE1');
    const errs = errors(run(e, admin, "EXEC xp_instance_regwrite N'HKEY_LOCAL_MACHINE', N'Software\\Other', N'X', REG_DWORD, 2"));
    expect(errs[0]?.message).toContain('not implemented by the lab');
  });
});

describe('listeners', () => {
  it('ADD LISTENER on the primary creates it with its port and IP; errors on a secondary, duplicates and bad input', () => {
    const e = lab('half-done');
    const p = login(e, 'SQLNODE1');
    e.db.prepare('DELETE FROM lab_sql_ag_listener_ips').run();
    e.db.prepare('DELETE FROM lab_sql_ag_listeners').run();
    expect(errorNumbers(e, login(e, 'SQLNODE2'), "ALTER AVAILABILITY GROUP [SSISDB-AG] ADD LISTENER N'NEWLSNR' (WITH IP ((N'10.10.0.60', N'255.255.255.0')), PORT = 1533)")).toEqual([41190]);
    expect(errorNumbers(e, p, "ALTER AVAILABILITY GROUP [SSISDB-AG] ADD LISTENER N'SQLNODE2' (WITH IP ((N'10.10.0.60', N'255.255.255.0')), PORT = 1533)")).toEqual([19471]);
    expect(errorNumbers(e, p, "ALTER AVAILABILITY GROUP [SSISDB-AG] ADD LISTENER N'NEWLSNR' (WITH IP ((N'10.10.0.999', N'255.255.255.0')), PORT = 1533)")).toEqual([19453]);
    expect(errors(run(e, p, "ALTER AVAILABILITY GROUP [SSISDB-AG] ADD LISTENER N'NEWLSNR' (WITH IP ((N'10.10.0.60', N'255.255.255.0')), PORT = 1533)"))).toEqual([]);
    expect(query(e, p, 'SELECT l.dns_name, l.port, ip.ip_address, ip.ip_subnet_mask, ip.state_desc FROM sys.availability_group_listeners l JOIN sys.availability_group_listener_ip_addresses ip ON ip.listener_id = l.listener_id')).toEqual([
      ['NEWLSNR', 1533, '10.10.0.60', '255.255.255.0', 'ONLINE'],
    ]);
    expect(errorNumbers(e, p, "ALTER AVAILABILITY GROUP [SSISDB-AG] ADD LISTENER N'OTHER' (WITH IP ((N'10.10.0.61', N'255.255.255.0')), PORT = 1433)")).toEqual([19486]);
  });

  it('MODIFY LISTENER sets a port on a listener that has none (misconfigured)', () => {
    const e = lab('misconfigured');
    const p = login(e, 'SQLNODE1');
    expect(query(e, p, 'SELECT port FROM sys.availability_group_listeners')).toEqual([[null]]);
    expect(errors(run(e, p, "ALTER AVAILABILITY GROUP [SSISDB-AG] MODIFY LISTENER N'SSISLISTENER' (PORT = 1433)"))).toEqual([]);
    expect(query(e, p, 'SELECT port FROM sys.availability_group_listeners')).toEqual([[1433]]);
    expect(errorNumbers(e, p, "ALTER AVAILABILITY GROUP [SSISDB-AG] MODIFY LISTENER N'NOPE' (PORT = 1433)")).toEqual([19477]);
  });
});

describe('SSISDB database master key on the replicas', () => {
  it('after failover the catalog needs the DMK: a wrong stored password fails (15581), the right one works', () => {
    const e = lab('misconfigured');
    e.failover('SSISDB-AG', 'SQLNODE2');
    const w = e.authenticateWindows('SQLNODE2', 'LAB\\sqladmin', 'SSISDB');
    if (!w.ok) throw new Error('login');
    // sp_control_dbmasterkey_password does not check the password; the key just does not open.
    expect(errorNumbers(e, w.session, "EXEC catalog.update_logdb_info @server_name = N'SSISLISTENER,1433', @connection_string = N'x'")).toEqual([15581]);
    expect(errors(run(e, w.session, `EXEC sp_control_dbmasterkey_password @db_name = N'SSISDB', @password = N'${LAB_DMK_PASSWORD}', @action = N'add'`))).toEqual([]);
    expect(query(e, w.session, 'SELECT COUNT(*) FROM sys.master_key_passwords')).toEqual([[2]]);
    expect(errors(run(e, w.session, "EXEC catalog.update_logdb_info @server_name = N'SSISLISTENER,1433', @connection_string = N'x'"))).toEqual([]);
  });

  it('rejects system databases, unknown databases and a duplicate password', () => {
    const e = lab('half-done');
    const s2 = login(e, 'SQLNODE2');
    expect(errorNumbers(e, s2, "EXEC sp_control_dbmasterkey_password @db_name = N'master', @password = N'x', @action = N'add'")).toEqual([15330]);
    expect(errorNumbers(e, s2, "EXEC sp_control_dbmasterkey_password @db_name = N'nodb', @password = N'x', @action = N'add'")).toEqual([15010]);
    expect(errorNumbers(e, s2, `EXEC sp_control_dbmasterkey_password @db_name = N'SSISDB', @password = N'${LAB_DMK_PASSWORD}', @action = N'add'`)).toEqual([15576]);
    expect(errorNumbers(e, login(e, 'SQLNODE2', 'reader'), `EXEC sp_control_dbmasterkey_password @db_name = N'SSISDB', @password = N'x', @action = N'add'`)).toEqual([15247]);
  });
});
