// plan() and the check builder from canned readings: pure, no target touched.
import { describe, expect, it } from 'vitest';
import { exampleInventory } from '@/lib/inventory/example';
import { serviceNames } from '@/lib/inventory/schema';
import { masterSettingsXml } from '@/lib/lab/windows/hostfiles';
import { configChecks, pointsAtListener } from './checks';
import { isNtName, loginChecks, upnChecks, userCheck } from './login-checks';
import type { LoginReading, LoginReadings, UserReading } from './login-read';
import { plan } from './plan';
import type { ConfigRead, ConfigReading } from './read';

const ctx = { inventory: exampleInventory(), services: serviceNames('2022') };
const env = { listenerName: 'SSISLISTENER', listenerPort: 1433, service: 'SSISScaleOutMaster160' };
const PATH = 'C:\\Program Files\\Microsoft SQL Server\\160\\DTS\\Binn\\MasterSettings.config';
const xml = (sqlServerName: string) => masterSettingsXml({ port: 8391, thumbprint: 'A'.repeat(40), sqlServerName }).toString('base64');
const read = (sqlServerName: string | null, over: Partial<ConfigRead> = {}): ConfigRead => ({
  computerName: 'X',
  service: { state: 'Running', startMode: 'Auto' },
  settingsPath: PATH,
  settingsBase64: sqlServerName === null ? null : xml(sqlServerName),
  role: null,
  clusterError: null,
  ...over,
});
const ok = (host: string, r: ConfigRead): ConfigReading => ({ host, ok: true, read: r });
const role = { group: 'SSISMASTER', resource: 'SQL Server Integration Services Scale Out Master 16.0', ownerNode: 'SQLNODE2', state: 'Online' };

describe('config checks', () => {
  it('accepts the listener by name or FQDN with its port, and nothing else', () => {
    for (const v of ['SSISLISTENER,1433', 'ssislistener,1433', 'ssislistener.lab.example,1433']) expect(pointsAtListener(v, env)).toBe(true);
    for (const v of ['SSISLISTENER', 'SSISLISTENER,1434', 'SQLNODE1', 'SQLNODE1,1433', 'SSISLISTENER\\INST,1433', '10.10.0.50,1433', '']) expect(pointsAtListener(v, env)).toBe(false);
  });

  it('passes on the listener, fails on a node with the diff, and says why it cannot edit', () => {
    const checks = configChecks(
      [ok('SQLNODE1', read('SSISLISTENER,1433')), ok('SQLNODE2', read('SQLNODE2')), ok('SQLNODE3', read(null)), { host: 'SQLNODE4', ok: false, error: 'TCP_REFUSED' }],
      env,
    );
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['sqlservername@SQLNODE1', 'pass'],
      ['sqlservername@SQLNODE2', 'fail'],
      ['sqlservername@SQLNODE3', 'fail'],
      ['sqlservername@SQLNODE4', 'unknown'],
    ]);
    expect(checks[1]!.evidence).toBe(`SqlServerName = SQLNODE2 in ${PATH}; the listener is SSISLISTENER,1433; SSISScaleOutMaster160 is Running here`);
    expect(checks[2]!.evidence).toBe(`${PATH} does not exist`);
    expect(checks[3]!.evidence).toContain('TCP_REFUSED');
  });

  it('a file that is not XML fails with the parser error and gets no operation', () => {
    const bad = read('x', { settingsBase64: Buffer.from('<MasterSettings><SqlServerName>').toString('base64') });
    const checks = configChecks([ok('SQLNODE1', read('SSISLISTENER,1433')), ok('SQLNODE2', bad)], env);
    expect(checks[1]!.status).toBe('fail');
    expect(checks[1]!.evidence).toMatch(/MasterSettings\.config on SQLNODE2/);
    expect(plan(ctx, checks)).toEqual([]);
  });
});

