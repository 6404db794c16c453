// CREATE LOGIN ... FROM WINDOWS, SUSER_SID and SUSER_SNAME ask Windows on the instance's host. Here
// the SQL side alone (no Windows side): the well-known accounts, the SQL services' virtual
// accounts, and only the domain accounts a test names. lib/lab/windows-names.test.ts has the
// Windows side's accounts.
import { describe, expect, it } from 'vitest';
import type { ResultItem } from '@/lib/lab/tds/types';
import { sqlSideWindowsNames } from './index';
import { errors, lab, login, query, run } from './test-helpers';
import { sidText } from './windows-names';

const errorItems = (items: readonly ResultItem[]) => items.filter((i) => i.kind === 'error');
const sidOf = (e: ReturnType<typeof lab>, s: ReturnType<typeof login>, name: string) =>
  query(e, s, `SELECT sid FROM sys.server_principals WHERE name = N'${name}'`)[0]?.[0] as Buffer | undefined;

describe('Windows names without the Windows side', () => {
  it('no domain account resolves unless the test names it: 15401 (level 16, state 1) with SQL Server\'s text', () => {
    const e = lab('fresh');
    const s = login(e, 'SQLNODE1');
    const items = run(e, s, 'CREATE LOGIN [LAB\\svc-ssismaster] FROM WINDOWS');
    expect(errorItems(items)).toMatchObject([
      { number: 15401, class: 16, state: 1, message: "Windows NT user or group 'LAB\\svc-ssismaster' not found. Check the name again." },
    ]);
    expect(sidOf(e, s, 'LAB\\svc-ssismaster')).toBeUndefined();

    e.useWindowsNames(sqlSideWindowsNames(e.st, ['LAB\\svc-ssismaster']));
    expect(errors(run(e, s, 'CREATE LOGIN [LAB\\svc-ssismaster] FROM WINDOWS'))).toEqual([]);
    expect(sidText(sidOf(e, s, 'LAB\\svc-ssismaster')!)).toMatch(/^S-1-5-21-\d+-\d+-\d+-\d+$/);
  });

  it('CREATE USER [DOMAIN\\name] without a login maps to the account\'s SID when Windows knows the name (15401 otherwise)', () => {
    const e = lab('fresh');
    const s = login(e, 'SQLNODE1', 'admin', 'SSISDB');
    expect(errors(run(e, s, 'CREATE USER [LAB\\svc-ssisops]')).map((x) => x.number)).toEqual([15401]);
    expect(query(e, s, "SELECT name FROM sys.database_principals WHERE name = N'LAB\\svc-ssisops'")).toEqual([]);
    e.useWindowsNames(sqlSideWindowsNames(e.st, ['LAB\\svc-ssisops']));
    expect(errors(run(e, s, 'CREATE USER [LAB\\svc-ssisops]'))).toEqual([]);
    const [row] = query(e, s, "SELECT type, sid, SUSER_SID(N'LAB\\svc-ssisops') FROM sys.database_principals WHERE name = N'LAB\\svc-ssisops'");
    expect(row?.[0]).toBe('U');
    expect(row?.[1]).toBeInstanceOf(Buffer);
    expect(row?.[1]).toEqual(row?.[2]);
    // No login for it on the server: the user is not a login's.
    expect(sidOf(e, s, 'LAB\\svc-ssisops')).toBeUndefined();
    // A name that is not a Windows name still needs a login.
    expect(errors(run(e, s, 'CREATE USER [nobody]')).map((x) => x.number)).toEqual([15007]);
  });

  it('NT SERVICE\\<name> resolves only for a service the SQL side has on that host', () => {
    const e = lab('fresh');
    const s = login(e, 'SQLNODE1');
    // The Scale Out Worker is not installed on a master node.
    expect(errors(run(e, s, 'CREATE LOGIN [NT SERVICE\\SSISScaleOutWorker160] FROM WINDOWS')).map((x) => x.number)).toEqual([15401]);
    e.setScaleOutMasterInstalled('SQLNODE1', false);
    expect(errors(run(e, s, 'CREATE LOGIN [NT SERVICE\\SSISScaleOutMaster160] FROM WINDOWS')).map((x) => x.number)).toEqual([15401]);
    e.setScaleOutMasterInstalled('SQLNODE1', true);
    expect(errors(run(e, s, 'CREATE LOGIN [NT SERVICE\\SSISScaleOutMaster160] FROM WINDOWS'))).toEqual([]);
    // The service SID Windows computes (sc.exe showsid), here for SQL Server's own service.
    expect(query(e, s, "SELECT SUSER_SID(N'NT SERVICE\\MSSQLSERVER')")[0]?.[0]).toEqual(sidOf(e, s, 'NT SERVICE\\MSSQLSERVER'));
    expect(sidText(sidOf(e, s, 'NT SERVICE\\MSSQLSERVER')!)).toBe('S-1-5-80-3880718306-3832830129-1677859214-2598158968-1052248003');
  });

  it('catalog.enable_scaleout creates the master\'s virtual account login only where that account resolves', () => {
    const e = lab('fresh');
    const s = login(e, 'SQLNODE1');
    // The feature is installed (27261 passes) but the host resolves no master service account.
    e.useWindowsNames(() => []);
    expect(errors(run(e, s, 'EXEC SSISDB.catalog.enable_scaleout'))).toEqual([]);
    expect(query(e, s, "SELECT COUNT(*) FROM sys.server_principals WHERE name = N'NT Service\\SSISScaleOutMaster160'")).toEqual([[0]]);
    expect(query(e, s, "SELECT COUNT(*) FROM SSISDB.sys.database_principals WHERE name = N'SSISScaleOutMasterUser160'")).toEqual([[0]]);

    const e2 = lab('fresh');
    const s2 = login(e2, 'SQLNODE1');
    expect(errors(run(e2, s2, 'EXEC SSISDB.catalog.enable_scaleout'))).toEqual([]);
    const sid = sidOf(e2, s2, 'NT Service\\SSISScaleOutMaster160');
    expect(sid && sidText(sid)).toMatch(/^S-1-5-80-(\d+-){4}\d+$/);
    expect(query(e2, s2, "SELECT sid FROM SSISDB.sys.database_principals WHERE name = N'SSISScaleOutMasterUser160'")).toEqual([[sid]]);
  });

  it('SUSER_SID: a login\'s SID, else the Windows SID of a resolvable DOMAIN\\name, else NULL', () => {
    const e = lab('fresh');
    e.useWindowsNames(sqlSideWindowsNames(e.st, ['LAB\\svc-ssisworker']));
    const s = login(e, 'SQLNODE1');
    const reader = sidOf(e, s, 'labreader');
    const [row] = query(e, s, "SELECT SUSER_SID(N'labreader'), SUSER_SID(N'nosuchlogin'), SUSER_SID(N'LAB\\svc-ssisworker'), SUSER_SID(N'LAB\\nobody'), SUSER_SID(N'NT AUTHORITY\\SYSTEM')");
    expect(row?.[0]).toEqual(reader);
    expect(row?.[1]).toBeNull();
    const worker = row?.[2] as Buffer;
    expect(sidText(worker)).toMatch(/^S-1-5-21-/);
    expect(row?.[3]).toBeNull();
    expect(sidText(row?.[4] as Buffer)).toBe('S-1-5-18');
    // No login was needed; the login created afterwards has that SID.
    expect(query(e, s, "SELECT COUNT(*) FROM sys.server_principals WHERE name = N'LAB\\svc-ssisworker'")).toEqual([[0]]);
    expect(errors(run(e, s, 'CREATE LOGIN [LAB\\svc-ssisworker] FROM WINDOWS'))).toEqual([]);
    expect(sidOf(e, s, 'LAB\\svc-ssisworker')).toEqual(worker);
  });

  it('SUSER_SNAME: a login\'s name, else the Windows account of the SID, else NULL', () => {
    const e = lab('fresh');
    e.useWindowsNames(sqlSideWindowsNames(e.st, ['LAB\\svc-ssisworker']));
    const s = login(e, 'SQLNODE1');
    const [row] = query(
      e,
      s,
      "SELECT SUSER_SNAME(SUSER_SID(N'labreader')), SUSER_SNAME(SUSER_SID(N'LAB\\svc-ssisworker')), SUSER_SNAME(0x0105000000000005150000000102030405060708090A0B0C0D0E0F10), SUSER_SNAME(0x01020000000000052000000020020000)",
    );
    expect(row).toEqual(['labreader', 'LAB\\svc-ssisworker', null, 'BUILTIN\\Administrators']);
  });
});
