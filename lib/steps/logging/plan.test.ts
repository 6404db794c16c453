// plan() from canned checks (pure, no targets), and the check builders from canned readings.
import { describe, expect, it } from 'vitest';
import type { Check } from '@/lib/engine/types';
import { exampleInventory } from '@/lib/inventory/example';
import { buildChecks, type CheckWithFacts, type Probed } from './checks';
import type { NodeRead, NodeResult } from './model';
import { CHECK } from './names';
import { planWith } from './plan';
import { newLogdbPassword } from './secret';

const inv = exampleInventory();
const ctx = { inventory: inv };
const script = (file: string) => `# ${file} text`;
const SID = 'AB'.repeat(16);
const OTHER = 'CD'.repeat(16);

const node = (name: string, over: Partial<NodeRead> = {}): NodeResult => ({
  node: name,
  ok: true,
  read: {
    serverName: name,
    windowsOnly: false,
    role: name === 'SQLNODE1' ? 'PRIMARY' : 'SECONDARY',
    login: { sid: SID, disabled: false, policyChecked: false, passwordOk: true },
    registryLoginMode: { ok: true, value: 2 },
    ...over,
  },
});

function probed(over: Partial<Probed> = {}): Probed {
  return {
    nodes: [node('SQLNODE1'), node('SQLNODE2')],
    primary: 'SQLNODE1',
    catalog: { ok: true, value: { userSid: SID, logdbServer: 'SSISLISTENER,1433' } },
    signin: { ok: true, logdbServer: 'SSISLISTENER,1433' },
    hasSecret: true,
    ...over,
  };
}

const plan = (checks: Check[]) => planWith(ctx, checks, script);
const ids = (checks: Check[]) => plan(checks).map((o) => o.id);

