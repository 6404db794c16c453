/**
 * tedious used directly (below mssql): ProcID-based prepare/execute/unprepare and a
 * cancel issued while the request is still being sent, which tedious signals with the
 * IGNORE bit instead of an ATTENTION.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, Request, TYPES } from 'tedious';
import { createTdsServer } from './server';
import { HOST_NAME, USERS, makeTestHandler, makeTestPki, newLog } from './test-support';
import type { HandlerLog } from './test-support';
import type { TdsServer } from './types';

let server: TdsServer;
let log: HandlerLog;
let caPem: string;

beforeAll(async () => {
  const pki = makeTestPki();
  caPem = pki.caPem;
  log = newLog();
  server = await createTdsServer({
    serverName: 'SQLNODE1',
    tls: { cert: pki.certPem, key: pki.keyPem },
    authenticate: (login) =>
      USERS[login.userName] === login.password
        ? { ok: true, context: { user: login.userName } }
        : { ok: false, error: { number: 18456 } },
    handler: makeTestHandler(log),
  });
});

afterAll(async () => {
  await server.close();
});

function connect(): Promise<Connection> {
  const connection = new Connection({
    server: '127.0.0.1',
    authentication: { type: 'default', options: { userName: 'sa', password: USERS.sa } },
    options: {
      port: server.port,
      database: 'SSISDB',
      encrypt: true,
      trustServerCertificate: false,
      serverName: HOST_NAME,
      cryptoCredentialsDetails: { ca: caPem },
    },
  });
  return new Promise((resolve, reject) => {
    connection.connect((err) => (err ? reject(err) : resolve(connection)));
  });
}

function close(connection: Connection): Promise<void> {
  return new Promise((resolve) => {
    connection.on('end', () => resolve());
    connection.close();
  });
}

describe('tedious', () => {
  it('prepares, executes and unprepares by ProcID', async () => {
    const connection = await connect();
    try {
      const rows: unknown[][] = [];
      const request = new Request('select echo', (err) => {
        if (err) throw err;
      });
      request.addParameter('thumbprint', TYPES.VarChar, null, { length: 40 });
      request.on('row', (columns: { value: unknown }[]) => rows.push(columns.map((c) => c.value)));
      await new Promise<void>((resolve, reject) => {
        request.once('prepared', () => resolve());
        request.once('error', reject);
        connection.prepare(request);
      });
      await new Promise<void>((resolve, reject) => {
        request.once('requestCompleted', () => resolve());
        request.once('error', reject);
        connection.execute(request, { thumbprint: '3F2504E04F8911D39A0C0305E82C3301AABBCCDD' });
      });
      connection.unprepare(request);
      await new Promise<void>((resolve) => request.once('requestCompleted', () => resolve()));
      expect(rows).toEqual([['3F2504E04F8911D39A0C0305E82C3301AABBCCDD']]);
      expect(log.rpcs.slice(-3).map((c) => [c.procName, c.procId])).toEqual([
        ['sp_prepare', 11],
        ['sp_execute', 12],
        ['sp_unprepare', 15],
      ]);
    } finally {
      await close(connection);
    }
  });

  it('cancels a request that is still being sent (IGNORE bit) without running it', async () => {
    const connection = await connect();
    try {
      const before = log.rpcs.length;
      const done = new Promise<Error | null | undefined>((resolve) => {
        const request = new Request('select echo', (err) => resolve(err));
        // Several megabytes, so the message is still being written when cancel() runs.
        request.addParameter('blob', TYPES.VarBinary, Buffer.alloc(8 * 1024 * 1024, 1), {
          length: Infinity,
        });
        connection.execSql(request);
        connection.cancel();
      });
      const err = await done;
      expect(err).toMatchObject({ code: 'ECANCEL' });
      expect(log.rpcs.length).toBe(before);
      // The connection is still in step with the server.
      const value = await new Promise<unknown>((resolve, reject) => {
        let got: unknown;
        const r = new Request('select 1;', (e) => (e ? reject(e) : resolve(got)));
        r.on('row', (columns: { value: unknown }[]) => (got = columns[0]?.value));
        connection.execSql(r);
      });
      expect(value).toBe(1);
    } finally {
      await close(connection);
    }
  });
});
