// The lab's SQL side against three clients nobody here wrote — mssql, tedious and FreeTDS tsql —
// through the real lab (TDS endpoints over the simulated SQL Server state), over verified TLS.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sql from 'mssql';
import { Connection, Request, TYPES } from 'tedious';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from './lab';
import { ISQL, Interactive, TDSODBC_DRIVER, attentionTrace, writeOdbcDsn } from './tds/freetds-odbc';

let lab: Lab;
let dir: string;
let ca: string;
const node = () => lab.endpoints.hosts.SQLNODE1!.sql!;
const admin = () => lab.endpoints.credentials.sqlAdmin!;

async function control(route: string, body: unknown = {}) {
  const res = await fetch(`${lab.endpoints.control.url}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${lab.endpoints.control.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-conformance-'));
  lab = await startLab({ scenario: 'fresh', stateDir: dir, token: 'test-token', workers: 0, plaintextSql: ['SQLNODE2'] });
  ca = fs.readFileSync(lab.endpoints.caCertPath, 'utf8');
}, 60_000);
afterAll(async () => {
  await lab?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('mssql (tedious 19) against the lab', () => {
  let pool: sql.ConnectionPool;
  beforeAll(async () => {
    pool = await new sql.ConnectionPool({
      server: node().host,
      port: node().port,
      user: admin().user,
      password: admin().password,
      database: 'SSISDB',
      options: { encrypt: true, trustServerCertificate: false, serverName: 'SQLNODE1', cryptoCredentialsDetails: { ca } },
    }).connect();
  });
  afterAll(() => pool?.close());

  it('is encrypted, as the server itself reports', async () => {
    const r = await pool.request().query('SELECT encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID');
    expect(r.recordset[0]?.encrypt_option).toBe('TRUE');
  });

  it('runs a batch and a parameterised query', async () => {
    expect((await pool.request().batch('SELECT @@SERVERNAME AS s')).recordset[0]?.s).toBe('SQLNODE1');
    const r = await pool.request().input('n', sql.NVarChar(128), 'SSISDB').query('SELECT name FROM sys.databases WHERE name = @n');
    expect(r.recordset.map((x) => x.name)).toEqual(['SSISDB']);
  });

  it('calls procedures: an OUTPUT parameter, and a return status', async () => {
    const out = await pool.request().output('o', sql.NVarChar(128)).query('SELECT @o = @@SERVERNAME');
    expect(out.output.o).toBe('SQLNODE1');
    const r = await pool.request().input('MasterAddress', sql.NVarChar(256), 'https://SSISMASTER:8391').execute('catalog.update_master_address');
    expect(r.returnValue).toBe(0);
    const back = await pool.request().query("SELECT property_value FROM catalog.master_properties WHERE property_name = 'MASTER_ADDRESS'");
    expect(back.recordset[0]?.property_value).toBe('https://SSISMASTER:8391');
  });

  it('gets errors with SQL Server numbers, including for what the lab does not implement', async () => {
    await expect(pool.request().query('SELECT * FROM dbo.no_such_table')).rejects.toMatchObject({ number: 208 });
    await expect(pool.request().query('CREATE TABLE t (i int)')).rejects.toMatchObject({ message: expect.stringContaining('not implemented by the lab') });
    await expect(pool.request().input('MasterAddress', sql.NVarChar(256), null).execute('catalog.update_master_address')).rejects.toMatchObject({ class: 16 });
  });

  it('cancels a long-running request', async () => {
    await control('/latency', { ms: 1500 });
    try {
      const req = pool.request();
      const running = req.query('SELECT 1 AS one');
      setTimeout(() => req.cancel(), 200);
      await expect(running).rejects.toMatchObject({ code: 'ECANCEL' });
    } finally {
      await control('/latency', { ms: 0 });
    }
    expect((await pool.request().query('SELECT 2 AS two')).recordset[0]?.two).toBe(2);
  });

  it('is refused by an instance without TLS when encryption is required', async () => {
    const plain = lab.endpoints.hosts.SQLNODE2!.sql!;
    // tedious 19 would carry on in clear text after ENCRYPT_NOT_SUP; the check is that the
    // connection does not come up encrypted. Our own lib/sql refuses it outright.
    const p = new sql.ConnectionPool({
      server: plain.host,
      port: plain.port,
      user: admin().user,
      password: admin().password,
      options: { encrypt: true, trustServerCertificate: false, serverName: 'SQLNODE2', cryptoCredentialsDetails: { ca } },
    });
    const connected = await p.connect().then(
      async () => (await p.request().query('SELECT encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID')).recordset[0]?.encrypt_option as string,
      (e: Error) => `refused: ${e.message}`,
    );
    await p.close();
    expect(connected).not.toBe('TRUE');
  });
});

describe('tedious directly against the lab', () => {
  const connect = () =>
    new Promise<Connection>((resolve, reject) => {
      const c = new Connection({
        server: node().host,
        authentication: { type: 'default', options: { userName: admin().user, password: admin().password } },
        options: { port: node().port, encrypt: true, trustServerCertificate: false, serverName: 'SQLNODE1', cryptoCredentialsDetails: { ca }, database: 'SSISDB' },
      });
      c.on('connect', (e) => (e ? reject(e) : resolve(c)));
      c.connect();
    });
  const run = (c: Connection, r: Request) => new Promise<void>((resolve) => ((r as unknown as { on: (e: string, f: () => void) => void }).on('requestCompleted', resolve), c.execSql(r)));

  it('logs in over TLS, runs a batch, a procedure with output and return status, an error, and a cancel', async () => {
    const c = await connect();
    const rows: unknown[] = [];
    let err: (Error & { number?: number }) | undefined;
    await run(c, Object.assign(new Request('SELECT encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID', (e) => (err = e ?? undefined)), {}).on('row', (cols) => rows.push(cols[0]?.value)) as Request);
    expect(err).toBeUndefined();
    expect(rows).toEqual(['TRUE']);

    let output: unknown;
    const withOutput = new Request('SELECT @o = DB_NAME()', () => undefined);
    withOutput.addOutputParameter('o', TYPES.NVarChar, null, { length: 128 });
    withOutput.on('returnValue', (_n, v) => (output = v));
    await run(c, withOutput);
    expect(output).toBe('SSISDB');

    let returnStatus: number | undefined;
    const proc = new Request('catalog.update_master_address', (e) => (err = e ?? undefined));
    proc.addParameter('MasterAddress', TYPES.NVarChar, 'https://SSISMASTER:8391');
    proc.on('doneProc', (_rc, _more, status) => (returnStatus = status));
    await new Promise<void>((resolve) => (proc.on('requestCompleted', resolve), c.callProcedure(proc)));
    expect(err).toBeUndefined();
    expect(returnStatus).toBe(0);

    await run(c, new Request('SELECT * FROM dbo.no_such_table', (e) => (err = e ?? undefined)));
    expect(err?.number).toBe(208);
    await run(c, new Request('MERGE t USING s ON 1 = 1 WHEN MATCHED THEN DELETE;', (e) => (err = e ?? undefined)));
    expect(err?.message).toMatch(/not implemented by the lab|Incorrect syntax/);

    await control('/latency', { ms: 1500 });
    const slow = new Request('SELECT 1', (e) => (err = e ?? undefined));
    const done = run(c, slow);
    setTimeout(() => c.cancel(), 200);
    await done;
    await control('/latency', { ms: 0 });
    expect(err?.message).toMatch(/cancel/i);
    await new Promise<void>((r) => (c.on('end', () => r()), c.close()));
  });
});

describe.runIf(fs.existsSync('/usr/bin/tsql'))('FreeTDS tsql against the lab', () => {
  const tsql = (input: string, port = node().port) =>
    new Promise<{ out: string; err: string }>((resolve) => {
      const conf = path.join(dir, 'freetds.conf');
      fs.writeFileSync(conf, `[global]\n\ttds version = 7.4\n\tencryption = require\n\tca file = ${lab.endpoints.caCertPath}\n`);
      const child = spawn('/usr/bin/tsql', ['-H', '127.0.0.1', '-p', String(port), '-U', admin().user, '-P', admin().password], {
        env: { ...process.env, FREETDSCONF: conf, TDSVER: undefined },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', () => resolve({ out, err }));
      child.stdin.end(input);
    });

  it('logs in over verified TLS, runs a batch, a procedure with output and return status, and gets errors', async () => {
    const r = await tsql(
      [
        'SELECT encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID',
        'go',
        "DECLARE @o nvarchar(128), @rc int; EXEC @rc = sp_executesql N'SELECT @o = @@SERVERNAME', N'@o nvarchar(128) OUTPUT', @o = @o OUTPUT; SELECT @rc AS rc, @o AS o",
        'go',
        'SELECT * FROM dbo.no_such_table',
        'go',
        'CREATE TABLE t (i int)',
        'go',
        'exit',
        '',
      ].join('\n'),
    );
    expect(r.out).toContain('TRUE');
    expect(r.out).toMatch(/0\s+SQLNODE1/);
    expect(`${r.out}${r.err}`).toMatch(/Msg 208/);
    expect(`${r.out}${r.err}`).toMatch(/not implemented by the lab/);
  });

  it('requiring encryption, is refused by an instance without TLS', async () => {
    const r = await tsql('SELECT 1\ngo\nexit\n', lab.endpoints.hosts.SQLNODE2!.sql!.port);
    expect(`${r.out}${r.err}`).not.toMatch(/^1\s*$/m);
    expect(`${r.out}${r.err}`).toMatch(/There was a problem connecting to the server|encrypt|SSL|TLS/i);
  });
});

// tsql has no cancel of its own: on its query timeout (as fisql and bsqldb on theirs, and fisql on
// Ctrl-C) libtds closes the socket. FreeTDS cancels through its ODBC driver, whose query timeout
// sends an ATTENTION; unixODBC's isql drives it statement by statement on one connection.
describe.runIf(fs.existsSync(TDSODBC_DRIVER) && fs.existsSync(ISQL))('FreeTDS (its ODBC driver, from isql) against the lab', () => {
  const LATENCY_MS = 6_000;
  const session = 'SELECT session_id, encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID';
  const masterAddress = "SELECT property_value FROM catalog.master_properties WHERE property_name = 'MASTER_ADDRESS'";
  const setMasterAddress = (url: string) => `EXEC catalog.update_master_address @MasterAddress = N'${url}'`;

  it('cancels a long-running request: ATTENTION out, DONE_ATTN back, nothing applied, the same session goes on', async () => {
    const { env, dumpFile } = writeOdbcDsn({
      dir: path.join(dir, 'freetds-odbc'),
      dsn: 'LABNODE1',
      host: node().host,
      port: node().port,
      caFile: lab.endpoints.caCertPath,
      database: 'SSISDB',
      queryTimeoutSeconds: 2,
    });
    // -e: SQLExecDirect (SQL batches); -v: print the driver's diagnostics.
    const isql = new Interactive(ISQL, ['-b', '-e', '-v', 'LABNODE1', admin().user, admin().password], env);
    const before = 'https://FREETDS-BEFORE:8391';
    let spid: string | undefined;
    let started = 0;
    try {
      let from = isql.mark();
      isql.send(session);
      [, spid] = await isql.waitFor(/\|\s*(\d+)\s*\|\s*TRUE\s*\|/, from, 10_000);
      from = isql.mark();
      isql.send(setMasterAddress(before));
      await isql.waitFor(/SQLRowCount returns/, from, 10_000);

      await control('/latency', { ms: LATENCY_MS });
      try {
        started = Date.now();
        from = isql.mark();
        isql.send(setMasterAddress('https://CANCELLED:8391'));
        await isql.waitFor(/Operation was cancelled/, from, LATENCY_MS + 2_000);
      } finally {
        await control('/latency', { ms: 0 });
      }
      const took = Date.now() - started;
      expect(isql.output.slice(from)).toMatch(/\[S1T00\].*Timeout expired/);
      expect(took).toBeGreaterThanOrEqual(1_500);
      expect(took).toBeLessThan(LATENCY_MS - 2_000);

      // The same connection and session run the next statements.
      from = isql.mark();
      isql.send(session);
      expect((await isql.waitFor(/\|\s*(\d+)\s*\|\s*TRUE\s*\|/, from, 10_000))[1]).toBe(spid);
      from = isql.mark();
      isql.send(masterAddress);
      expect((await isql.waitFor(/\|\s*(https:\S+)\s*\|/, from, 10_000))[1]).toBe(before);
      isql.send('quit');
      expect(await isql.exited).toBe(0);
    } finally {
      isql.kill();
    }
    expect(attentionTrace(fs.readFileSync(dumpFile, 'utf8'))).toEqual({ attentionSent: true, acknowledged: true, clientSawCancel: true, backToIdle: true });

    // Once the time the request needed has passed, it has still not run; the session is gone.
    await new Promise((r) => setTimeout(r, Math.max(0, started + LATENCY_MS + 500 - Date.now())));
    const pool = await new sql.ConnectionPool({
      server: node().host,
      port: node().port,
      user: admin().user,
      password: admin().password,
      database: 'SSISDB',
      options: { encrypt: true, trustServerCertificate: false, serverName: 'SQLNODE1', cryptoCredentialsDetails: { ca } },
    }).connect();
    try {
      expect((await pool.request().query(masterAddress)).recordset[0]?.property_value).toBe(before);
      const left = await pool.request().input('spid', sql.Int, Number(spid)).query('SELECT COUNT(*) AS n FROM sys.dm_exec_connections WHERE session_id = @spid');
      expect(left.recordset[0]?.n).toBe(0);
    } finally {
      await pool.close();
    }
  }, 30_000);
});
