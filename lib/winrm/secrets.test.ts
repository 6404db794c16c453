import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { TestPki } from './certs.test-helper';
import { FAULTS, FakeWinrmServer, errorStdout, fakeServerPerFile } from './fake-server.test-helper';
import { type WinrmClientOptions, type WinrmTarget, createWinrmClient } from './index';

const PASSWORD = 'Sup3r-S3cret-Pw!';
const PARAM_SECRET = 'Logg1ng-L0gin-Pw#';
let pki: TestPki;
let port: number;

fakeServerPerFile(
  {
    users: { admin: PASSWORD },
    accept: { basic: true, negotiate: true },
    // A script that fails and echoes its secret parameter in the error (as ALTER LOGIN errors can).
    onCommand: (cmd) => () => ({
      stdout: errorStdout(cmd.commandLine, {
        kind: 'runtime',
        message: `Login failed: password '${PARAM_SECRET}' rejected for ${PASSWORD}`,
      }),
      stderr: `#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><S S="Error">Set-Thing : bad ${PARAM_SECRET}_x000D__x000A_</S></Objs>`,
      exitCode: 1,
    }),
  },
  (started) => ({ pki, port } = started),
);

function leaks(thing: unknown): string[] {
  const forms = [
    String(thing),
    inspect(thing, { depth: 10, showHidden: true }),
    JSON.stringify(thing) ?? '',
  ];
  if (thing instanceof Error) forms.push(thing.stack ?? '', thing.message);
  const basic = Buffer.from(`admin:${PASSWORD}`).toString('base64');
  return forms.filter((f) => f.includes(PASSWORD) || f.includes(PARAM_SECRET) || f.includes(basic));
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('secrets never show in errors', () => {
  const target: WinrmTarget = { host: 'sqlnode1.lab.local', connectTo: `127.0.0.1:0` };
  const base = (over: Partial<WinrmClientOptions> = {}): WinrmClientOptions => ({
    protocol: 'https',
    auth: 'basic',
    user: 'admin',
    password: PASSWORD,
    trust: { mode: 'ca', caPem: pki.caPem },
    ...over,
  });

  it('not in the client object', () => {
    const c = createWinrmClient(target, base());
    expect(leaks(c)).toEqual([]);
  });

  it('not in script failures, even when the server echoes the password or a secret parameter', async () => {
    const c = createWinrmClient({ ...target, connectTo: `127.0.0.1:${port}` }, base());
    const e = await caught(
      c.runPowerShell('Set-Thing -Password $Params.LoginPassword', {
        params: { LoginPassword: PARAM_SECRET },
      }),
    );
    expect((e as { code?: string }).code).toBe('POWERSHELL_SCRIPT_FAILED');
    expect(String(e)).toContain('Login failed: password');
    expect(leaks(e)).toEqual([]);
    await c.close();
  });

  it('not in transport, TLS, authentication, fault or configuration errors', async () => {
    const errors: unknown[] = [];
    for (const [t, o] of [
      [{ host: 'no-such-host.invalid' }, base()],
      [{ ...target, connectTo: `127.0.0.1:${port}` }, base({ trust: { mode: 'system' } })],
      [{ ...target, connectTo: `127.0.0.1:${port}` }, base({ user: 'nobody' })],
      [{ ...target, connectTo: `127.0.0.1:${port}` }, base({ auth: 'ntlm', user: 'LAB\\nobody' })],
      [{ ...target, connectTo: `127.0.0.1:${port}` }, base({ protocol: 'http', auth: 'basic' })],
      [{ ...target, connectTo: 'not an address' }, base()],
    ] as const) {
      const c = createWinrmClient(t, o);
      errors.push(await caught(c.runCommand(`echo ${PASSWORD}`)));
      errors.push((await c.testConnection()).error);
      await c.close();
    }
    const denied = new FakeWinrmServer({
      tls: pki.server,
      users: { admin: PASSWORD },
      accept: { basic: true },
      intercept: () => ({ ...FAULTS.accessDenied, message: `Access is denied for ${PASSWORD}` }),
    });
    const deniedPort = await denied.listen();
    const c = createWinrmClient({ ...target, connectTo: `127.0.0.1:${deniedPort}` }, base());
    errors.push(await caught(c.runCommand('hostname')));
    await c.close();
    await denied.close();
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual([
      'DNS_NOT_FOUND',
      'DNS_NOT_FOUND',
      'TLS_UNTRUSTED',
      'TLS_UNTRUSTED',
      'HTTP_UNAUTHORIZED',
      'HTTP_UNAUTHORIZED',
      'HTTP_UNAUTHORIZED',
      'HTTP_UNAUTHORIZED',
      'INSECURE_BASIC_OVER_HTTP',
      'INSECURE_BASIC_OVER_HTTP',
      'CONFIG_INVALID',
      'CONFIG_INVALID',
      'WSMAN_ACCESS_DENIED',
    ]);
    for (const e of errors) expect(leaks(e)).toEqual([]);
  });
});
