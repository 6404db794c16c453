import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RpcParam } from '@/lib/lab/tds/types';
import { LAB_DMK_PASSWORD, LAB_SQL_LOGINS, openLabSql, toTdsAuthResult } from './index';
import { errorNumbers, errors, lab, login, query, rowsOf, run } from './test-helpers';

const p = (name: string, type: RpcParam['type'], value: RpcParam['value'], output = false): RpcParam => ({ name, type, value, output, useDefault: false });

describe('statements the lab does not implement', () => {
  const e = lab('fresh');
  const s = login(e, 'SQLNODE1');

  it('fail loudly instead of silently succeeding, and end the batch', () => {
    const items = run(e, s, "SELECT 1; INSERT INTO dbo.t VALUES (1); SELECT 2");
    expect(errors(items)).toEqual([{ number: 40517, message: expect.stringContaining('not implemented by the lab') as unknown as string }]);
    expect(rowsOf(items)).toEqual([[1]]);
    expect(items.filter((i) => i.kind === 'rows')).toHaveLength(1);
    expect(errors(run(e, s, 'CREATE AVAILABILITY GROUP [x] FOR DATABASE [SSISDB]'))[0]?.message).toContain("'CREATE AVAILABILITY GROUP'");
    expect(errors(run(e, s, 'SELECT OBJECT_ID(N\'x\')'))[0]?.message).toContain('not implemented by the lab');
    expect(errorNumbers(e, s, 'EXEC sp_configure')).toEqual([40517]);
  });

  it('unknown procedures are 2812, unknown databases in USE are 911, garbage is 102', () => {
    expect(errorNumbers(e, s, 'EXEC dbo.no_such_proc')).toEqual([2812]);
    expect(errorNumbers(e, s, 'USE nodb')).toEqual([911]);
    expect(errorNumbers(e, s, 'SELECT 1 +')).toEqual([102]);
  });
});

describe('session statements', () => {
  const e = lab('fresh');
  const s = login(e, 'SQLNODE1');

  it("accepts the SET batch tedious sends at connect", () => {
    const init =
      'set textsize 2147483647\nset quoted_identifier on\nset arithabort off\nset numeric_roundabort off\nset ansi_warnings on\nset ansi_padding on\nset ansi_nulls on\n' +
      'set concat_null_yields_null on\nset cursor_close_on_commit off\nset implicit_transactions off\nset language us_english\nset dateformat mdy\nset datefirst 7\n' +
      'set transaction isolation level read committed';
    expect(errors(run(e, s, init))).toEqual([]);
    run(e, s, 'SET NOCOUNT ON');
    expect(s.nocount).toBe(true);
    expect(errorNumbers(e, s, 'SET IMPLICIT_TRANSACTIONS ON')).toEqual([40517]);
  });

  it('USE changes the session database and reports it', () => {
    expect(run(e, s, 'USE [SSISDB]')).toEqual([{ kind: 'database', name: 'SSISDB' }]);
    expect(query(e, s, 'SELECT DB_NAME(), DB_ID()')).toEqual([['SSISDB', 5]]);
    run(e, s, 'USE master');
  });

  it('BEGIN/COMMIT/ROLLBACK produce transaction items; a rollback that cannot undo changes says so', () => {
    expect(run(e, s, 'BEGIN TRAN; SELECT @@TRANCOUNT; COMMIT')).toEqual([
      { kind: 'transaction', action: 'begin' },
      expect.objectContaining({ kind: 'rows', rows: [[1]] }),
      { kind: 'transaction', action: 'commit' },
    ]);
    expect(errors(run(e, s, 'BEGIN TRANSACTION; ROLLBACK TRANSACTION'))).toEqual([]);
    const items = run(e, s, "BEGIN TRAN; CREATE LOGIN [t1] WITH PASSWORD = N'Abc#defg123'; ROLLBACK");
    expect(errors(items)[0]?.message).toContain('not implemented by the lab');
  });

  it('THROW and RAISERROR raise user errors; PRINT is an info message', () => {
    expect(errors(run(e, s, "THROW 50001, N'boom', 1"))).toEqual([{ number: 50001, message: 'boom' }]);
    expect(errors(run(e, s, "RAISERROR(N'bad %s', 16, 1, N'thing')"))).toEqual([{ number: 50000, message: 'bad thing' }]);
    expect(run(e, s, "PRINT N'hello'")).toEqual([expect.objectContaining({ kind: 'info', message: 'hello' })]);
  });
});

