// lib/sql against the built-in lab's SQL side (TDS endpoints over the simulated SQL Server
// state), over TLS verified with the lab CA: the errors here come from the lab's semantics, not
// from a canned handler.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '@/lib/lab/lab';
import { closeAllPools, exec, isSqlFailureError, query, testSqlConnection, type SqlTarget } from './index';

let lab: Lab;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sql-lab-'));
  lab = await startLab({ scenario: 'half-done', stateDir: dir, token: 't', workers: 0, plaintextSql: [] });
}, 60_000);
afterAll(async () => {
  await closeAllPools();
  await lab?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function target(name: string, opts: Partial<SqlTarget> & { user?: 'admin' | 'reader'; password?: string } = {}): SqlTarget {
  const e = lab.endpoints;
  const at = name === e.topology.listener ? e.listeners[name]! : e.hosts[name]!.sql!;
  const cred = opts.user === 'reader' ? e.credentials.sqlReader! : e.credentials.sqlAdmin!;
  return {
    deploymentId: `lab-${opts.user ?? 'admin'}-${opts.password ? 'wrong' : 'ok'}`,
    name,
    instance: 'MSSQLSERVER',
    port: 1433,
    connectAddress: `${at.host}:${at.port}`,
    database: opts.database ?? 'master',
    auth: { kind: 'sql', user: cred.user, password: opts.password ?? cred.password },
    trust: { mode: 'ca', caPem: fs.readFileSync(e.caCertPath, 'utf8') },
    ...opts,
  };
}

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (isSqlFailureError(e)) return e.failure;
    throw e;
  }
  throw new Error('expected a SqlFailureError');
}

describe('lib/sql against the lab', () => {
  it('connects over verified TLS and reports the server as it is', async () => {
    const r = await testSqlConnection(target('SQLNODE1'));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.serverName).toBe('SQLNODE1');
      expect(r.encryptOption).toBe('TRUE');
      expect(r.isSysadmin).toBe(true);
      expect(r.hadrEnabled).toBe(true);
    }
  });

  it('reaches the primary through the listener, and follows a failover', async () => {
    const before = await query(target('SSISLISTENER', { deploymentId: 'lsn-1' }), 'SELECT @@SERVERNAME AS s');
    const primary = before.rows[0]?.s as string;
    const other = primary === 'SQLNODE1' ? 'SQLNODE2' : 'SQLNODE1';
    lab.engine.failover(lab.endpoints.topology.ag, other);
    const after = await query(target('SSISLISTENER', { deploymentId: 'lsn-2' }), 'SELECT @@SERVERNAME AS s');
    expect(after.rows[0]?.s).toBe(other);
    lab.engine.failover(lab.endpoints.topology.ag, primary);
  });

  it('maps a wrong password to LOGIN_FAILED without the password in the message', async () => {
    const f = await failure(query(target('SQLNODE1', { password: 'not-the-password' }), 'SELECT 1'));
    expect(f.code).toBe('LOGIN_FAILED');
    expect(f.number).toBe(18456);
    expect(f.message).not.toContain('not-the-password');
  });

  it('maps an unknown object to OBJECT_NOT_FOUND (208)', async () => {
    const f = await failure(query(target('SQLNODE1'), 'SELECT * FROM catalog.no_such_view'));
    expect([f.code, f.number]).toEqual(['OBJECT_NOT_FOUND', 208]);
  });

  it('maps a login that already exists to LOGIN_EXISTS (15025)', async () => {
    const f = await failure(query(target('SQLNODE1'), "CREATE LOGIN [labreader] WITH PASSWORD = N'Xx-12345678!', CHECK_POLICY = OFF"));
    expect([f.code, f.number]).toEqual(['LOGIN_EXISTS', 15025]);
  });

  it('maps a missing permission for a non-sysadmin to PERMISSION_DENIED', async () => {
    const f = await failure(exec(target('SQLNODE1', { user: 'reader', database: 'SSISDB', deploymentId: 'reader' }), 'catalog.enable_scaleout'));
    expect(f.code).toBe('PERMISSION_DENIED');
  });

  it('maps a write on a secondary replica to a read-only or not-readable error', async () => {
    const primary = lab.engine.primaryOf(lab.endpoints.topology.ag)!;
    const secondary = primary === 'SQLNODE1' ? 'SQLNODE2' : 'SQLNODE1';
    const f = await failure(
      exec(target(secondary, { database: 'master', deploymentId: 'secondary' }), 'SSISDB.catalog.update_master_address', { MasterAddress: 'https://SSISMASTER:8391' }),
    );
    expect(['DATABASE_READ_ONLY', 'SECONDARY_NOT_READABLE']).toContain(f.code);
  });

  it('refuses an instance that declines encryption, or warns when plaintext is explicitly allowed', async () => {
    const plainDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sql-lab-plain-'));
    const plainLab = await startLab({ scenario: 'fresh', stateDir: plainDir, token: 't', workers: 0, plaintextSql: ['SQLNODE1'] });
    try {
      const at = plainLab.endpoints.hosts.SQLNODE1!.sql!;
      const t = { ...target('SQLNODE1', { deploymentId: 'plain' }), connectAddress: `${at.host}:${at.port}`, trust: { mode: 'ca' as const, caPem: fs.readFileSync(plainLab.endpoints.caCertPath, 'utf8') } };
      const refused = await testSqlConnection(t);
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.failure.code).toBe('NOT_ENCRYPTED');
      const allowed = await testSqlConnection({ ...t, deploymentId: 'plain-allowed', allowPlaintext: true });
      expect(allowed.ok).toBe(true);
      if (allowed.ok) expect(allowed.warnings.join(' ')).toMatch(/not encrypted/i);
    } finally {
      await plainLab.close();
      fs.rmSync(plainDir, { recursive: true, force: true });
    }
  });
});
