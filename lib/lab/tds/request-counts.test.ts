// The lab's GET /state counts, per TDS endpoint (each instance and the listener), the SQL
// requests (batches and RPCs) and the logins it answered: what `npm run bench` reads as SQL round
// trips per node. Driven with tedious directly, so every request sent is one the test chose.
import fs from 'node:fs';
import { Connection, Request, TYPES } from 'tedious';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobLab, type JobLab } from '@/lib/engine/faults.lab.test-helper';
import { LAB_SQL_LOGINS } from '@/lib/lab/sql';

type Counts = Record<string, { requests: number; logins: number }>;

let t: JobLab;
beforeAll(async () => {
  t = await startJobLab();
  await t.control('/reset', { scenario: 'half-done' });
}, 120_000);
afterAll(async () => t?.close(), 60_000);

const counts = async () => ((await t.state()) as unknown as { tds: Counts }).tds;
const delta = (a: Counts, b: Counts, name: string) => ({
  requests: (b[name]?.requests ?? 0) - (a[name]?.requests ?? 0),
  logins: (b[name]?.logins ?? 0) - (a[name]?.logins ?? 0),
});

function connect(port: number, serverName: string): Promise<Connection> {
  const ep = t.lab.endpoints;
  const c = new Connection({
    server: '127.0.0.1',
    authentication: { type: 'default', options: { userName: LAB_SQL_LOGINS.admin.user, password: LAB_SQL_LOGINS.admin.password } },
    options: { port, encrypt: true, serverName, trustServerCertificate: false, cryptoCredentialsDetails: { ca: fs.readFileSync(ep.caCertPath, 'utf8') } },
  });
  return new Promise((resolve, reject) => c.connect((e) => (e ? reject(e) : resolve(c))));
}

const run = (c: Connection, sql: string, param?: number) =>
  new Promise<void>((resolve, reject) => {
    const r = new Request(sql, (e) => (e ? reject(e) : resolve()));
    if (param === undefined) c.execSqlBatch(r);
    else {
      r.addParameter('n', TYPES.Int, param);
      c.execSql(r); // an RPC: sp_executesql
    }
  });

describe('TDS request counts in GET /state', () => {
  it('counts each batch and RPC on the endpoint that answered it, and each login, and nothing elsewhere', async () => {
    const ep = t.lab.endpoints;
    const listener = ep.topology.listener;
    const before = await counts();
    const node1 = await connect(ep.hosts.SQLNODE1!.sql!.port, ep.hosts.SQLNODE1!.fqdn);
    const viaListener = await connect(ep.listeners[listener]!.port, `${listener.toLowerCase()}.${ep.dnsDomain}`);
    const connected = await counts();
    expect(delta(before, connected, 'SQLNODE1').logins).toBe(1);
    expect(delta(before, connected, listener).logins).toBe(1);
    try {
      await run(node1, 'SELECT 1 AS x');
      await run(node1, 'SELECT 2 AS x');
      await run(node1, 'SELECT @n AS x', 3);
      await run(viaListener, 'SELECT 1 AS x');
    } finally {
      node1.close();
      viaListener.close();
    }
    const after = await counts();
    expect(delta(connected, after, 'SQLNODE1')).toEqual({ requests: 3, logins: 0 });
    // The listener hands its sessions to the primary (SQLNODE1), but counts them as its own.
    expect(delta(connected, after, listener)).toEqual({ requests: 1, logins: 0 });
    expect(delta(before, after, 'SQLNODE2')).toEqual({ requests: 0, logins: 0 });
  }, 60_000);
});
