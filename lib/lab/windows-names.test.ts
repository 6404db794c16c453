// Windows names through the Windows side (windows-sql-link.ts windowsNames): what an instance's
// host resolves for CREATE LOGIN ... FROM WINDOWS, SUSER_SID and SUSER_SNAME is the lab domain's
// accounts and computers, the services installed on that host, and the well-known accounts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLabSql, type LabSqlEngine } from './sql';
import { errors, login, query, run } from './sql/test-helpers';
import { sidText } from './sql/windows-names';
import { WindowsState } from './windows';
import { windowsNames } from './windows-sql-link';

let dir: string;
let winDb: Database.Database;
let windows: WindowsState;
let engine: LabSqlEngine;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-windows-names-'));
  winDb = new Database(path.join(dir, 'windows.db'));
  windows = new WindowsState(winDb, dir);
  await windows.reset('fresh');
  engine = openLabSql(path.join(dir, 'lab.db'), { scenario: 'fresh', windowsNames: windowsNames(windows.store) });
}, 60_000);
afterAll(() => {
  engine?.close();
  windows?.close();
  winDb?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sidOn = (instance: string, name: string) =>
  query(engine, login(engine, instance), `SELECT sid FROM sys.server_principals WHERE name = N'${name}'`)[0]?.[0] as Buffer | undefined;
const failures = (instance: string, sql: string) => errors(run(engine, login(engine, instance), sql));

describe('CREATE LOGIN ... FROM WINDOWS resolves the name on the instance\'s host', () => {
  it('an account the domain does not have: 15401', () => {
    expect(failures('SQLNODE1', 'CREATE LOGIN [LAB\\svc-nobody] FROM WINDOWS')).toEqual([
      { number: 15401, message: "Windows NT user or group 'LAB\\svc-nobody' not found. Check the name again." },
    ]);
    // Another domain, and a name without a domain (15407), are refused too.
    expect(failures('SQLNODE1', 'CREATE LOGIN [OTHER\\svc-ssismaster] FROM WINDOWS').map((e) => e.number)).toEqual([15401]);
    expect(failures('SQLNODE1', 'CREATE LOGIN [svc-ssismaster] FROM WINDOWS').map((e) => e.number)).toEqual([15407]);
    expect(sidOn('SQLNODE1', 'LAB\\svc-nobody')).toBeUndefined();
  });

  it('NT SERVICE\\<name> of a service not installed on that host: 15401 (the worker service lives on WORKER1)', () => {
    expect(failures('SQLNODE1', 'CREATE LOGIN [NT SERVICE\\SSISScaleOutWorker160] FROM WINDOWS')).toEqual([
      { number: 15401, message: "Windows NT user or group 'NT SERVICE\\SSISScaleOutWorker160' not found. Check the name again." },
    ]);
    const names = windowsNames(windows.store);
    expect(names('WORKER1').map((a) => a.name)).toContain('NT SERVICE\\SSISScaleOutWorker160');
    expect(names('WORKER1').map((a) => a.name)).not.toContain('NT SERVICE\\MSSQLSERVER');
  });

  it('a domain account: the same domain SID on both instances, a Windows login (type U)', () => {
    for (const i of ['SQLNODE1', 'SQLNODE2']) expect(failures(i, 'CREATE LOGIN [LAB\\svc-ssismaster] FROM WINDOWS')).toEqual([]);
    const one = sidOn('SQLNODE1', 'LAB\\svc-ssismaster');
    const two = sidOn('SQLNODE2', 'LAB\\svc-ssismaster');
    expect(one && sidText(one)).toMatch(/^S-1-5-21-\d+-\d+-\d+-\d+$/);
    expect(two).toEqual(one);
    // Another account of the same domain: the same domain part, another relative id.
    const worker = query(engine, login(engine, 'SQLNODE1'), "SELECT SUSER_SID(N'LAB\\svc-ssisworker')")[0]?.[0] as Buffer;
    expect(sidText(worker).split('-').slice(0, 7)).toEqual(sidText(one!).split('-').slice(0, 7));
    expect(worker).not.toEqual(one);
    expect(query(engine, login(engine, 'SQLNODE2'), "SELECT type, type_desc FROM sys.server_principals WHERE name = N'LAB\\svc-ssismaster'")).toEqual([['U', 'WINDOWS_LOGIN']]);
    // The same account under another spelling is the same principal.
    expect(failures('SQLNODE2', 'CREATE LOGIN [lab\\SVC-SSISMASTER] FROM WINDOWS').map((e) => e.number)).toEqual([15025]);
  });

  it('a virtual account of an installed service: S-1-5-80 from the service name, the same on every host', () => {
    expect(failures('SQLNODE1', 'CREATE LOGIN [NT SERVICE\\MsDtsServer160] FROM WINDOWS')).toEqual([]);
    expect(failures('SQLNODE2', 'CREATE LOGIN [NT SERVICE\\MsDtsServer160] FROM WINDOWS')).toEqual([]);
    const one = sidOn('SQLNODE1', 'NT SERVICE\\MsDtsServer160');
    expect(one && sidText(one)).toMatch(/^S-1-5-80-(\d+-){4}\d+$/);
    expect(sidOn('SQLNODE2', 'NT SERVICE\\MsDtsServer160')).toEqual(one);
  });

  it('computer accounts of the domain (LAB\\HOST$) and well-known groups resolve', () => {
    expect(failures('SQLNODE1', 'CREATE LOGIN [LAB\\SQLNODE2$] FROM WINDOWS')).toEqual([]);
    expect(failures('SQLNODE1', 'CREATE LOGIN [BUILTIN\\Administrators] FROM WINDOWS')).toEqual([]);
    expect(query(engine, login(engine, 'SQLNODE1'), "SELECT type_desc FROM sys.server_principals WHERE name = N'BUILTIN\\Administrators'")).toEqual([['WINDOWS_GROUP']]);
    expect(failures('SQLNODE1', 'CREATE LOGIN [LAB\\NOSUCHHOST$] FROM WINDOWS').map((e) => e.number)).toEqual([15401]);
  });

  it('an uninstalled master service: enable_scaleout creates no login for its virtual account there', () => {
    windows.store.db.prepare('DELETE FROM win_services WHERE host = ? AND name = ?').run('SQLNODE1', 'SSISScaleOutMaster160');
    expect(failures('SQLNODE1', 'CREATE LOGIN [NT Service\\SSISScaleOutMaster160] FROM WINDOWS').map((e) => e.number)).toEqual([15401]);
    expect(failures('SQLNODE1', 'EXEC SSISDB.catalog.enable_scaleout')).toEqual([]);
    expect(sidOn('SQLNODE1', 'NT Service\\SSISScaleOutMaster160')).toBeUndefined();
    // SQLNODE2 still has it.
    expect(failures('SQLNODE2', 'CREATE LOGIN [NT Service\\SSISScaleOutMaster160] FROM WINDOWS')).toEqual([]);
  });
});

describe('SUSER_SID and SUSER_SNAME ask Windows when no login has the name or SID', () => {
  it('SUSER_SID: the Windows SID of a resolvable name without a login, NULL otherwise; the login\'s SID for a SQL login', () => {
    const s = login(engine, 'SQLNODE2');
    const [row] = query(engine, s, "SELECT SUSER_SID(N'LAB\\Administrator'), SUSER_SID(N'LAB\\svc-nobody'), SUSER_SID(N'labreader'), SUSER_SID(N'nosqllogin'), SUSER_SID(N'NT SERVICE\\SSISScaleOutWorker160')");
    expect(query(engine, s, "SELECT COUNT(*) FROM sys.server_principals WHERE name = N'LAB\\Administrator'")).toEqual([[0]]);
    expect(sidText(row?.[0] as Buffer)).toMatch(/^S-1-5-21-\d+-\d+-\d+-500$/);
    expect(row?.[1]).toBeNull();
    expect(row?.[2]).toEqual(sidOn('SQLNODE2', 'labreader'));
    expect(row?.[3]).toBeNull();
    expect(row?.[4]).toBeNull();
    // The SID SUSER_SID gives is the one a login then gets.
    expect(failures('SQLNODE2', 'CREATE LOGIN [LAB\\Administrator] FROM WINDOWS')).toEqual([]);
    expect(sidOn('SQLNODE2', 'LAB\\Administrator')).toEqual(row?.[0]);
  });

  it('SUSER_SNAME: the login\'s name, else the account Windows knows by that SID, else NULL', () => {
    const s = login(engine, 'SQLNODE2');
    const [row] = query(engine, s, "SELECT SUSER_SNAME(SUSER_SID(N'LAB\\svc-sql')), SUSER_SNAME(SUSER_SID(N'LAB\\svc-ssismaster')), SUSER_SNAME(0x0105000000000005150000000102030405060708090A0B0C0D0E0F10)");
    expect(row).toEqual(['LAB\\svc-sql', 'LAB\\svc-ssismaster', null]);
  });
});
