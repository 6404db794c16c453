/**
 * Conformance against the real client the wizard uses: mssql 12 over tedious 19, with
 * TLS verified against a lab CA (encrypt + trustServerCertificate false) and without TLS.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sql from 'mssql';
import { createTdsServer } from './server';
import { HOST_NAME, USERS, makeTestHandler, makeTestPki, newLog } from './test-support';
import type { HandlerLog, TestPki } from './test-support';
import type { TdsServer } from './types';

let pki: TestPki;
let server: TdsServer;
let log: HandlerLog;
const errors: Error[] = [];

function config(
  overrides: Partial<sql.config> = {},
  options: sql.config['options'] = {},
): sql.config {
  return {
    server: '127.0.0.1',
    port: server.port,
    user: 'sa',
    password: USERS.sa,
    database: 'SSISDB',
    pool: { max: 1, min: 0 },
    connectionTimeout: 5000,
    requestTimeout: 5000,
    ...overrides,
    options: {
      encrypt: true,
      trustServerCertificate: false,
      serverName: HOST_NAME,
      cryptoCredentialsDetails: { ca: pki.caPem },
      ...options,
    },
  };
}

async function withPool<T>(
  cfg: sql.config,
  fn: (pool: sql.ConnectionPool) => Promise<T>,
): Promise<T> {
  const pool = new sql.ConnectionPool(cfg);
  await pool.connect();
  try {
    return await fn(pool);
  } finally {
    await pool.close();
  }
}

beforeAll(async () => {
  pki = makeTestPki();
  log = newLog();
  server = await createTdsServer({
    serverName: 'SQLNODE1',
    version: '16.0.4135.4',
    tls: { cert: pki.certPem, key: pki.keyPem },
    authenticate: (login) =>
      USERS[login.userName] === login.password
        ? login.database === 'nosuchdb'
          ? { ok: false, error: [{ number: 4060 }, { number: 18456 }] }
          : { ok: true, context: { user: login.userName } }
        : { ok: false, error: { number: 18456, state: 8 } },
    handler: makeTestHandler(log),
    onError: (e) => errors.push(e),
  });
});

afterAll(async () => {
  await server.close();
});

describe('mssql over TLS verified by the lab CA', () => {
  it('logs in, reports the session, and validates pooled connections', async () => {
    await withPool(config(), async (pool) => {
      const r = await pool.request().query('select session');
      const rowOne = r.recordset[0];
      expect(rowOne).toMatchObject({
        db: 'SSISDB',
        encrypt_option: 'on',
        login_name: 'sa',
        app: 'node-mssql',
      });
      expect(rowOne?.spid).toBeGreaterThanOrEqual(51);
      // tedious's SET batch after login arrived as SQL_BATCH; mssql's 'SELECT 1;' probe as sp_executesql.
      expect(
        log.batches.some((b) => b.includes('set transaction isolation level read committed')),
      ).toBe(true);
    });
    expect(errors).toEqual([]);
  });

  it('rejects a certificate that does not match the server name', async () => {
    const pool = new sql.ConnectionPool(config({}, { serverName: 'otherhost.lab.test' }));
    await expect(pool.connect()).rejects.toMatchObject({ code: 'ESOCKET' });
    await pool.close();
  });

  it('round-trips every column type, NULLs included', async () => {
    await withPool(config(), async (pool) => {
      const r = await pool.request().query('select types');
      expect(r.recordset).toHaveLength(2);
      const [values, nulls] = r.recordset;
      expect(values).toEqual({
        i: 2_147_483_647,
        bi: '9007199254740993',
        b: true,
        nv: 'Ünïcode ✓',
        nvmax: 'x'.repeat(10_000),
        v: 'café €',
        vb: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
        vbmax: Buffer.alloc(20_000, 0xab),
        g: '6F9619FF-8B86-D011-B42D-00C04FC964FF',
        dt2: new Date('2024-01-02T03:04:05.678Z'),
        dto: new Date('2024-06-30T22:15:00.000Z'),
        sv: 'Enterprise Edition',
        ti: 255,
        f: 3.5,
        dec: 12345678.91,
        d: new Date('1999-12-31T00:00:00.000Z'),
        dt: new Date('2001-02-03T04:05:06.000Z'),
      });
      expect(Object.values(nulls ?? {}).every((v) => v === null)).toBe(true);
      const columns = r.recordset.columns;
      expect(columns.nv?.type).toBe(sql.NVarChar);
      // mssql reports TYPE_INFO's byte length, as it does for a real nvarchar(50).
      expect(columns.nv?.length).toBe(100);
      expect(columns.nvmax?.length).toBe(0xffff);
      expect(columns.bi?.type).toBe(sql.BigInt);
      expect(columns.dto?.type).toBe(sql.DateTimeOffset);
      expect(columns.sv?.type).toBe(sql.Variant);
      expect(columns.g?.type).toBe(sql.UniqueIdentifier);
      expect(columns.dec?.precision).toBe(10);
      expect(columns.dec?.scale).toBe(2);
    });
  });

  it('decodes typed parameters sent through sp_executesql', async () => {
    await withPool(config(), async (pool) => {
      const when = new Date('2023-05-06T07:08:09.123Z');
      const r = await pool
        .request()
        .input('id', sql.Int, -42)
        .input('big', sql.BigInt, '-9007199254740993')
        .input('name', sql.NVarChar(64), 'SSISScaleOutMaster160')
        .input('ansi', sql.VarChar(20), 'naïve €')
        .input('flag', sql.Bit, false)
        .input('guid', sql.UniqueIdentifier, '0e984725-c51c-4bf4-9960-e1c80e27aba0')
        .input('bytes', sql.VarBinary(sql.MAX), Buffer.from('thumbprint'))
        .input('when', sql.DateTime2(3), when)
        .input('nothing', sql.NVarChar(10), null)
        .input('long', sql.NVarChar(sql.MAX), 'y'.repeat(9000))
        .query('select echo');
      const call = log.rpcs.at(-1);
      expect(call?.procName).toBe('sp_executesql');
      expect(call?.procId).toBe(10);
      const byName = Object.fromEntries((call?.params ?? []).map((p) => [p.name, p]));
      expect(byName['@params']?.value).toContain('@id int');
      expect(byName['@big']?.value).toBe(-9007199254740993n);
      expect(byName['@guid']?.value).toBe('0E984725-C51C-4BF4-9960-E1C80E27ABA0');
      expect(byName['@when']?.type).toEqual({ type: 'datetime2', scale: 3 });
      expect(byName['@nothing']?.value).toBeNull();
      // Echoed back with the declared types, so the client decodes what it sent.
      expect(r.recordset[0]).toEqual({
        id: -42,
        big: '-9007199254740993',
        name: 'SSISScaleOutMaster160',
        ansi: 'naïve €',
        flag: false,
        guid: '0E984725-C51C-4BF4-9960-E1C80E27ABA0',
        bytes: Buffer.from('thumbprint'),
        when,
        nothing: null,
        long: 'y'.repeat(9000),
      });
    });
  });

  it('runs a PreparedStatement through sp_prepare / sp_execute / sp_unprepare', async () => {
    await withPool(config(), async (pool) => {
      const ps = new sql.PreparedStatement(pool);
      ps.input('worker', sql.NVarChar(128));
      ps.input('enabled', sql.Bit);
      await ps.prepare('select echo');
      const first = await ps.execute({ worker: 'WORKER1', enabled: true });
      const second = await ps.execute({ worker: 'WORKER2', enabled: false });
      await ps.unprepare();
      expect(first.recordset[0]).toEqual({ worker: 'WORKER1', enabled: true });
      expect(second.recordset[0]).toEqual({ worker: 'WORKER2', enabled: false });
      // mssql calls these by name (tedious's own prepare() would send ProcIDs 11/12/15).
      expect(log.rpcs.slice(-4).map((c) => [c.procName, c.procId])).toEqual([
        ['sp_prepare', undefined],
        ['sp_execute', undefined],
        ['sp_execute', undefined],
        ['sp_unprepare', undefined],
      ]);
    });
  });

  it('calls a stored procedure by name with output parameters and a return value', async () => {
    await withPool(config(), async (pool) => {
      const r = await pool
        .request()
        .input('port', sql.Int, 8391)
        .output('address', sql.NVarChar(256))
        .output('node_count', sql.Int)
        .execute('catalog.get_master_address');
      expect(log.rpcs.at(-1)?.procName).toBe('catalog.get_master_address');
      expect(r.returnValue).toBe(7);
      expect(r.output).toEqual({ address: 'https://ssis-master.lab.test:8391', node_count: 2 });
      expect(r.recordset.map((row) => row.node)).toEqual(['SQLNODE1', 'SQLNODE2']);
    });
  });

  it('returns multiple recordsets with info messages in between', async () => {
    await withPool(config(), async (pool) => {
      const request = pool.request();
      const infos: string[] = [];
      request.on('info', (m: { message: string }) => infos.push(m.message));
      const r = await request.query('select two');
      const sets = r.recordsets as sql.IRecordSet<unknown>[];
      expect(sets).toHaveLength(2);
      expect(sets[0]).toEqual([{ n: 1 }, { n: 2 }]);
      expect(sets[1]).toEqual([{ name: 'SSISDB', ok: true }]);
      expect(r.rowsAffected).toEqual([2, 1]);
      expect(infos).toEqual(['between the result sets']);
    });
  });

  it('delivers a result spanning many packets', async () => {
    await withPool(config(), async (pool) => {
      const r = await pool.request().query('select big');
      expect(r.recordset).toHaveLength(5000);
      expect(r.recordset[4999]).toEqual({ id: 4999, filler: 'row 4999 '.padEnd(100, '.') });
    });
  });

  it('surfaces SQL Server errors with number, state, class and line', async () => {
    await withPool(config(), async (pool) => {
      const err: unknown = await pool
        .request()
        .batch('raiserror')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(sql.RequestError);
      expect(err).toMatchObject({
        number: 50000,
        state: 3,
        class: 16,
        lineNumber: 2,
        serverName: 'SQLNODE1',
        message: 'Scale Out Master is not reachable.',
      });
      const missing: unknown = await pool
        .request()
        .execute('dbo.nope')
        .catch((e: unknown) => e);
      expect(missing).toMatchObject({ number: 2812, class: 16, state: 62 });
    });
  });

  it('cancels a long-running request (ATTENTION) and keeps the connection usable', async () => {
    await withPool(config(), async (pool) => {
      const before = log.cancelled;
      const request = pool.request();
      const started = Date.now();
      const pending = request.batch('waitfor delay 00:00:10').catch((e: unknown) => e);
      setTimeout(() => request.cancel(), 200);
      const err = await pending;
      expect(err).toMatchObject({ code: 'ECANCEL' });
      expect(Date.now() - started).toBeLessThan(3000);
      await expect.poll(() => log.cancelled).toBe(before + 1);
      const again = await pool.request().query('select 1;');
      expect(again.recordset[0]).toEqual({ '': 1 });
    });
  });

  it('times out a request through the same cancel path', async () => {
    await withPool(config({ requestTimeout: 300 }), async (pool) => {
      const started = Date.now();
      const err: unknown = await pool
        .request()
        .batch('waitfor delay 00:00:10')
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ETIMEOUT' });
      // Without a prompt attention acknowledgement tedious would wait out its 5 s cancel timeout.
      expect(Date.now() - started).toBeLessThan(3000);
      const again = await pool.request().batch('select session');
      expect(again.recordset).toHaveLength(1);
    });
  });

  it('runs transactions through TRANSACTION_MANAGER requests', async () => {
    await withPool(config(), async (pool) => {
      const tx = new sql.Transaction(pool);
      await tx.begin();
      const inside = await new sql.Request(tx).query('select session');
      expect(inside.recordset[0]?.trancount).toBe(1);
      await tx.commit();
      const tx2 = new sql.Transaction(pool);
      await tx2.begin();
      await tx2.rollback();
      const after = await pool.request().query('select session');
      expect(after.recordset[0]?.trancount).toBe(0);
      expect(log.transactions.slice(-4)).toEqual(['begin', 'commit', 'begin', 'rollback']);
    });
  });

  it('follows T-SQL BEGIN/COMMIT inside batches and USE database changes', async () => {
    await withPool(config(), async (pool) => {
      const tx = new sql.Transaction(pool);
      await tx.begin();
      const nested = await new sql.Request(tx).batch('begin tran');
      expect(nested.rowsAffected).toEqual([]);
      expect((await new sql.Request(tx).query('select session')).recordset[0]?.trancount).toBe(2);
      await new sql.Request(tx).batch('commit');
      await tx.commit();
      const err: unknown = await pool
        .request()
        .batch('commit')
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ number: 3902, class: 16 });
      await pool.request().batch('use [msdb]');
      expect((await pool.request().query('select session')).recordset[0]?.db).toBe('msdb');
      const updated = await pool.request().query('update x');
      expect(updated.rowsAffected).toEqual([3]);
    });
  });

  it('fails a wrong password with ELOGIN 18456 (class 14) and closes the connection', async () => {
    const tokens: { number: number; class: number; state: number }[] = [];
    const pool = new sql.ConnectionPool({
      ...config({ password: 'wrong' }),
      beforeConnect: (conn) =>
        conn.on('errorMessage', (m) =>
          tokens.push({ number: m.number, class: m.class, state: m.state }),
        ),
    });
    const err: unknown = await pool.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(sql.ConnectionError);
    expect(err).toMatchObject({ code: 'ELOGIN', message: "Login failed for user 'sa'." });
    expect(tokens).toEqual([{ number: 18456, class: 14, state: 8 }]);
    await pool.close();
    await expect.poll(() => server.connectionCount).toBe(0);
  });

  it('reports 4060 then 18456 for a database the login cannot open', async () => {
    const tokens: number[] = [];
    const pool = new sql.ConnectionPool({
      ...config({ database: 'nosuchdb' }),
      beforeConnect: (conn) => conn.on('errorMessage', (m) => tokens.push(m.number)),
    });
    const err: unknown = await pool.connect().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ELOGIN', message: "Login failed for user 'sa'." });
    expect(tokens).toEqual([4060, 18456]);
    await pool.close();
  });

  it('refuses NTLM (SSPI in LOGIN7) with 18452, as a SQL-authentication-only server does', async () => {
    const pool = new sql.ConnectionPool({ ...config(), domain: 'LAB' });
    const err: unknown = await pool.connect().catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'ELOGIN',
      message:
        'Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication.',
    });
    await pool.close();
  });

  it('sends the login messages and database change tedious reports', async () => {
    const infos: number[] = [];
    const databases: string[] = [];
    await withPool(
      {
        ...config(),
        beforeConnect: (conn) => {
          conn.on('infoMessage', (m) => infos.push(m.number));
          conn.on('databaseChange', (db) => databases.push(db));
        },
      },
      async (pool) => {
        await pool.request().batch('use [msdb]');
      },
    );
    // mssql's connect() logs in once to probe and again for the pooled connection.
    expect(infos.slice(0, 2)).toEqual([5701, 5703]);
    expect(databases[0]).toBe('SSISDB');
    expect(databases.at(-1)).toBe('msdb');
    expect(infos.at(-1)).toBe(5701);
  });

  it('accepts a password outside ASCII (scrambling is per byte of UTF-16)', async () => {
    await withPool(config({ user: 'ssis_admin', password: USERS.ssis_admin }), async (pool) => {
      const r = await pool.request().query('select session');
      expect(r.recordset[0]?.login_name).toBe('ssis_admin');
    });
  });
});

describe('mssql without TLS', () => {
  it('works with encrypt false (ENCRYPT_NOT_SUP both ways)', async () => {
    await withPool(config({}, { encrypt: false }), async (pool) => {
      const r = await pool.request().input('n', sql.Int, 5).query('select echo');
      expect(r.recordset[0]).toEqual({ n: 5 });
      const s = await pool.request().query('select session');
      expect(s.recordset[0]?.encrypt_option).toBe('off');
    });
  });

  it('refuses encrypt false when the server forces encryption, as SQL Server does', async () => {
    const forced = await createTdsServer({
      serverName: 'SQLNODE2',
      tls: { cert: pki.certPem, key: pki.keyPem },
      forceEncryption: true,
      authenticate: () => ({ ok: true }),
      handler: makeTestHandler(newLog()),
    });
    try {
      const pool = new sql.ConnectionPool({ ...config({}, { encrypt: false }), port: forced.port });
      await expect(pool.connect()).rejects.toMatchObject({ code: 'EENCRYPT' });
      await pool.close();
    } finally {
      await forced.close();
    }
  });
});
