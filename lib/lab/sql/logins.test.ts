import { describe, expect, it } from 'vitest';
import { LAB_SQL_LOGINS } from './index';
import { errorNumbers, errors, lab, login, query, run } from './test-helpers';

describe('authenticate', () => {
  const e = lab('fresh');

  it('opens a session with the login, SID, sysadmin flag and database', () => {
    const r = e.authenticate('SQLNODE1', 'labadmin', LAB_SQL_LOGINS.admin.password, 'SSISDB');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.session).toMatchObject({ loginName: 'labadmin', sysadmin: true, database: 'SSISDB', instance: 'SQLNODE1' });
    expect(r.session.sid).toHaveLength(16);
  });

  it('fails with 18456: the client sees state 1, the error log gets the reason state', () => {
    const unknown = e.authenticate('SQLNODE1', 'nobody', 'x', '');
    const wrong = e.authenticate('SQLNODE1', 'labadmin', 'wrong', '');
    expect(unknown).toMatchObject({ ok: false, state: 5, errors: [{ number: 18456, state: 1 }] });
    expect(wrong).toMatchObject({ ok: false, state: 8, errors: [{ number: 18456, state: 1 }] });
    const log = e.db.prepare("SELECT text FROM lab_sql_errorlog WHERE text LIKE '%State: 8%'").all();
    expect(log.length).toBeGreaterThan(0);
  });

  it('a disabled login fails (18470 with the right password, 18456 state 7 otherwise)', () => {
    const s = login(e, 'SQLNODE1');
    expect(errors(run(e, s, 'ALTER LOGIN [labreader] DISABLE'))).toEqual([]);
    expect(e.authenticate('SQLNODE1', 'labreader', LAB_SQL_LOGINS.reader.password, '')).toMatchObject({ ok: false, state: 7, errors: [{ number: 18470 }] });
    expect(e.authenticate('SQLNODE1', 'labreader', 'bad', '')).toMatchObject({ ok: false, state: 7, errors: [{ number: 18456 }] });
    run(e, s, 'ALTER LOGIN [labreader] ENABLE');
    expect(e.authenticate('SQLNODE1', 'labreader', LAB_SQL_LOGINS.reader.password, '').ok).toBe(true);
  });

  it('4060 when the requested database does not exist or the login has no user in it', () => {
    expect(e.authenticate('SQLNODE1', 'labadmin', LAB_SQL_LOGINS.admin.password, 'nodb')).toMatchObject({ ok: false, errors: [{ number: 4060 }, { number: 18456 }] });
    // labreader has no user in SSISDB on... it does (scenario); a fresh login does not.
    const s = login(e, 'SQLNODE1');
    run(e, s, "CREATE LOGIN [nouser] WITH PASSWORD = N'Xyz#2022abc!'");
    expect(e.authenticate('SQLNODE1', 'nouser', 'Xyz#2022abc!', 'SSISDB')).toMatchObject({ ok: false, state: 38, errors: [{ number: 4060 }, { number: 18456 }] });
    expect(e.authenticate('SQLNODE1', 'nouser', 'Xyz#2022abc!', 'master').ok).toBe(true);
  });

  it('a stopped instance refuses connections', () => {
    const e2 = lab('fresh');
    e2.setInstanceRunning('SQLNODE2', false);
    expect(e2.authenticate('SQLNODE2', 'labadmin', LAB_SQL_LOGINS.admin.password, '')).toMatchObject({ ok: false, unavailable: true });
  });
});

