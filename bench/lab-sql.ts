// npm run bench:lab-sql — how fast the lab's SQL side answers real clients (tedious 19 over TLS):
// logins per second, and queries per second on one connection and on 16 at once.
// A benchmark, not a test: it prints numbers for the README; run it on a quiet machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection, Request } from 'tedious';
import { startLab } from '@/lib/lab/lab';

const DURATION_MS = Number(process.env.BENCH_MS ?? 3000);

async function main() {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-lab-sql-'));
  const lab = await startLab({ scenario: 'fresh', stateDir, token: 'bench', workers: 0 });
  const ca = fs.readFileSync(lab.endpoints.caCertPath, 'utf8');
  const node = lab.endpoints.hosts.SQLNODE1!.sql!;
  const { user, password } = lab.endpoints.credentials.sqlAdmin!;

  const connect = () =>
    new Promise<Connection>((resolve, reject) => {
      const c = new Connection({
        server: node.host,
        authentication: { type: 'default', options: { userName: user, password } },
        options: { port: node.port, encrypt: true, trustServerCertificate: false, serverName: 'SQLNODE1', cryptoCredentialsDetails: { ca }, database: 'master' },
      });
      c.on('connect', (err) => (err ? reject(err) : resolve(c)));
      c.connect();
    });
  const query = (c: Connection, sql: string) =>
    new Promise<number>((resolve, reject) => {
      let rows = 0;
      const r = new Request(sql, (err) => (err ? reject(err) : resolve(rows)));
      r.on('row', () => rows++);
      c.execSql(r);
    });
  const close = (c: Connection) => new Promise<void>((r) => (c.on('end', () => r()), c.close()));

  // Check first that the connection really is encrypted, so the numbers are for TLS.
  const probe = await connect();
  const enc = await new Promise<string>((resolve, reject) => {
    let v = '';
    const r = new Request('SELECT encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID', (e) => (e ? reject(e) : resolve(v)));
    r.on('row', (cols) => (v = String(cols[0]?.value)));
    probe.execSqlBatch(r);
  });
  await close(probe);

  const rate = async (label: string, fn: () => Promise<unknown>, parallel = 1) => {
    const until = Date.now() + DURATION_MS;
    let n = 0;
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (Date.now() < until) {
          await fn();
          n++;
        }
      }),
    );
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const per = n / secs;
    console.log(`${label.padEnd(46)} ${per.toFixed(1).padStart(8)} /s  (${n} in ${secs.toFixed(2)} s)`);
    return per;
  };

  console.log(`lab SQL benchmark: tedious 19 over TLS (encrypt_option = ${enc}), ${DURATION_MS} ms per measurement, ${os.cpus().length} cores`);
  const logins = await rate('TLS logins (connect + close), sequential', async () => close(await connect()));
  const one = await connect();
  const single = await rate('queries on one connection', () => query(one, 'SELECT name, database_id FROM sys.databases'));
  await close(one);
  const many = await Promise.all(Array.from({ length: 16 }, connect));
  let i = 0;
  const sixteen = await rate('queries on 16 connections at once', () => query(many[i++ % 16]!, 'SELECT name, database_id FROM sys.databases'), 16);
  await Promise.all(many.map(close));
  console.log(`ratio 16 connections / 1 connection: ${(sixteen / single).toFixed(2)}; query / login: ${(single / logins).toFixed(1)}`);
  await lab.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