describe('config plan', () => {
  it('is empty when every node points at the listener, or could not be read', () => {
    expect(plan(ctx, configChecks([ok('SQLNODE1', read('SSISLISTENER,1433')), ok('SQLNODE2', read('ssislistener.lab.example,1433'))], env))).toEqual([]);
    expect(plan(ctx, configChecks([{ host: 'SQLNODE1', ok: false, error: 'x' }, { host: 'SQLNODE2', ok: false, error: 'x' }], env))).toEqual([]);
  });

  it('without a role: edit every wrong file and restart where the service is running', () => {
    const stopped = read('SQLNODE2', { service: { state: 'Stopped', startMode: 'Manual' } });
    const ops = plan(ctx, configChecks([ok('SQLNODE1', read('SQLNODE1')), ok('SQLNODE2', stopped)], env));
    expect(ops.map((o) => [o.id, o.kind, o.target])).toEqual([
      ['sqlservername@SQLNODE1', 'file-edit', 'SQLNODE1'],
      ['restart@SQLNODE1', 'powershell', 'SQLNODE1'],
      ['sqlservername@SQLNODE2', 'file-edit', 'SQLNODE2'],
    ]);
    expect(ops[0]!.diff).toContain(`--- ${PATH}\tcurrent\n+++ ${PATH}\tproposed`);
    // One line out, one in: nothing else in the file changes.
    expect(ops[0]!.diff!.split('\n').filter((l) => /^[-+][^-+]/.test(l))).toHaveLength(2);
    expect(ops[0]!.diff).toContain('-  <SqlServerName>SQLNODE1</SqlServerName>\n+  <SqlServerName>SSISLISTENER,1433</SqlServerName>');
    expect(ops[0]!.summary).toBe(`Set SqlServerName to SSISLISTENER,1433 (was SQLNODE1) in ${PATH} on SQLNODE1 (backup first)`);
    expect(ops[0]!.script).toContain('# master-write-settings.ps1 on SQLNODE1, parameters:');
    expect(ops[0]!.script).toContain('Move-Item -LiteralPath $temp -Destination $Path -Force');
    expect(ops[1]!.script).toContain("#   ServiceName = 'SSISScaleOutMaster160'");
  });

  it('with the role: only its owner restarts (by cycling the role), whatever the other nodes run', () => {
    // SQLNODE1 still runs the service by hand, but the cluster runs the role on SQLNODE2.
    const ops = plan(ctx, configChecks([ok('SQLNODE1', read('SQLNODE1', { role })), ok('SQLNODE2', read('SQLNODE2', { role: null }))], env));
    expect(ops.map((o) => o.id)).toEqual(['sqlservername@SQLNODE1', 'sqlservername@SQLNODE2', 'restart@SQLNODE2']);
    expect(ops[2]!.summary).toBe('Cycle the cluster role of SSISScaleOutMaster160 on SQLNODE2, its owner node, so the master reads the new SqlServerName');
  });

  it('a missing SqlServerName element is added', () => {
    const noElement = read('x', { settingsBase64: Buffer.from('<?xml version="1.0" encoding="utf-8"?>\r\n<MasterSettings>\r\n  <PortNumber>8391</PortNumber>\r\n</MasterSettings>\r\n').toString('base64') });
    const ops = plan(ctx, configChecks([ok('SQLNODE1', noElement), ok('SQLNODE2', read('SSISLISTENER,1433'))], env));
    expect(ops.map((o) => o.id)).toEqual(['sqlservername@SQLNODE1', 'restart@SQLNODE1']);
    expect(ops[0]!.summary).toContain('(was missing)');
    expect(ops[0]!.diff).toContain('+  <SqlServerName>SSISLISTENER,1433</SqlServerName>');
  });
});