describe('CREATE / ALTER / DROP LOGIN', () => {
  const e = lab('fresh');
  const admin = login(e, 'SQLNODE1');
  const reader = login(e, 'SQLNODE1', 'reader');

  it('CREATE LOGIN with SID and CHECK_POLICY = OFF creates a login that can log in with that SID', () => {
    expect(errors(run(e, admin, "CREATE LOGIN [copy] WITH PASSWORD = N'short', SID = 0x0102030405060708090A0B0C0D0E0F10, CHECK_POLICY = OFF"))).toEqual([]);
    const r = e.authenticate('SQLNODE1', 'copy', 'short', '');
    expect(r.ok && r.session.sid.toString('hex')).toBe('0102030405060708090a0b0c0d0e0f10');
  });

  it('CREATE LOGIN fails: exists 15025, SID in use 15433, bad SID 15419, policy 15118, no permission 15247', () => {
    expect(errorNumbers(e, admin, "CREATE LOGIN [labreader] WITH PASSWORD = N'Abcdef#12345'")).toEqual([15025]);
    expect(errors(run(e, admin, "CREATE LOGIN [labreader] WITH PASSWORD = N'Abcdef#12345'"))[0]?.message).toBe("The server principal 'labreader' already exists.");
    expect(errorNumbers(e, admin, "CREATE LOGIN [other] WITH PASSWORD = N'x', SID = 0x0102030405060708090A0B0C0D0E0F10, CHECK_POLICY = OFF")).toEqual([15433]);
    expect(errorNumbers(e, admin, "CREATE LOGIN [other] WITH PASSWORD = N'x', SID = 0x01, CHECK_POLICY = OFF")).toEqual([15419]);
    expect(errorNumbers(e, admin, "CREATE LOGIN [other] WITH PASSWORD = N'short'")).toEqual([15118]);
    expect(errorNumbers(e, reader, "CREATE LOGIN [other] WITH PASSWORD = N'Abcdef#12345'")).toEqual([15247]);
  });

  it("handles a login name containing ] and ' (quoted with QUOTENAME rules)", () => {
    expect(errors(run(e, admin, "CREATE LOGIN [we]]ird'name] WITH PASSWORD = N'it''s#Secret1'"))).toEqual([]);
    expect(query(e, admin, "SELECT name FROM sys.server_principals WHERE name = N'we]ird''name'")).toEqual([["we]ird'name"]]);
    expect(e.authenticate('SQLNODE1', "we]ird'name", "it's#Secret1", '').ok).toBe(true);
    expect(query(e, admin, "SELECT QUOTENAME(N'we]ird''name')")).toEqual([["[we]]ird'name]"]]);
  });

  it('ALTER LOGIN WITH PASSWORD changes the password; unknown login or no permission is 15151', () => {
    expect(errors(run(e, admin, "ALTER LOGIN [copy] WITH PASSWORD = N'NewPass#2022'"))).toEqual([]);
    expect(e.authenticate('SQLNODE1', 'copy', 'short', '').ok).toBe(false);
    expect(e.authenticate('SQLNODE1', 'copy', 'NewPass#2022', '').ok).toBe(true);
    expect(errorNumbers(e, admin, "ALTER LOGIN [ghost] WITH PASSWORD = N'NewPass#2022'")).toEqual([15151]);
    expect(errors(run(e, admin, "ALTER LOGIN [ghost] WITH PASSWORD = N'NewPass#2022'"))[0]?.message).toBe(
      "Cannot alter the login 'ghost', because it does not exist or you do not have permission.",
    );
    expect(errorNumbers(e, reader, "ALTER LOGIN [copy] WITH PASSWORD = N'NewPass#2023'")).toEqual([15151]);
  });

  it('a login may change its own password with OLD_PASSWORD', () => {
    expect(errors(run(e, reader, `ALTER LOGIN [labreader] WITH PASSWORD = N'Changed#2022!' OLD_PASSWORD = N'${LAB_SQL_LOGINS.reader.password}'`))).toEqual([]);
    expect(e.authenticate('SQLNODE1', 'labreader', 'Changed#2022!', '').ok).toBe(true);
  });

  it('DROP LOGIN removes it; unknown is 15151; a connected login cannot be dropped (15434)', () => {
    run(e, admin, "CREATE LOGIN [temp1] WITH PASSWORD = N'Abc#defg123'");
    expect(errors(run(e, admin, 'DROP LOGIN [temp1]'))).toEqual([]);
    expect(errorNumbers(e, admin, 'DROP LOGIN [temp1]')).toEqual([15151]);
    // 'copy' logged in earlier and never disconnected.
    expect(errorNumbers(e, admin, 'DROP LOGIN [copy]')).toEqual([15434]);
    expect(errorNumbers(e, admin, 'DROP LOGIN [labreader]')).toEqual([15434]);
  });

  it('ALTER SERVER ROLE adds members; only sysadmin can change sysadmin', () => {
    expect(errors(run(e, admin, "CREATE LOGIN [op] WITH PASSWORD = N'Strong#Pass2022'"))).toEqual([]);
    expect(errors(run(e, admin, 'ALTER SERVER ROLE [sysadmin] ADD MEMBER [op]'))).toEqual([]);
    expect(query(e, admin, "SELECT IS_SRVROLEMEMBER('sysadmin', 'op')")).toEqual([[1]]);
    expect(errorNumbers(e, reader, 'ALTER SERVER ROLE [sysadmin] ADD MEMBER [labreader]')).toEqual([15151]);
    expect(errorNumbers(e, admin, 'ALTER SERVER ROLE [sysadmin] ADD MEMBER [ghost]')).toEqual([15151]);
    expect(errorNumbers(e, admin, 'ALTER SERVER ROLE [nosuchrole] ADD MEMBER [op]')).toEqual([15151]);
  });

  it('logins are per instance: nothing created on SQLNODE1 exists on SQLNODE2', () => {
    expect(query(e, login(e, 'SQLNODE2'), "SELECT COUNT(*) FROM sys.server_principals WHERE name = N'op'")).toEqual([[0]]);
  });

  it('never stores a password in clear: only SQL Server-format verifiers', () => {
    const h = query(e, admin, "SELECT password_hash FROM sys.sql_logins WHERE name = N'op'")[0]?.[0] as Buffer;
    expect(h.subarray(0, 2).toString('hex')).toBe('0200');
    expect(h).toHaveLength(70);
    expect(query(e, admin, "SELECT PWDCOMPARE(N'Strong#Pass2022', password_hash), PWDCOMPARE(N'nope', password_hash) FROM sys.sql_logins WHERE name = N'op'")).toEqual([[1, 0]]);
  });
});
