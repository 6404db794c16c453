import { createHash, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestPki } from './certs.test-helper';
import { FakeWinrmServer, type FakeServerOptions, closersPerTest } from './fake-server.test-helper';
import { type WinrmClient, WinrmError, createWinrmClient } from './index';
import { tlsServerEndPoint } from './ntlm';

const PASSWORD = 'N7lm-Pa55!';
let pki: TestPki;
const cleanup = closersPerTest((loaded) => (pki = loaded));

async function setup(
  https: boolean,
  fakeOptions: Partial<FakeServerOptions> = {},
  password = PASSWORD,
): Promise<{ fake: FakeWinrmServer; client: WinrmClient }> {
  const fake = new FakeWinrmServer({
    ...(https ? { tls: pki.server } : {}),
    users: { 'LAB\\admin': PASSWORD },
    accept: { negotiate: true },
    onCommand: (cmd) => () => ({
      stdout: `ran ${cmd.commandLine} with ${cmd.stdin.length} bytes`,
      exitCode: 0,
    }),
    ...fakeOptions,
  });
  const port = await fake.listen();
  const client = createWinrmClient(
    { host: 'sqlnode1.lab.local', connectTo: `127.0.0.1:${port}` },
    {
      protocol: https ? 'https' : 'http',
      auth: 'ntlm',
      user: 'LAB\\admin',
      password,
      trust: { mode: 'ca', caPem: pki.caPem },
    },
  );
  cleanup.push(async () => {
    await client.close();
    await fake.close();
  });
  return { fake, client };
}

const negotiations = (fake: FakeWinrmServer): number =>
  fake.authHeaders.filter(
    (h) => h?.startsWith('Negotiate ') && Buffer.from(h.slice(10), 'base64').readUInt32LE(8) === 1,
  ).length;

describe('NTLM over HTTP with message encryption', () => {
  it('authenticates once per connection, seals every request and unseals every answer', async () => {
    const { fake, client } = await setup(false);
    expect((await client.runCommand('hostname')).stdout).toBe('ran hostname with 0 bytes');
    expect((await client.runCommand('whoami', { stdin: 'secret stdin é' })).stdout).toBe(
      'ran whoami with 15 bytes',
    );
    // Handshake: anonymous probe (401 with the offers), NEGOTIATE (401 with CHALLENGE), AUTHENTICATE (200), all empty bodies.
    expect(fake.authHeaders.slice(0, 3).map((h) => h?.split(' ')[0])).toEqual([
      undefined,
      'Negotiate',
      'Negotiate',
    ]);
    expect(fake.rawBodies.slice(0, 3).every((b) => b.length === 0)).toBe(true);
    expect(negotiations(fake)).toBe(1);
    expect(fake.connections).toBe(1);
    // Every SOAP request was sealed: the fake had to decrypt it, and no plaintext crossed the wire.
    const soap = fake.ops();
    expect(soap.map((r) => r.operation)).toEqual([
      'create',
      'command',
      'receive',
      'signal',
      'command',
      'send',
      'receive',
      'signal',
    ]);
    expect(
      soap.every(
        (r) =>
          r.contentType ===
          'multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";boundary="Encrypted Boundary"',
      ),
    ).toBe(true);
    expect(soap.every((r) => r.authorization === undefined)).toBe(true);
    const wire = Buffer.concat(fake.rawBodies).toString('latin1');
    expect(wire).not.toContain('Envelope');
    expect(wire).not.toContain('WINRS_CODEPAGE');
    expect(wire).not.toContain(Buffer.from('secret stdin é').toString('base64'));
    expect(wire).toContain(
      '--Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n',
    );
  });

  it('authenticates again when the server closes the connection', async () => {
    const { fake, client } = await setup(false, { closeAfterAnswers: 2 });
    for (let i = 0; i < 3; i++)
      expect((await client.runCommand(`cmd${i}`)).stdout).toBe(`ran cmd${i} with 0 bytes`);
    expect(fake.connections).toBeGreaterThan(2);
    expect(negotiations(fake)).toBe(fake.connections);
  });

  it('refuses an answer that is not encrypted', async () => {
    const { client } = await setup(false, { answerInClear: true });
    const e = await client.runCommand('hostname').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WinrmError);
    expect((e as WinrmError).code).toBe('PROTOCOL_ERROR');
    expect((e as WinrmError).message).toContain('unencrypted answer');
  });

  it('a wrong password is HTTP 401 with the offered schemes', async () => {
    const { fake, client } = await setup(false, {}, 'wrong');
    const e = (await client.runCommand('hostname').catch((x: unknown) => x)) as WinrmError;
    expect(e.code).toBe('HTTP_UNAUTHORIZED');
    expect(e.details.offeredSchemes).toEqual(['Negotiate']);
    expect(fake.ops()).toHaveLength(0);
  });

  it('says so when the server offers no Negotiate/NTLM', async () => {
    const { client } = await setup(false, { accept: { basic: true } });
    const e = (await client.runCommand('hostname').catch((x: unknown) => x)) as WinrmError;
    expect(e.code).toBe('HTTP_UNAUTHORIZED');
    expect(e.message).toContain('The server offers: Basic');
    expect(e.message).toContain('Negotiate is disabled');
  });
});

describe('NTLM over HTTPS', () => {
  it('binds the authentication to the TLS channel and then sends plain SOAP on that connection', async () => {
    const der = new X509Certificate(pki.server.cert).raw;
    const { fake, client } = await setup(true, {
      channelBindings: tlsServerEndPoint(createHash('sha256').update(der).digest()),
    });
    expect((await client.runCommand('hostname')).stdout).toBe('ran hostname with 0 bytes');
    expect(negotiations(fake)).toBe(1);
    expect(fake.ops().every((r) => r.contentType === 'application/soap+xml;charset=UTF-8')).toBe(
      true,
    );
  });

  it('fails authentication when the channel binding does not match (a TLS man in the middle)', async () => {
    const { client } = await setup(true, {
      channelBindings: tlsServerEndPoint(Buffer.alloc(32, 7)),
    });
    const e = (await client.runCommand('hostname').catch((x: unknown) => x)) as WinrmError;
    expect(e.code).toBe('HTTP_UNAUTHORIZED');
  });
});