describe('logging checks and plan', () => {
  it('a finished deployment passes every check and plans nothing', () => {
    const checks = buildChecks(inv, probed());
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(plan(checks)).toEqual([]);
  });

  it('without a stored password: one new password on the primary, the secondary follows, no separate update_logdb_info', () => {
    const p = probed({ hasSecret: false, nodes: [node('SQLNODE1', { login: { sid: SID, disabled: false, policyChecked: false, passwordOk: null } }), node('SQLNODE2', { login: null })], catalog: { ok: true, value: { userSid: SID, logdbServer: 'SQLNODE1' } } });
    const checks = buildChecks(inv, p);
    expect(checks.find((c) => c.id === CHECK.signin)?.evidence).toBe('Not tried: the wizard holds no password for the login.');
    const ops = plan(checks);
    expect(ops.map((o) => [o.id, o.target, o.kind, o.risk])).toEqual([
      ['login.password', 'SQLNODE1', 'tsql', 'medium'],
      ['login.sync:SQLNODE2', 'SQLNODE2', 'tsql', 'medium'],
    ]);
    expect(ops[0]?.script).toContain("ALTER LOGIN [##MS_SSISLogDBWorkerAgentLogin##] WITH PASSWORD = N'********', CHECK_POLICY = OFF;");
    expect(ops[0]?.script).toContain('-- @cs = N\'Data Source=SSISLISTENER,1433;Initial Catalog=SSISDB;User Id=##MS_SSISLogDBWorkerAgentLogin##;Password=********;\'');
    expect(ops[0]?.script).toContain('Do not run catalog.enable_scaleout again');
    expect(ops[1]?.script.split('\n')[0]).toBe(`CREATE LOGIN [##MS_SSISLogDBWorkerAgentLogin##] WITH PASSWORD = N'********', SID = 0x${SID}, CHECK_POLICY = OFF;`);
  });

  it('a secondary login with another SID is dropped and recreated with the user\'s SID, and says enable_scaleout may have run again', () => {
    const checks = buildChecks(inv, probed({ nodes: [node('SQLNODE1'), node('SQLNODE2', { login: { sid: OTHER, disabled: false, policyChecked: false, passwordOk: true } })] }));
    const c = checks.find((x) => x.id === CHECK.login('SQLNODE2'));
    expect(c).toMatchObject({ status: 'fail' });
    expect(c?.evidence).toContain(`SID 0x${OTHER}`);
    expect(c?.evidence).toContain('catalog.enable_scaleout was run again');
    const ops = plan(checks);
    expect(ops.map((o) => o.id)).toEqual(['login.sync:SQLNODE2']);
    expect(ops[0]?.script.split('\n').slice(0, 2)).toEqual(['DROP LOGIN [##MS_SSISLogDBWorkerAgentLogin##];', `CREATE LOGIN [##MS_SSISLogDBWorkerAgentLogin##] WITH PASSWORD = N'********', SID = 0x${SID}, CHECK_POLICY = OFF;`]);
  });

  it('CHECK_POLICY on or a disabled login is altered (and enabled) without dropping it', () => {
    const checks = buildChecks(inv, probed({ nodes: [node('SQLNODE1'), node('SQLNODE2', { login: { sid: SID, disabled: true, policyChecked: true, passwordOk: true } })] }));
    const ops = plan(checks);
    expect(ops[0]?.script.split('\n').slice(0, 2)).toEqual(["ALTER LOGIN [##MS_SSISLogDBWorkerAgentLogin##] WITH PASSWORD = N'********', CHECK_POLICY = OFF;", 'ALTER LOGIN [##MS_SSISLogDBWorkerAgentLogin##] ENABLE;']);
  });

  it('logging pointed at an instance name gets update_logdb_info on the primary', () => {
    const checks = buildChecks(inv, probed({ catalog: { ok: true, value: { userSid: SID, logdbServer: 'SQLNODE1' } }, signin: { ok: true, logdbServer: 'SQLNODE1' } }));
    const ops = plan(checks);
    expect(ops.map((o) => [o.id, o.target])).toEqual([['logdb.update', 'SQLNODE1']]);
    expect(ops[0]?.script).toContain("-- @s  = N'SSISLISTENER,1433'");
  });

  it('Windows-only mode: the registry, then a separate restart that must be confirmed; on the primary it warns of the failover', () => {
    const checks = buildChecks(inv, probed({ nodes: [node('SQLNODE1', { windowsOnly: true, registryLoginMode: { ok: true, value: 1 } }), node('SQLNODE2', { windowsOnly: true })] }));
    const ops = plan(checks).filter((o) => o.id.startsWith('mixed.'));
    expect(ops.map((o) => [o.id, o.kind, o.risk, o.confirmPhrase])).toEqual([
      ['mixed.registry:SQLNODE1', 'tsql', 'medium', undefined],
      ['mixed.restart:SQLNODE1', 'powershell', 'high', 'restart SQL Server on SQLNODE1'],
      // Registry already 2 on SQLNODE2: only the restart is pending.
      ['mixed.restart:SQLNODE2', 'powershell', 'high', 'restart SQL Server on SQLNODE2'],
    ]);
    expect(ops[1]?.summary).toBe('Restart SQL Server (MSSQLSERVER) on SQLNODE1 so it starts in mixed mode: it is the primary replica, so SSISDB-AG fails over');
    expect(ops[1]?.script).toBe("# master-restart.ps1 on SQLNODE1, parameters:\n#   ServiceName = 'MSSQLSERVER'\n# master-restart.ps1 text");
    expect(checks.find((c) => c.id === CHECK.mixed('SQLNODE2'))?.evidence).toContain('A restart is pending');
  });

  it('a named instance restarts MSSQL$<name>', () => {
    const named = { inventory: { ...inv, masters: inv.masters.map((m) => ({ ...m, sqlInstance: 'SSIS' })) } };
    const checks = buildChecks(named.inventory, probed({ nodes: [node('SQLNODE1'), node('SQLNODE2', { windowsOnly: true })] }));
    expect(planWith(named, checks, script).find((o) => o.id === 'mixed.restart:SQLNODE2')?.summary).toContain('(MSSQL$SSIS)');
  });

  it('an instance that refuses the SQL login gets manual instructions only with SQL authentication; unknown otherwise plans nothing', () => {
    const refused: NodeResult = { node: 'SQLNODE2', ok: false, error: 'Login failed for user labadmin.', loginRefused: true };
    const checks = buildChecks(inv, probed({ nodes: [node('SQLNODE1'), refused] }));
    expect(checks.find((c) => c.id === CHECK.login('SQLNODE2'))?.status).toBe('unknown');
    expect(ids(checks)).toEqual(['mixed.manual:SQLNODE2']);
    const windowsAuth = buildChecks({ ...inv, sqlAuth: 'windows' }, probed({ nodes: [node('SQLNODE1'), refused] }));
    expect(ids(windowsAuth)).toEqual([]);
    const down: NodeResult = { node: 'SQLNODE2', ok: false, error: 'ECONNREFUSED', loginRefused: false };
    expect(ids(buildChecks(inv, probed({ nodes: [node('SQLNODE1'), down] })))).toEqual([]);
  });

  describe('an instance that refuses the SQL login, read over WinRM', () => {
    type Unreadable = Extract<NodeResult, { ok: false }>;
    const refusedWith = (loginMode: number | null, service: string | null = 'Running', node = 'SQLNODE2'): Unreadable => ({
      node,
      ok: false,
      error: "Login failed for user 'labadmin'.",
      loginRefused: true,
      winrm: { ok: true, value: { instanceId: 'MSSQL16.MSSQLSERVER', key: 'HKLM:\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQLServer', loginMode, service } },
    });

    it('LoginMode 1: the registry over WinRM (exact script), the confirmed restart, then the login made from what the node has after it', () => {
      const checks = buildChecks(inv, probed({ nodes: [node('SQLNODE1'), refusedWith(1)] }));
      const mixed = checks.find((c) => c.id === CHECK.mixed('SQLNODE2'));
      expect(mixed).toMatchObject({ status: 'fail', facts: { action: 'registry+restart', via: 'winrm' } });
      expect(mixed?.evidence).toBe(
        "SQLNODE2: Login failed for user 'labadmin'. Over WinRM: HKLM:\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQLServer LoginMode = 1 (Windows authentication only); service MSSQLSERVER Running. An instance in Windows-authentication-only mode refuses every SQL login, so it cannot be read with the wizard's SQL login.",
      );
      const login = checks.find((c) => c.id === CHECK.login('SQLNODE2'));
      expect(login).toMatchObject({ status: 'unknown', facts: { action: 'after-restart', sid: SID } });

      const ops = plan(checks);
      expect(ops.map((o) => [o.id, o.target, o.kind, o.risk, o.confirmPhrase])).toEqual([
        ['mixed.registry:SQLNODE2', 'SQLNODE2', 'powershell', 'medium', undefined],
        ['mixed.restart:SQLNODE2', 'SQLNODE2', 'powershell', 'high', 'restart SQL Server on SQLNODE2'],
        ['login.sync:SQLNODE2', 'SQLNODE2', 'tsql', 'medium', undefined],
      ]);
      expect(ops[0]?.script).toBe("# logging-login-mode-set.ps1 on SQLNODE2, parameters:\n#   InstanceName = 'MSSQLSERVER'\n# logging-login-mode-set.ps1 text");
      expect(ops[0]?.summary).toBe('Set LoginMode = 2 (SQL Server and Windows authentication) for SQLNODE2 in the registry, over WinRM (the instance refuses SQL logins)');
      expect(ops[1]?.summary).toBe('Restart SQL Server (MSSQLSERVER) on SQLNODE2 so it starts in mixed mode');
      expect(ops[2]?.summary).toBe(`After the restart: ##MS_SSISLogDBWorkerAgentLogin## on SQLNODE2 with SID 0x${SID} and the wizard's password (created, or dropped and recreated), from what SQLNODE2 has then`);
      const lines = ops[2]!.script.split('\n');
      expect(lines.filter((l) => !l.startsWith('--'))).toEqual([
        `CREATE LOGIN [##MS_SSISLogDBWorkerAgentLogin##] WITH PASSWORD = N'********', SID = 0x${SID}, CHECK_POLICY = OFF;`,
        'DROP LOGIN [##MS_SSISLogDBWorkerAgentLogin##];',
        `CREATE LOGIN [##MS_SSISLogDBWorkerAgentLogin##] WITH PASSWORD = N'********', SID = 0x${SID}, CHECK_POLICY = OFF;`,
        "ALTER LOGIN [##MS_SSISLogDBWorkerAgentLogin##] WITH PASSWORD = N'********', CHECK_POLICY = OFF;",
        'ALTER LOGIN [##MS_SSISLogDBWorkerAgentLogin##] ENABLE;',
      ]);
      expect(lines[0]).toContain('SQLNODE2 refuses SQL logins until it restarts in mixed mode');
    });

    it('LoginMode 2 while logins are refused: a restart only (unknown: the restart was skipped, or the wizard\'s login is wrong)', () => {
      const checks = buildChecks(inv, probed({ nodes: [node('SQLNODE1'), refusedWith(2)] }));
      const mixed = checks.find((c) => c.id === CHECK.mixed('SQLNODE2'));
      expect(mixed).toMatchObject({ status: 'unknown', facts: { action: 'restart', via: 'winrm' } });
      expect(mixed?.evidence).toContain('either the service has not been restarted since LoginMode was set, or the wizard\'s SQL login is wrong');
      expect(ids(checks)).toEqual(['mixed.restart:SQLNODE2', 'login.sync:SQLNODE2']);
    });

    it('a stopped service, an instance the registry does not name, or WinRM failing: no WinRM fix is planned', () => {
      expect(ids(buildChecks(inv, probed({ nodes: [node('SQLNODE1'), refusedWith(2, 'Stopped')] })))).toEqual(['mixed.manual:SQLNODE2']);
      const noInstance: Unreadable = { ...refusedWith(1), winrm: { ok: true, value: { instanceId: null, key: null, loginMode: null, service: null } } };
      const c1 = buildChecks(inv, probed({ nodes: [node('SQLNODE1'), noInstance] }));
      expect(c1.find((c) => c.id === CHECK.mixed('SQLNODE2'))?.evidence).toContain('Over WinRM: the registry names no such SQL Server instance.');
      expect(ids(c1)).toEqual(['mixed.manual:SQLNODE2']);
      const winrmDown: Unreadable = { ...refusedWith(1), winrm: { ok: false, error: 'WinRM: connection refused' } };
      const c2 = buildChecks(inv, probed({ nodes: [node('SQLNODE1'), winrmDown] }));
      expect(c2.find((c) => c.id === CHECK.mixed('SQLNODE2'))?.evidence).toContain('LoginMode could not be read over WinRM either: WinRM: connection refused');
      expect(ids(c2)).toEqual(['mixed.manual:SQLNODE2']);
    });

    it('an unreachable instance (not a refused login) whose registry says Windows-only still gets the registry and the restart', () => {
      const down: Unreadable = { ...refusedWith(1), error: 'connect ECONNREFUSED', loginRefused: false };
      const checks = buildChecks(inv, probed({ nodes: [node('SQLNODE1'), down] }));
      expect(checks.find((c) => c.id === CHECK.mixed('SQLNODE2'))?.evidence).not.toContain('refuses every SQL login');
      expect(ids(checks)).toEqual(['mixed.registry:SQLNODE2', 'mixed.restart:SQLNODE2', 'login.sync:SQLNODE2']);
      // LoginMode already 2 and the instance unreachable: restarting it would be a guess.
      expect(ids(buildChecks(inv, probed({ nodes: [node('SQLNODE1'), { ...refusedWith(2), error: 'connect ECONNREFUSED', loginRefused: false }] })))).toEqual([]);
    });

    it('the primary refusing: the registry and the restart (which fails the AG over), and a re-check for the login', () => {
      const checks = buildChecks(inv, probed({ nodes: [refusedWith(1, 'Running', 'SQLNODE1'), node('SQLNODE2')], primary: undefined, catalog: undefined }));
      const ops = plan(checks);
      expect(ops.map((o) => o.id)).toEqual(['mixed.registry:SQLNODE1', 'mixed.restart:SQLNODE1']);
      expect(ops[1]?.summary).toBe('Restart SQL Server (MSSQLSERVER) on SQLNODE1 so it starts in mixed mode; check the step again afterwards for the logging login');
    });

    it('its facts survive the JSON round trip the step page does', () => {
      const checks = buildChecks(inv, probed({ nodes: [node('SQLNODE1'), refusedWith(1)] }));
      const stored = JSON.parse(JSON.stringify(checks)) as CheckWithFacts[];
      expect(plan(stored).map((o) => o.id)).toEqual(['mixed.registry:SQLNODE2', 'mixed.restart:SQLNODE2', 'login.sync:SQLNODE2']);
      expect(plan(stored)).toEqual(plan(checks));
    });
  });

  it('without a primary nothing that needs SSISDB is planned', () => {
    const checks = buildChecks(inv, probed({ primary: undefined, catalog: undefined, hasSecret: false, nodes: [node('SQLNODE1', { role: 'SECONDARY' }), node('SQLNODE2')] }));
    expect(checks.find((c) => c.id === CHECK.server)?.status).toBe('fail');
    expect(plan(checks)).toEqual([]);
  });

  it('plan facts survive the JSON round trip the step page does', () => {
    const checks = buildChecks(inv, probed({ nodes: [node('SQLNODE1'), node('SQLNODE2', { login: null })] }));
    const stored = JSON.parse(JSON.stringify(checks)) as CheckWithFacts[];
    expect(plan(stored)).toEqual(plan(checks));
  });

  it('new passwords are 32 characters from four classes, without quotes or semicolons, and differ', () => {
    const a = newLogdbPassword();
    expect(a).toHaveLength(32);
    expect(a).toMatch(/[A-Z]/);
    expect(a).toMatch(/[a-z]/);
    expect(a).toMatch(/[0-9]/);
    expect(a).not.toMatch(/['";\s]/);
    expect(newLogdbPassword()).not.toBe(a);
  });
});