describe('RPC', () => {
  const e = lab('misconfigured');
  const s = login(e, 'SQLNODE1', 'admin', 'SSISDB');

  it('calls a catalog procedure by name with typed parameters and returns status 0', () => {
    const id = query(e, s, 'SELECT WorkerAgentId FROM catalog.worker_agents')[0]?.[0] as string;
    const r = e.rpc('SQLNODE1', { procName: 'catalog.enable_worker_agent', params: [p('@WorkerAgentId', { type: 'uniqueidentifier' }, id)], optionFlags: 0 }, s);
    expect(r).toMatchObject({ items: [], returnStatus: 0 });
    expect(query(e, s, 'SELECT IsEnabled FROM catalog.worker_agents')).toEqual([[true]]);
  });

  it('an RPC error has no return status', () => {
    const r = e.rpc('SQLNODE1', { procName: '[SSISDB].[catalog].[update_master_address]', params: [p('@MasterAddress', { type: 'nvarchar', length: 256 }, null)], optionFlags: 0 }, s);
    expect(r.returnStatus).toBeUndefined();
    expect(r.items).toEqual([expect.objectContaining({ kind: 'error', number: 27138 })]);
  });

  it('sp_executesql with parameters and an OUTPUT parameter', () => {
    const r = e.rpc(
      'SQLNODE1',
      {
        procName: 'sp_executesql',
        procId: 10,
        params: [
          p('', { type: 'nvarchar', length: 'max' }, 'SELECT @c = COUNT(*) FROM sys.databases WHERE name LIKE @pattern'),
          p('', { type: 'nvarchar', length: 'max' }, '@pattern nvarchar(10), @c int OUTPUT'),
          p('@pattern', { type: 'nvarchar', length: 10 }, 'SSIS%'),
          p('@c', { type: 'int' }, null, true),
        ],
        optionFlags: 0,
      },
      s,
    );
    expect(errors(r.items)).toEqual([]);
    expect(r.outputs).toEqual({ '@c': { type: { type: 'int' }, value: 1 } });
  });

  it('EXEC with OUTPUT and a return status variable in a batch', () => {
    const r = query(e, s, "DECLARE @rc int, @mode int; EXEC @rc = xp_instance_regread N'HKEY_LOCAL_MACHINE', N'Software\\Microsoft\\MSSQLServer\\MSSQLServer', N'LoginMode', @mode OUTPUT; SELECT @rc, @mode");
    expect(r).toEqual([[0, 2]]);
  });
});

describe('the SQLite file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'labsql-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps state across reopen and never contains a password in clear', () => {
    const file = path.join(dir, 'lab.sqlite');
    const e = openLabSql(file, { scenario: 'half-done' });
    const s = login(e, 'SQLNODE1', 'admin', 'SSISDB');
    const secrets = ['Zq8#UniqueLoginPw', 'Zq8#UniqueLogDbPw', 'Zq8#UniqueConnPw', LAB_DMK_PASSWORD, LAB_SQL_LOGINS.admin.password];
    run(e, s, `CREATE LOGIN [filetest] WITH PASSWORD = N'${secrets[0]}'`);
    run(e, s, `ALTER LOGIN [##MS_SSISLogDBWorkerAgentLogin##] WITH PASSWORD = N'${secrets[1]}'`);
    expect(errors(run(e, s, `EXEC catalog.update_logdb_info @server_name = N'SSISLISTENER', @connection_string = N'Data Source=SSISLISTENER;Password=${secrets[2]};'`))).toEqual([]);
    const s2 = login(e, 'SQLNODE2');
    run(e, s2, `EXEC sp_control_dbmasterkey_password @db_name = N'SSISDB', @password = N'Zq8#OtherDmk', @action = N'add'`);
    e.close();
    const bytes = Buffer.concat(readdirSync(dir).map((f) => readFileSync(path.join(dir, f))));
    for (const secret of [...secrets, 'Zq8#OtherDmk']) {
      expect(bytes.includes(Buffer.from(secret, 'utf8'))).toBe(false);
      expect(bytes.includes(Buffer.from(secret, 'utf16le'))).toBe(false);
    }
    const again = openLabSql(file);
    expect(again.authenticate('SQLNODE1', 'filetest', secrets[0] as string, '').ok).toBe(true);
    again.close();
  });
});

describe('control API surface', () => {
  it('snapshot shows state without secrets; toTdsAuthResult shapes login results for the TDS server', () => {
    const e = lab('misconfigured');
    const snap = e.snapshot();
    expect(snap.instances.map((i) => [i.name, i.loginMode.effective])).toEqual([
      ['SQLNODE1', 'MIXED'],
      ['SQLNODE2', 'WINDOWS'],
    ]);
    expect(snap.availabilityGroups[0]).toMatchObject({ name: 'SSISDB-AG', primary: 'SQLNODE1', listeners: [{ dnsName: 'SSISLISTENER', port: null }] });
    expect(snap.ssisdb[0]?.masterProperties.CLUSTER_LOGDB_CONNECTIONSTRING).toBe('(encrypted)');
    expect(JSON.stringify(snap)).not.toContain('password_hash');
    const ok = toTdsAuthResult(e.authenticate('SQLNODE1', 'labadmin', LAB_SQL_LOGINS.admin.password, 'master'));
    expect(ok).toMatchObject({ ok: true, database: 'master' });
    expect(toTdsAuthResult(e.authenticate('SQLNODE1', 'labadmin', 'x', ''))).toEqual({ ok: false, error: [{ number: 18456, state: 1, class: 14, message: "Login failed for user 'labadmin'." }] });
  });

  it('three-node scenarios add an asynchronous manual replica', () => {
    const e = openLabSql(':memory:', { scenario: 'half-done', nodes: 3 });
    expect(e.snapshot().availabilityGroups[0]?.replicas.map((r) => [r.server, r.availabilityMode])).toEqual([
      ['SQLNODE1', 'SYNCHRONOUS_COMMIT'],
      ['SQLNODE2', 'SYNCHRONOUS_COMMIT'],
      ['SQLNODE3', 'ASYNCHRONOUS_COMMIT'],
    ]);
  });
});
