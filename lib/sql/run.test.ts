import { describe, expect, it } from 'vitest';
import {
  POOL_OPEN_LOGINS,
  PASSWORD,
  failureOf,
  labPerFile,
  labTarget,
  type Lab,
} from './lab.test-helper';
import { closeDeploymentPools, connect, openPoolCount } from './pool';
import { exec, query, queryRows } from './run';
import net from 'node:net';
import { z } from 'zod';
import type { SqlErrorCode } from './errors';
import type { SqlTarget } from './types';

let lab: Lab;
labPerFile((started) => (lab = started));

describe('errors raised by statements and procedures', () => {
  it.each([
    [229, 'PERMISSION_DENIED', /sysadmin/],
    [297, 'PERMISSION_DENIED', /permission denied/],
    [208, 'OBJECT_NOT_FOUND', /SSISDB/],
    [2812, 'PROCEDURE_NOT_FOUND', /Scale Out Master/],
    [15025, 'LOGIN_EXISTS', /already exists/],
    [15151, 'LOGIN_NOT_FOUND', /does not exist/],
    [15401, 'WINDOWS_ACCOUNT_NOT_FOUND', /check the account's domain\\name in the inventory/],
    [15433, 'SID_IN_USE', /SID/],
    [976, 'SECONDARY_NOT_READABLE', /does not allow reads/],
    [978, 'SECONDARY_NOT_READABLE', /listener/],
    [983, 'DATABASE_READ_ONLY', /primary/],
    [3906, 'DATABASE_READ_ONLY', /primary/],
  ] as const satisfies readonly (readonly [number, SqlErrorCode, RegExp])[])(
    '%i surfaces as %s through query and exec',
    async (number, code, text) => {
      const target = labTarget(lab);
      const viaQuery = await failureOf(
        query(target, 'EXEC lab.fail @number, @state', { number, state: 2 }),
      );
      expect(viaQuery).toMatchObject({ code, number, state: 2, layer: 'request' });
      expect(viaQuery.message).toMatch(text);
      expect(viaQuery.message).toContain('SQLNODE1');
      const viaExec = await failureOf(exec(target, 'lab.fail', { number, state: 3 }));
      expect(viaExec).toMatchObject({ code, number, state: 3 });
    },
  );

  it('keeps an unknown error with its number, and the pool stays usable after errors', async () => {
    const target = labTarget(lab);
    const f = await failureOf(query(target, 'SELEC nonsense'));
    expect(f).toMatchObject({ code: 'SYNTAX', number: 102 });
    await expect(query(target, 'SELECT @name AS name', { name: 'ok' })).resolves.toMatchObject({
      rows: [{ name: 'ok' }],
    });
  });
});

describe('login errors', () => {
  it.each([
    [8, /the password is wrong/],
    [5, /the login does not exist/],
    [7, /disabled/],
    [38, /database could not be opened/],
  ])('18456 state %i says why', async (state, text) => {
    lab.authenticate = () => ({ error: { number: 18456, state } });
    const f = await failureOf(query(labTarget(lab), 'SELECT 1'));
    expect(f).toMatchObject({ code: 'LOGIN_FAILED', layer: 'login', number: 18456, state });
    expect(f.message).toMatch(/^Login to SQLNODE1 failed/);
    expect(f.message).toMatch(text);
  });

  it('4060 wins over the 18456 that follows it', async () => {
    lab.authenticate = () => ({ error: [{ number: 4060 }, { number: 18456, state: 38 }] });
    const f = await failureOf(query(labTarget(lab, { database: 'nosuchdb' }), 'SELECT 1'));
    expect(f).toMatchObject({ code: 'DATABASE_UNAVAILABLE', layer: 'database', number: 4060 });
    expect(f.message).toContain('nosuchdb');
  });

  it('18452 for a SQL login means Windows-only mode', async () => {
    lab.authenticate = () => ({ error: { number: 18452 } });
    const f = await failureOf(exec(labTarget(lab), 'lab.add', { a: 1 }));
    expect(f).toMatchObject({ code: 'LOGIN_WINDOWS_ONLY', layer: 'login' });
    expect(f.message).toMatch(/mixed mode/);
  });

  it('a Windows (NTLM) login refused by the server gets its own clear message', async () => {
    // The lab accepts SQL logins only and answers any SSPI login with 18452, as an untrusted domain would.
    const target = labTarget(lab, {
      auth: { kind: 'windows', user: 'CORP\\svc_wizard', password: PASSWORD },
    });
    const f = await failureOf(query(target, 'SELECT 1'));
    expect(f).toMatchObject({ code: 'LOGIN_WINDOWS_FAILED', layer: 'login', number: 18452 });
    expect(f.message).toMatch(/^SQLNODE1 refused the Windows \(NTLM\) login/);
  });

  it('a Windows login without a domain is a CONFIG error', async () => {
    const f = await failureOf(
      query(labTarget(lab, { auth: { kind: 'windows', user: 'svc', password: 'x' } }), 'SELECT 1'),
    );
    expect(f.code).toBe('CONFIG');
  });
});

describe('pooling', () => {
  it('opens one pool per target and reuses its login for many queries', async () => {
    const target = labTarget(lab);
    for (let i = 0; i < 5; i++) await query(target, 'SELECT @name AS name', { name: `n${i}` });
    await Promise.all([1, 2, 3].map(() => exec(target, 'lab.add', { a: 2 })));
    expect(openPoolCount(target.deploymentId)).toBe(1);
    // Three concurrent requests may need up to three connections; the pool may still be opening
    // them after the requests are done (the first connection served all three): wait for that.
    const { pool } = await connect(target);
    await expect.poll(() => pool.size - pool.available - pool.borrowed).toBe(0);
    expect(lab.logins).toBeGreaterThanOrEqual(POOL_OPEN_LOGINS);
    expect(lab.logins).toBeLessThanOrEqual(POOL_OPEN_LOGINS + 2);
    // Sequential ones reuse a connection.
    const before = lab.logins;
    for (let i = 0; i < 5; i++) await query(target, 'SELECT 1');
    expect(lab.logins).toBe(before);
  });

  it('closes a deployment’s pools when its inventory changes, and reconnects on demand', async () => {
    const target = labTarget(lab);
    await query(target, 'SELECT 1');
    await query({ ...target, name: 'SQLAG1' }, 'SELECT 1');
    expect(openPoolCount(target.deploymentId)).toBe(2);
    await closeDeploymentPools(target.deploymentId);
    expect(openPoolCount(target.deploymentId)).toBe(0);
    lab.logins = 0;
    await query(target, 'SELECT 1');
    expect(lab.logins).toBe(POOL_OPEN_LOGINS);
  });

  it('replaces a pool whose settings changed (a new password) instead of reusing it', async () => {
    const target = labTarget(lab);
    await query(target, 'SELECT 1');
    const changed: SqlTarget = {
      ...target,
      auth: { kind: 'sql', user: 'sa', password: 'wrong-now' },
    };
    const f = await failureOf(query(changed, 'SELECT 1'));
    expect(f.code).toBe('LOGIN_FAILED');
    expect(openPoolCount(target.deploymentId)).toBe(0);
  });
});

describe('parameters, results, cancel and timeouts', () => {
  it('sends values as parameters, never in the text', async () => {
    const evil = "x'; DROP LOGIN sa; --";
    const r = await query<{ name: string }>(labTarget(lab), 'SELECT @name AS name', {
      name: { type: 'sysname', value: evil },
    });
    expect(r.rows[0]?.name).toBe(evil);
  });

  it('returns OUTPUT parameters and the return value from exec', async () => {
    const r = await exec(labTarget(lab), 'lab.add', {
      a: 20,
      result: { type: 'int', output: true },
    });
    expect(r).toMatchObject({ returnValue: 7, output: { result: 40 }, rows: [{ sum: 21 }] });
  });

  it('refuses parameter and procedure names that could carry text', async () => {
    expect((await failureOf(query(labTarget(lab), 'SELECT 1', { 'a; DROP': 1 }))).code).toBe(
      'CONFIG',
    );
    expect((await failureOf(exec(labTarget(lab), 'lab.add; DROP LOGIN sa'))).code).toBe('CONFIG');
    expect(
      (await failureOf(query(labTarget(lab), 'SELECT 1', { r: { type: 'int', output: true } })))
        .code,
    ).toBe('CONFIG');
  });

  it('cancels a running request on abort (ATTENTION reaches the server)', async () => {
    const target = labTarget(lab);
    await query(target, 'SELECT 1');
    const controller = new AbortController();
    const started = Date.now();
    const running = query(
      target,
      'WAITFOR DELAY @d',
      { d: '00:00:10' },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 200);
    const f = await failureOf(running);
    expect(f).toMatchObject({ code: 'CANCELLED', layer: 'request' });
    expect(Date.now() - started).toBeLessThan(3000);
    await expect.poll(() => lab.cancelled).toBe(1);
    await expect(query(target, 'SELECT 1')).resolves.toBeDefined();
  });

  it('refuses to start with an already aborted signal', async () => {
    const f = await failureOf(
      query(labTarget(lab), 'SELECT 1', {}, { signal: AbortSignal.abort() }),
    );
    expect(f.code).toBe('CANCELLED');
    expect(lab.logins).toBe(0);
  });

  it('times out and cancels', async () => {
    const target = labTarget(lab);
    const f = await failureOf(
      query(target, 'WAITFOR DELAY @d', { d: '00:00:10' }, { timeoutMs: 300 }),
    );
    expect(f).toMatchObject({ code: 'TIMEOUT', layer: 'request' });
    expect(f.message).toMatch(/longer than 0.3 s/);
    await expect.poll(() => lab.cancelled).toBe(1);
  });

  it('gives up waiting for a connect that hangs when the caller aborts', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const target = labTarget(lab, {
        connectAddress: `127.0.0.1:${port}`,
        connectTimeoutMs: 5000,
      });
      const started = Date.now();
      const f = await failureOf(
        query(target, 'SELECT 1', {}, { signal: AbortSignal.timeout(200) }),
      );
      expect(f.code).toBe('CANCELLED');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      silent.close();
    }
  });

  it('checks rows against a zod schema', async () => {
    const target = labTarget(lab);
    const ok = await queryRows(
      target,
      'SELECT @name AS name',
      { name: 'SSISDB' },
      z.object({ name: z.string() }),
    );
    expect(ok).toEqual([{ name: 'SSISDB' }]);
    const f = await failureOf(
      queryRows(target, 'SELECT @name AS name', { name: 'SSISDB' }, z.object({ id: z.number() })),
    );
    expect(f).toMatchObject({ code: 'UNEXPECTED_RESULT', layer: 'request' });
    expect(f.message).toMatch(/^SQLNODE1: the result did not have the expected shape \(row 0\.id/);
  });
});
