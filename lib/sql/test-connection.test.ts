import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { labTarget, saOnly, startLab, type Lab } from './lab.test-helper';
import { makeConnector, LayerError } from './connector';
import { openPoolCount } from './pool';
import { testSqlConnection } from './test-connection';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(() => lab.close());
afterEach(() => {
  lab.sysadmin = true;
  lab.authenticate = saOnly;
});

/** A port nothing listens on: bind, note it, close. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('testSqlConnection', () => {
  it('reports who answered, the version, encryption and sysadmin, on a throwaway pool', async () => {
    const target = labTarget(lab);
    const r = await testSqlConnection(target);
    expect(r).toMatchObject({
      ok: true,
      serverName: 'SQLNODE1',
      instanceName: 'MSSQLSERVER',
      version: '16.0.4135.4',
      hadrEnabled: true,
      isSysadmin: true,
      login: 'sa',
      database: 'SSISDB',
      tls: true,
      encryptOption: 'TRUE',
      warnings: [],
    });
    expect(r.ok && r.certificate?.subject).toBe('sqlnode1.lab.test');
    expect(openPoolCount(target.deploymentId)).toBe(0);
  });

  it('warns when the login is not sysadmin or the port answers as another instance', async () => {
    lab.sysadmin = false;
    const r = await testSqlConnection(labTarget(lab, { instance: 'SSIS' }));
    expect(r.ok).toBe(true);
    const text = r.ok ? r.warnings.join('\n') : '';
    expect(text).toMatch(/SQLNODE1\\SSIS: port 1433 answers as instance MSSQLSERVER/);
    expect(text).toMatch(/not sysadmin/);
  });

  it('names the DNS layer for an unknown host', async () => {
    const r = await testSqlConnection(
      labTarget(lab, { name: 'no-such-host.invalid', connectAddress: undefined }),
    );
    expect(r).toMatchObject({ ok: false, failure: { code: 'DNS', layer: 'dns' } });
    expect(!r.ok && r.failure.message).toMatch(
      /^no-such-host\.invalid: the host name no-such-host\.invalid is not known to DNS/,
    );
  });

  it('names the TCP layer when the port is closed', async () => {
    const port = await closedPort();
    const r = await testSqlConnection(labTarget(lab, { connectAddress: `127.0.0.1:${port}` }));
    expect(r).toMatchObject({ ok: false, failure: { code: 'TCP_REFUSED', layer: 'tcp' } });
    expect(!r.ok && r.failure.message).toContain(`127.0.0.1:${port} refused the connection`);
  });

  it('reports a TCP timeout when the connect budget runs out before the socket opens', async () => {
    // This sandbox completes TCP connections to any address, so the budget is spent up front.
    const connector = makeConnector({
      endpoint: { host: '127.0.0.1', port: lab.server.port },
      label: 'SQLNODE1',
      timeoutMs: 1000,
      allowPlaintext: false,
    });
    const e: unknown = await connector(undefined, undefined, AbortSignal.abort()).catch(
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(LayerError);
    expect((e as LayerError).sqlFailure).toMatchObject({ code: 'TCP_TIMEOUT', layer: 'tcp' });
  });

  it('names the handshake when a port accepts TCP but never speaks TDS', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const r = await testSqlConnection(
        labTarget(lab, { connectAddress: `127.0.0.1:${port}`, connectTimeoutMs: 200 }),
        200,
      );
      expect(r).toMatchObject({ ok: false, failure: { code: 'HANDSHAKE_TIMEOUT', layer: 'tls' } });
    } finally {
      silent.close();
    }
  }, 15_000);

  it('names the login layer, and the database layer for 4060', async () => {
    lab.authenticate = () => ({ error: { number: 18456, state: 8 } });
    const login = await testSqlConnection(labTarget(lab));
    expect(login).toMatchObject({
      ok: false,
      failure: { code: 'LOGIN_FAILED', layer: 'login', state: 8 },
    });
    lab.authenticate = () => ({ error: [{ number: 4060 }, { number: 18456 }] });
    const db = await testSqlConnection(labTarget(lab));
    expect(db).toMatchObject({
      ok: false,
      failure: { code: 'DATABASE_UNAVAILABLE', layer: 'database' },
    });
  });
});
