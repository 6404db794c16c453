/**
 * Conformance against FreeTDS `tsql` (Debian freetds-bin 1.3.17): a client nobody here
 * wrote, using GnuTLS, in each of its encryption modes.
 */

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTdsServer } from './server';
import { HOST_NAME, USERS, makeTestHandler, makeTestPki, newLog } from './test-support';
import type { TdsServer } from './types';

const TSQL = '/usr/bin/tsql';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs tsql asynchronously: the server lives in this process, so a synchronous spawn
 * would block the event loop that has to answer it.
 */
function tsql(
  args: readonly string[],
  input: string,
  env: Readonly<Record<string, string>>,
): Promise<Run> {
  return new Promise((resolve) => {
    // Only the FreeTDS settings a test names apply (undefined entries are dropped by spawn).
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      FREETDSCONF: undefined,
      TDSVER: undefined,
      TDSDUMP: undefined,
      ...env,
    };
    const child = spawn(TSQL, args, { env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

let dir: string;
let server: TdsServer;

function conf(name: string, lines: readonly string[]): string {
  const file = path.join(dir, `${name}.conf`);
  writeFileSync(file, `[global]\n${lines.map((l) => `\t${l}\n`).join('')}`);
  return file;
}

function connectArgs(password: string = USERS.sa ?? ''): string[] {
  return ['-H', '127.0.0.1', '-p', String(server.port), '-U', 'sa', '-P', password];
}

/** The data row of `select session` as printed by tsql (tab-separated). */
function sessionRow(out: string): string[] | undefined {
  const lines = out.split('\n');
  const header = lines.findIndex((l) => l.includes('spid\tdb\tencrypt_option'));
  return header >= 0 ? lines[header + 1]?.split('\t') : undefined;
}

describe.runIf(existsSync(TSQL))('FreeTDS tsql', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tds-tsql-'));
    // 127.0.0.1 in the SAN lets GnuTLS check the name tsql connected to (-H 127.0.0.1).
    const pki = makeTestPki([HOST_NAME, 'SQLNODE1', '127.0.0.1']);
    writeFileSync(path.join(dir, 'ca.pem'), pki.caPem);
    server = await createTdsServer({
      serverName: 'SQLNODE1',
      tls: { cert: pki.certPem, key: pki.keyPem },
      authenticate: (login) =>
        USERS[login.userName] === login.password
          ? { ok: true, context: { user: login.userName } }
          : { error: { number: 18456, state: 8 } },
      handler: makeTestHandler(newLog()),
    });
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('default "request" encryption: TLS for the login packet only, then rows in plaintext', async () => {
    const r = await tsql(connectArgs(), 'select session\ngo\nselect two\ngo\nexit\n', {
      FREETDSCONF: conf('request', ['tds version = 7.4']),
    });
    expect(r.status).toBe(0);
    expect(sessionRow(r.stdout)).toEqual([
      expect.stringMatching(/^\d+$/),
      'master',
      'login-only',
      'sa',
      'TSQL',
      expect.any(String),
      '0',
    ]);
    expect(r.stdout).toContain('n\n1\n2\n(2 rows affected)');
    expect(r.stdout).toContain('name\tok\nSSISDB\t1\n(1 row affected)');
    expect(r.stderr).toContain('between the result sets');
  });

  it('"require" encryption with the lab CA: full TLS, certificate checked by GnuTLS', async () => {
    const file = conf('require', [
      'tds version = 7.4',
      'encryption = require',
      `ca file = ${path.join(dir, 'ca.pem')}`,
    ]);
    const r = await tsql(connectArgs(), 'select session\ngo\nselect @@version\ngo\nexit\n', {
      FREETDSCONF: file,
    });
    expect(r.status).toBe(0);
    expect(sessionRow(r.stdout)?.[2]).toBe('on');
    expect(r.stdout).toContain('16.0.4135.4');
  });

  it('fails "require" when the CA does not match (the TLS really is verified)', async () => {
    const other = makeTestPki(['someone.else']);
    writeFileSync(path.join(dir, 'other-ca.pem'), other.caPem);
    const file = conf('wrong-ca', [
      'tds version = 7.4',
      'encryption = require',
      `ca file = ${path.join(dir, 'other-ca.pem')}`,
    ]);
    const r = await tsql(connectArgs(), 'select session\ngo\nexit\n', { FREETDSCONF: file });
    expect(sessionRow(r.stdout)).toBeUndefined();
    expect(r.stderr + r.stdout).toMatch(/connection failed|unable to connect|TLS|SSL/i);
  });

  it('"off" encryption: no TLS at all', async () => {
    const r = await tsql(connectArgs(), 'select session\ngo\nexit\n', {
      FREETDSCONF: conf('off', ['tds version = 7.4', 'encryption = off']),
    });
    expect(r.status).toBe(0);
    expect(sessionRow(r.stdout)?.[2]).toBe('off');
  });

  it('works with TDSVER=7.4 and no config file of our own', async () => {
    const r = await tsql(connectArgs(), 'select session\ngo\nexit\n', { TDSVER: '7.4' });
    expect(sessionRow(r.stdout)?.[3]).toBe('sa');
  });

  it('prints SQL Server errors with number, severity, state, server and line', async () => {
    const r = await tsql(connectArgs(), 'raiserror\ngo\nexit\n', {
      FREETDSCONF: conf('errors', ['tds version = 7.4']),
    });
    expect(r.stderr).toContain('Msg 50000 (severity 16, state 3) from SQLNODE1 Line 2:');
    expect(r.stderr).toContain('"Scale Out Master is not reachable."');
  });

  it('reports a failed login as Msg 18456 and does not connect', async () => {
    const r = await tsql(connectArgs('wrong'), 'select session\ngo\nexit\n', {
      FREETDSCONF: conf('badlogin', ['tds version = 7.4']),
    });
    expect(r.stderr).toContain('Msg 18456 (severity 14, state 8)');
    expect(r.stderr).toContain("Login failed for user 'sa'.");
    expect(r.stderr).toMatch(/connection failed/i);
    expect(sessionRow(r.stdout)).toBeUndefined();
  });
});
