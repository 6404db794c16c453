import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, labTarget, startLab, type Lab } from './lab.test-helper';
import { closeAllPools } from './pool';
import { exec, query } from './run';
import { testSqlConnection } from './test-connection';
import { quoteNString } from './quote';

let lab: Lab;
let plain: Lab;
beforeAll(async () => {
  [lab, plain] = await Promise.all([startLab(), startLab({ tls: false })]);
});
afterAll(async () => {
  await Promise.all([lab.close(), plain.close()]);
});
afterEach(() => closeAllPools());

/** Everything a log line or the browser could end up showing of an error. */
async function everything(p: Promise<unknown>): Promise<string> {
  const e: unknown = await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
  return [
    String(e),
    JSON.stringify(e),
    inspect(e, { depth: 10, showHidden: true }),
    (e as Error).stack ?? '',
  ].join('\n');
}

describe('no secret in any error', () => {
  const wrongPassword = 'Wr0ng-But-Still-Secret!';

  it.each([
    [
      'a refused login',
      () =>
        query(
          labTarget(lab, { auth: { kind: 'sql', user: 'sa', password: wrongPassword } }),
          'SELECT 1',
        ),
    ],
    [
      'a TLS name mismatch',
      () =>
        query(
          labTarget(lab, {
            name: 'SQLNODE2',
            auth: { kind: 'sql', user: 'sa', password: wrongPassword },
          }),
          'SELECT 1',
        ),
    ],
    [
      'a plaintext refusal',
      () =>
        query(
          labTarget(plain, { auth: { kind: 'sql', user: 'sa', password: wrongPassword } }),
          'SELECT 1',
        ),
    ],
    [
      'a refused NTLM login',
      () =>
        exec(
          labTarget(lab, { auth: { kind: 'windows', user: 'CORP\\svc', password: wrongPassword } }),
          'lab.add',
        ),
    ],
  ])('%s', async (_what, run) => {
    const text = await everything(run());
    expect(text).not.toContain(wrongPassword);
    expect(text).not.toMatch(/password\s*=/i);
  });

  it('masks the login password even when the server echoes it', async () => {
    const text = await everything(
      query(labTarget(lab), 'EXEC lab.echo @text', { text: `pw is ${PASSWORD}` }),
    );
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain('pw is ********');
  });

  it('masks secret parameters and secrets inlined in DDL text', async () => {
    const logging = 'Logging-L0gin-Passw0rd';
    const param = await everything(
      query(labTarget(lab), 'EXEC lab.echo @text', {
        text: { type: 'nvarchar', value: logging, secret: true },
      }),
    );
    expect(param).not.toContain(logging);
    // CREATE LOGIN needs the password as a literal; the lab answers it with a syntax error quoting the text.
    const ddl = await everything(
      query(
        labTarget(lab),
        `CREATE LOGIN [x] WITH PASSWORD = ${quoteNString(logging)}`,
        {},
        { secrets: [logging] },
      ),
    );
    expect(ddl).not.toContain(logging);
    expect(ddl).toContain('********');
  });

  it('testSqlConnection results carry no password either', async () => {
    const r = await testSqlConnection(
      labTarget(lab, { auth: { kind: 'sql', user: 'sa', password: wrongPassword } }),
    );
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain(wrongPassword);
  });
});