describe('master account login and SSISDB user', () => {
  const ACCOUNT = 'LAB\\svc-ssismaster';
  const SID = Buffer.from('010500000000000515000000AABBCCDD', 'hex');
  const login = (host: string, disabled = false, name = ACCOUNT): LoginReading => ({ host, ok: true, login: { name, sid: SID, disabled } });
  const none = (host: string): LoginReading => ({ host, ok: true, login: null });
  const primary = { ok: true, primary: 'SQLNODE1', why: 'the primary replica of SSISAG' } as const;
  const checksOf = (logins: LoginReading[], user: UserReading) => {
    const r: LoginReadings = { account: ACCOUNT, logins, user };
    return [...loginChecks(r), userCheck(r)];
  };
  const member = { ...primary, loginOnPrimary: true, user: { name: ACCOUNT, roles: ['ssis_admin'] } };

  it('passes with an enabled login on every replica (name in any case) and the user in ssis_admin; evidence is what was read', () => {
    const checks = checksOf([login('SQLNODE1'), login('SQLNODE2', false, 'lab\\SVC-SSISMASTER')], member);
    expect(checks.map((c) => [c.id, c.status, c.target])).toEqual([
      ['master-login@SQLNODE1', 'pass', 'SQLNODE1'],
      ['master-login@SQLNODE2', 'pass', 'SQLNODE2'],
      ['master-user', 'pass', 'SQLNODE1'],
    ]);
    expect(checks[1]!.evidence).toBe('lab\\SVC-SSISMASTER (type U, SID 0x010500000000000515000000AABBCCDD) is enabled on SQLNODE2');
    expect(checks[2]!.evidence).toBe(`SSISDB user ${ACCOUNT} on SQLNODE1, roles: ssis_admin`);
    expect(plan(ctx, checks)).toEqual([]);
  });

  it('creates missing logins, enables a disabled one, then creates the user on the primary, before any settings edit', () => {
    const checks = [
      ...checksOf([none('SQLNODE1'), login('SQLNODE2', true)], { ...primary, loginOnPrimary: false, user: null }),
      ...configChecks([ok('SQLNODE1', read('SQLNODE1')), ok('SQLNODE2', read('SSISLISTENER,1433'))], env),
    ];
    expect(checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['master-login@SQLNODE1', 'master-login@SQLNODE2', 'master-user', 'sqlservername@SQLNODE1']);
    expect(checks[0]!.evidence).toBe(`No Windows login named ${ACCOUNT} in sys.server_principals on SQLNODE1`);
    expect(checks[1]!.evidence).toContain('is disabled on SQLNODE2');
    expect(checks[2]!.evidence).toBe(`No login for ${ACCOUNT} on SQLNODE1 (the primary replica of SSISAG), so no SSISDB user maps to it yet`);
    const ops = plan(ctx, checks);
    expect(ops.map((o) => [o.id, o.kind, o.target, o.script])).toEqual([
      ['master-login@SQLNODE1', 'tsql', 'SQLNODE1', `CREATE LOGIN [${ACCOUNT}] FROM WINDOWS;`],
      ['master-login@SQLNODE2', 'tsql', 'SQLNODE2', `ALTER LOGIN [${ACCOUNT}] ENABLE;`],
      ['master-user', 'tsql', 'SQLNODE1', `USE [SSISDB];\nCREATE USER [${ACCOUNT}] FOR LOGIN [${ACCOUNT}];\nALTER ROLE [ssis_admin] ADD MEMBER [${ACCOUNT}];`],
      ['sqlservername@SQLNODE1', 'file-edit', 'SQLNODE1', expect.any(String)],
      ['restart@SQLNODE1', 'powershell', 'SQLNODE1', expect.any(String)],
    ]);
    expect(ops[2]!.summary).toBe(`Create the SSISDB user ${ACCOUNT} for its login and add it to ssis_admin on SQLNODE1 (the primary)`);
  });

  it('a user mapped to the SID under another name, not in ssis_admin, is only added to the role (by its own name)', () => {
    const checks = checksOf([login('SQLNODE1'), login('SQLNODE2')], { ...primary, loginOnPrimary: true, user: { name: 'svc_master]x', roles: ['db_datareader'] } });
    expect(checks[2]!.status).toBe('fail');
    expect(checks[2]!.evidence).toBe('SSISDB user svc_master]x on SQLNODE1, roles: db_datareader');
    const ops = plan(ctx, checks);
    expect(ops.map((o) => [o.id, o.script])).toEqual([['master-user', 'USE [SSISDB];\nALTER ROLE [ssis_admin] ADD MEMBER [svc_master]]x];']]);
    expect(ops[0]!.summary).toBe('Add the SSISDB user svc_master]x to ssis_admin on SQLNODE1 (the primary)');
  });

  it('an unreachable instance, or no primary, gives unknown with the error and no operation', () => {
    const checks = checksOf([{ host: 'SQLNODE1', ok: false, error: 'Login failed for user sa' }, login('SQLNODE2')], { ok: false, primary: null, error: 'No instance holds a writable SSISDB (no primary replica of SSISAG).' });
    expect(checks.map((c) => [c.id, c.status, c.evidence])).toEqual([
      ['master-login@SQLNODE1', 'unknown', 'SQLNODE1 could not be read: Login failed for user sa'],
      ['master-login@SQLNODE2', 'pass', expect.any(String)],
      ['master-user', 'unknown', 'No instance holds a writable SSISDB (no primary replica of SSISAG).'],
    ]);
    expect(plan(ctx, checks)).toEqual([]);
    const sqlDown = checksOf([login('SQLNODE1'), login('SQLNODE2')], { ok: false, primary: 'SQLNODE1', error: 'Timeout' });
    expect(sqlDown[2]!.evidence).toBe('SSISDB on SQLNODE1 could not be read: Timeout');
  });

  it('a UPN account cannot name a Windows login: unknown checks that say so, no operation', () => {
    expect(isNtName(ACCOUNT)).toBe(true);
    expect(isNtName('svc-ssismaster@lab.example')).toBe(false);
    const checks = upnChecks(['SQLNODE1', 'SQLNODE2'], 'svc-ssismaster@lab.example');
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['master-login@SQLNODE1', 'unknown'],
      ['master-login@SQLNODE2', 'unknown'],
      ['master-user', 'unknown'],
    ]);
    expect(checks[0]!.remediation).toContain('DOMAIN\\user');
    expect(plan(ctx, checks)).toEqual([]);
  });
});
