import { describe, expect, it } from 'vitest';
import { columnsOf, errorNumbers, errors, lab, login, query, run, rowsOf } from './test-helpers';

describe('SELECT translation', () => {
  const e = lab('half-done');
  const admin = login(e, 'SQLNODE1');

  it('answers the built-ins from the instance the connection is on', () => {
    const s2 = login(e, 'SQLNODE2');
    const sql = "SELECT @@SERVERNAME, SERVERPROPERTY('ServerName'), SERVERPROPERTY('IsHadrEnabled'), SERVERPROPERTY('IsIntegratedSecurityOnly'), DB_NAME(), SUSER_SNAME(), IS_SRVROLEMEMBER('sysadmin')";
    const [r1] = query(e, admin, sql);
    const [r2] = query(e, s2, sql);
    expect(r1?.[0]).toBe('SQLNODE1');
    expect(r2?.[0]).toBe('SQLNODE2');
    expect(r1?.[2]).toEqual({ kind: 'variant', baseType: { type: 'int' }, value: 1 });
    expect(r1?.[3]).toMatchObject({ value: 0 });
    expect(r1?.slice(4)).toEqual(['master', 'labadmin', 1]);
  });

  it('resolves bracketed 1/2/3-part names and types the columns like the real views', () => {
    const items = run(e, admin, 'SELECT [name], [sid], principal_id FROM [master].[sys].[server_principals] WHERE [name] = N\'labadmin\'');
    expect(rowsOf(items)).toHaveLength(1);
    expect(columnsOf(items).map((c) => c.type)).toEqual([
      JSON.stringify({ type: 'nvarchar', length: 128 }),
      JSON.stringify({ type: 'varbinary', length: 85 }),
      JSON.stringify({ type: 'int' }),
    ]);
  });

  it('compares strings case-insensitively, like the default collation', () => {
    expect(query(e, admin, "SELECT name FROM sys.databases WHERE name = 'ssisdb'")).toEqual([['SSISDB']]);
  });

  it('supports TOP, ORDER BY alias, GROUP BY with COUNT(*), CASE, ISNULL and IN', () => {
    expect(query(e, admin, 'SELECT TOP (1) name AS n FROM sys.databases ORDER BY n DESC')).toEqual([['tempdb']]);
    const g = query(e, admin, "SELECT type_desc, COUNT(*) AS c FROM sys.server_principals WHERE type IN ('S', 'R') GROUP BY type_desc ORDER BY type_desc");
    expect(g.map((r) => r[0])).toEqual(['SERVER_ROLE', 'SQL_LOGIN']);
    expect(query(e, admin, "SELECT CASE WHEN 1 = 1 THEN N'yes' ELSE N'no' END, ISNULL(NULL, 5), COALESCE(NULL, NULL, N'x')")).toEqual([['yes', 5, 'x']]);
  });

  it('returns the same rows for a join and the equivalent subquery', () => {
    const join = query(
      e,
      admin,
      `SELECT ar.replica_server_name FROM sys.availability_replicas ar
       INNER JOIN sys.availability_groups ag ON ag.group_id = ar.group_id WHERE ag.name = N'SSISDB-AG' ORDER BY 1`,
    );
    const sub = query(
      e,
      admin,
      `SELECT replica_server_name FROM sys.availability_replicas
       WHERE group_id IN (SELECT group_id FROM sys.availability_groups WHERE name = N'SSISDB-AG') ORDER BY replica_server_name`,
    );
    expect(join).toEqual([['SQLNODE1'], ['SQLNODE2']]);
    expect(sub).toEqual(join);
  });

  it('a wrong join returns wrong rows, as on a real server', () => {
    // Joining replicas to replica states on group_id instead of replica_id pairs every replica with every state.
    const r = query(e, admin, 'SELECT ar.replica_server_name, ars.role_desc FROM sys.availability_replicas ar JOIN sys.dm_hadr_availability_replica_states ars ON ars.group_id = ar.group_id');
    expect(r).toHaveLength(4);
  });

  it('is_local and role_desc answer from the local replica (the documented "is this node primary" query)', () => {
    const sql = `SELECT ars.role_desc FROM sys.availability_databases_cluster adc
      JOIN sys.dm_hadr_availability_replica_states ars ON ars.group_id = adc.group_id AND ars.is_local = 1
      WHERE adc.database_name = N'SSISDB'`;
    expect(query(e, admin, sql)).toEqual([['PRIMARY']]);
    expect(query(e, login(e, 'SQLNODE2'), sql)).toEqual([['SECONDARY']]);
    // On a secondary the DMV shows only the local replica.
    expect(query(e, login(e, 'SQLNODE2'), 'SELECT COUNT(*) FROM sys.dm_hadr_availability_replica_states')).toEqual([[1]]);
  });

  it('binds @parameters of sp_executesql as values, not text', () => {
    const items = run(e, admin, "EXEC sp_executesql N'SELECT name FROM sys.server_principals WHERE name = @n', N'@n sysname', @n = N'labadmin'' OR 1=1 --'");
    expect(errors(items)).toEqual([]);
    expect(rowsOf(items)).toEqual([]);
  });

  it('EXISTS, NOT EXISTS and LIKE with character classes', () => {
    expect(query(e, admin, "SELECT CASE WHEN EXISTS (SELECT 1 FROM sys.databases WHERE name LIKE 'SSIS[D]B') THEN 1 ELSE 0 END")).toEqual([[1]]);
    expect(query(e, admin, "SELECT COUNT(*) FROM sys.databases d WHERE NOT EXISTS (SELECT 1 FROM sys.databases x WHERE x.database_id > d.database_id)")).toEqual([[1]]);
    expect(query(e, admin, "SELECT name FROM sys.databases WHERE name LIKE '[^mt]%' ORDER BY name")).toEqual([['SSISDB']]);
  });

  it('fails what SQL Server fails: unknown table 208, column 207, ambiguous 209, unbound 4104, function 195', () => {
    expect(errorNumbers(e, admin, 'SELECT * FROM sys.no_such_view')).toEqual([208]);
    expect(errorNumbers(e, admin, 'SELECT * FROM catalog.worker_agents')).toEqual([208]);
    expect(errorNumbers(e, admin, 'SELECT nope FROM sys.databases')).toEqual([207]);
    expect(errorNumbers(e, admin, 'SELECT name FROM sys.databases a JOIN sys.databases b ON a.database_id = b.database_id')).toEqual([209]);
    expect(errorNumbers(e, admin, 'SELECT x.name FROM sys.databases d')).toEqual([4104]);
    expect(errorNumbers(e, admin, 'SELECT NO_SUCH_FUNCTION(1)')).toEqual([195]);
    expect(errors(run(e, admin, 'SELECT NO_SUCH_FUNCTION(1)'))[0]?.message).toBe("'NO_SUCH_FUNCTION' is not a recognized built-in function name.");
  });

  it('fails conversions (245), ungrouped columns (8120) and multi-row scalar subqueries (512)', () => {
    expect(errorNumbers(e, admin, "SELECT CAST(N'abc' AS int)")).toEqual([245]);
    expect(query(e, admin, "SELECT TRY_CAST(N'abc' AS int), CAST(N'42' AS int), CONVERT(nvarchar(10), 0x0A0B, 1)")).toEqual([[null, 42, '0x0A0B']]);
    expect(errorNumbers(e, admin, 'SELECT name, COUNT(*) FROM sys.databases')).toEqual([8120]);
    expect(errorNumbers(e, admin, 'SELECT (SELECT name FROM sys.databases)')).toEqual([512]);
  });

  it('a conversion error ends the batch; a statement error does not', () => {
    const items = run(e, admin, "SELECT CAST('x' AS int); SELECT 1");
    expect(items.filter((i) => i.kind === 'rows')).toHaveLength(0);
    const items2 = run(e, admin, "CREATE LOGIN [labadmin] WITH PASSWORD = N'Whatever#123'; SELECT 1");
    expect(errors(items2).map((x) => x.number)).toEqual([15025]);
    expect(rowsOf(items2)).toEqual([[1]]);
  });

  it('hides other logins from a login without ALTER ANY LOGIN and needs VIEW SERVER STATE for DMVs', () => {
    const reader = login(e, 'SQLNODE1', 'reader');
    const names = query(e, reader, "SELECT name FROM sys.server_principals WHERE type = 'S' ORDER BY name").map((r) => r[0]);
    expect(names).toEqual(['labreader', 'sa']);
    expect(query(e, reader, 'SELECT password_hash FROM sys.sql_logins WHERE name = SUSER_SNAME()')).toEqual([[null]]);
    expect(errorNumbers(e, reader, 'SELECT * FROM sys.dm_exec_connections')).toEqual([300, 297]);
  });

  it('sys.dm_exec_connections reports the connection encryption passed at login', () => {
    const r = e.authenticate('SQLNODE1', 'labadmin', 'LabAdmin#2022!', 'master', { encryption: 'on' });
    if (!r.ok) throw new Error('login');
    expect(query(e, r.session, 'SELECT encrypt_option, auth_scheme FROM sys.dm_exec_connections WHERE session_id = @@SPID')).toEqual([['TRUE', 'SQL']]);
    expect(query(e, admin, 'SELECT encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID')).toEqual([['FALSE']]);
  });

  it('DECLARE, SELECT @var = and SET keep T-SQL semantics', () => {
    const r = query(e, admin, "DECLARE @n int = 0, @s nvarchar(20); SELECT @n = COUNT(*) FROM sys.databases; SET @s = N'dbs: '; SET @s += CAST(@n AS nvarchar(10)); SELECT @s");
    expect(r).toEqual([['dbs: 5']]);
    expect(errorNumbers(e, admin, 'SELECT @undeclared')).toEqual([137]);
  });

  it('IF EXISTS / ELSE and PRINT', () => {
    const items = run(e, admin, "IF EXISTS (SELECT 1 FROM sys.databases WHERE name = N'SSISDB') PRINT 'yes' ELSE PRINT 'no'");
    expect(items).toEqual([expect.objectContaining({ kind: 'info', message: 'yes' })]);
  });

  it('answers typical wizard probes (CONVERT styles, LEFT JOINs across AG views, DATEDIFF)', () => {
    expect(query(e, admin, "SELECT CONVERT(varchar(100), SERVERPROPERTY('ProductVersion')) FROM sys.sql_logins WHERE name = N'labadmin'")).toEqual([['16.0.4135.4']]);
    expect(query(e, admin, "SELECT name FROM sys.databases WHERE name = 'SSISDB' AND replica_id IS NOT NULL AND recovery_model_desc = 'FULL'")).toEqual([['SSISDB']]);
    expect(query(e, admin, 'SELECT DATEDIFF(SECOND, SYSDATETIMEOFFSET(), SYSDATETIMEOFFSET())')).toEqual([[0]]);
    expect(
      query(
        e,
        admin,
        `SELECT d.name, ag.name FROM sys.databases d
         LEFT JOIN sys.availability_databases_cluster adc ON adc.group_database_id = d.group_database_id
         LEFT JOIN sys.availability_groups ag ON ag.group_id = adc.group_id WHERE d.database_id > 4`,
      ),
    ).toEqual([['SSISDB', 'SSISDB-AG']]);
  });
});
