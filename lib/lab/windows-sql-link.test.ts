// The Windows and SQL halves of the lab share two facts (windows-sql-link.ts): an instance's
// LoginMode registry value, read by SQL Server when it starts, and the MSSQLSERVER service that is
// the instance. Driven as a DBA would: PowerShell over WinRM, T-SQL and TDS clients (tedious).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection, Request } from 'tedious';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PWSH_AVAILABLE } from '@/lib/lab/winrm/test-support';
import { labClient } from '@/lib/winrm/lab-client.test-helper';
import { startLab, type Lab } from './lab';

let lab: Lab;
let dir: string;
let ca: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-sql-link-'));
  lab = await startLab({ scenario: 'misconfigured', stateDir: dir, token: 'link-test', workers: 0 });
  ca = fs.readFileSync(lab.endpoints.caCertPath, 'utf8');
}, 90_000);
afterAll(async () => {
  await lab?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function control(route: string, body: unknown = {}): Promise<Response> {
  return fetch(`${lab.endpoints.control.url}${route}`, {
    method: 'POST',
    headers: { authorization: 'Bearer link-test', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function ps<T>(host: string, script: string, schema: z.ZodType<T>): Promise<T> {
  const c = labClient(lab.endpoints, ca, host, 'https-ntlm');
  try {
    return (await c.runPowerShell(script, { schema })).value;
  } finally {
    await c.close();
  }
}

const KEY = 'HKLM:\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQLServer';
const readLoginMode = (host: string) => ps(host, `(Get-ItemProperty -LiteralPath '${KEY}' -Name LoginMode -ErrorAction Stop).LoginMode`, z.number());
const setLoginMode = (host: string, mode: number) =>
  ps(host, `Set-ItemProperty -LiteralPath '${KEY}' -Name LoginMode -Value ${mode} -Type DWord -ErrorAction Stop; (Get-Item -LiteralPath '${KEY}').GetValueKind('LoginMode').ToString()`, z.string());
const service = (host: string, command: string) =>
  ps(host, `${command}; [string](Get-Service -Name MSSQLSERVER).Status`, z.string());

type Endpoint = 'SQLNODE1' | 'SQLNODE2' | 'SSISLISTENER';
function connect(to: Endpoint): Promise<Connection> {
  const ep = to === 'SSISLISTENER' ? lab.endpoints.listeners.SSISLISTENER! : lab.endpoints.hosts[to]!.sql!;
  const { user, password } = lab.endpoints.credentials.sqlAdmin!;
  return new Promise<Connection>((resolve, reject) => {
    const c = new Connection({
      server: ep.host,
      authentication: { type: 'default', options: { userName: user, password } },
      options: { port: ep.port, encrypt: true, trustServerCertificate: false, serverName: to, cryptoCredentialsDetails: { ca }, database: 'master', connectTimeout: 5000 },
    });
    c.on('connect', (e) => (e ? reject(e) : resolve(c)));
    // A dropped connection is an 'error' event; the tests that expect one listen for it.
    c.on('error', () => undefined);
    c.connect();
  });
}

function scalar(c: Connection, sql: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let value: unknown;
    const r = new Request(sql, (e) => (e ? reject(e) : resolve(value)));
    r.on('row', (cols) => (value = cols[0]?.value));
    c.execSql(r);
  });
}

/** Connects, reads one value, closes. */
async function once(to: Endpoint, sql: string): Promise<unknown> {
  const c = await connect(to);
  try {
    return await scalar(c, sql);
  } finally {
    c.close();
  }
}

/** How connecting fails: refused by the server at login (ELOGIN), or no listener (ECONNREFUSED). */
async function refusal(to: Endpoint): Promise<string> {
  try {
    (await connect(to)).close();
    return 'connected';
  } catch (e) {
    const err = e as Error & { code?: string; cause?: { code?: string; errors?: Array<{ code?: string }> } };
    const socket = [err.cause?.code, ...(err.cause?.errors ?? []).map((x) => x.code)];
    if (socket.includes('ECONNREFUSED')) return 'ECONNREFUSED';
    return err.code === 'ELOGIN' ? `ELOGIN ${err.message}` : `${err.code}: ${err.message}`;
  }
}

/** Resolves when the server drops the connection (tedious reports it as an error, then ends it). */
const ended = (c: Connection) => new Promise<string>((resolve) => c.on('error', (e) => resolve(e.message)).on('end', () => resolve('end')));

const WINDOWS_ONLY = "SELECT CAST(SERVERPROPERTY('IsIntegratedSecurityOnly') AS int)";
const REGREAD = "DECLARE @m int; EXEC xp_instance_regread N'HKEY_LOCAL_MACHINE', N'Software\\Microsoft\\MSSQLServer\\MSSQLServer', N'LoginMode', @m OUTPUT; SELECT @m";

describe.skipIf(!PWSH_AVAILABLE)('LoginMode: one value in the registry and in SQL Server, read at start', () => {
  it('xp_instance_regwrite shows in the registry over WinRM, Set-ItemProperty shows in xp_instance_regread; neither changes the running mode', async () => {
    expect(lab.engine.isRunning('SQLNODE1')).toBe(true);
    expect(await readLoginMode('SQLNODE1')).toBe(2);
    const c = await connect('SQLNODE1');
    try {
      await scalar(c, "EXEC xp_instance_regwrite N'HKEY_LOCAL_MACHINE', N'Software\\Microsoft\\MSSQLServer\\MSSQLServer', N'LoginMode', REG_DWORD, 1");
      expect(await readLoginMode('SQLNODE1')).toBe(1);
      expect(await setLoginMode('SQLNODE1', 2)).toBe('DWord');
      expect(await scalar(c, REGREAD)).toBe(2);
      expect(await scalar(c, WINDOWS_ONLY)).toBe(0);
    } finally {
      c.close();
    }
    // SQL Server setup writes a REG_DWORD; the lab does not pretend to know what a string would do.
    await expect(ps('SQLNODE1', `Set-ItemProperty -LiteralPath '${KEY}' -Name LoginMode -Value '2' -Type String -ErrorAction Stop`, z.unknown())).rejects.toThrow(/REG_DWORD/);
    expect(await readLoginMode('SQLNODE1')).toBe(2);
  }, 120_000);

  it('misconfigured SQLNODE2: LoginMode = 2 written over WinRM changes nothing until MSSQLSERVER restarts', async () => {
    expect(await readLoginMode('SQLNODE2')).toBe(1);
    expect(await refusal('SQLNODE2')).toBe("ELOGIN Login failed for user 'labadmin'.");
    expect(await setLoginMode('SQLNODE2', 2)).toBe('DWord');
    // Written, not applied: the running instance still refuses every SQL login.
    expect(await refusal('SQLNODE2')).toBe("ELOGIN Login failed for user 'labadmin'.");
    expect(lab.engine.snapshot().instances.find((i) => i.name === 'SQLNODE2')?.loginMode).toEqual({ effective: 'WINDOWS', registry: 'MIXED' });

    expect(await service('SQLNODE2', 'Restart-Service -Name MSSQLSERVER -Force')).toBe('Running');
    expect(await once('SQLNODE2', WINDOWS_ONLY)).toBe(0);
    expect(lab.engine.snapshot().instances.find((i) => i.name === 'SQLNODE2')?.loginMode).toEqual({ effective: 'MIXED', registry: 'MIXED' });
    // And back: Windows-only again after the next restart, not before.
    await setLoginMode('SQLNODE2', 1);
    expect(await once('SQLNODE2', WINDOWS_ONLY)).toBe(0);
    await service('SQLNODE2', 'Restart-Service -Name MSSQLSERVER -Force');
    expect(await refusal('SQLNODE2')).toBe("ELOGIN Login failed for user 'labadmin'.");
  }, 180_000);
});

describe.skipIf(!PWSH_AVAILABLE)('the MSSQLSERVER service is the instance', () => {
  it('stopping the primary drops its connections (direct and through the listener), refuses new ones, fails the AG over; starting it brings it back as a secondary on the same port', async () => {
    expect((await control('/reset', { scenario: 'half-done' })).status).toBe(200);
    const port = lab.endpoints.hosts.SQLNODE1!.sql!.port;
    const direct = await connect('SQLNODE1');
    const viaListener = await connect('SSISLISTENER');
    const other = await connect('SQLNODE2');
    expect(await scalar(viaListener, 'SELECT @@SERVERNAME')).toBe('SQLNODE1');
    const dropped = Promise.all([ended(direct), ended(viaListener)]);

    expect(await service('SQLNODE1', 'Stop-Service -Name MSSQLSERVER -Force')).toBe('Stopped');
    await dropped;
    expect(await refusal('SQLNODE1')).toBe('ECONNREFUSED');
    expect(lab.engine.primaryOf('SSISDB-AG')).toBe('SQLNODE2');
    expect(await once('SSISLISTENER', 'SELECT @@SERVERNAME')).toBe('SQLNODE2');
    // The other instance's sessions are untouched.
    expect(await scalar(other, 'SELECT @@SERVERNAME')).toBe('SQLNODE2');
    other.close();

    expect(await service('SQLNODE1', 'Start-Service -Name MSSQLSERVER')).toBe('Running');
    expect(lab.endpoints.hosts.SQLNODE1!.sql!.port).toBe(port);
    expect(await once('SQLNODE1', 'SELECT role_desc FROM sys.dm_hadr_availability_replica_states WHERE is_local = 1')).toBe('SECONDARY');
  }, 180_000);

  it("the control API's instance stop and start are the service's: Get-Service follows, and a reset brings a stopped instance back", async () => {
    expect((await control('/reset', { scenario: 'half-done' })).status).toBe(200);
    expect((await control('/instances/SQLNODE2/stop')).status).toBe(200);
    expect(await service('SQLNODE2', '$null = 0')).toBe('Stopped');
    expect(lab.engine.isRunning('SQLNODE2')).toBe(false);
    expect(await refusal('SQLNODE2')).toBe('ECONNREFUSED');
    expect((await control('/instances/SQLNODE2/start')).status).toBe(200);
    expect(await service('SQLNODE2', '$null = 0')).toBe('Running');
    expect(await once('SQLNODE2', 'SELECT @@SERVERNAME')).toBe('SQLNODE2');

    expect(await service('SQLNODE2', 'Stop-Service -Name MSSQLSERVER -Force')).toBe('Stopped');
    expect((await control('/reset', { scenario: 'half-done' })).status).toBe(200);
    expect(await service('SQLNODE2', '$null = 0')).toBe('Running');
    expect(await once('SQLNODE2', 'SELECT @@SERVERNAME')).toBe('SQLNODE2');
  }, 180_000);
});
