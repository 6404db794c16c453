import { describe, expect, it } from 'vitest';
import type { TestPki } from './certs.test-helper';
import { FakeWinrmServer, fakeServerPerFile } from './fake-server.test-helper';
import { type TlsTrust, WinrmError, createWinrmClient } from './index';

let pki: TestPki;
let fake: FakeWinrmServer;
let port: number;

fakeServerPerFile(
  {
    users: { admin: 'Pa55w0rd!' },
    accept: { basic: true },
    onCommand: () => () => ({ stdout: 'ok', exitCode: 0 }),
  },
  (started) => ({ pki, fake, port } = started),
);

async function run(
  host: string,
  trust: TlsTrust | undefined,
  connectTo = `127.0.0.1:${port}`,
): Promise<WinrmError | 'ok'> {
  const client = createWinrmClient(
    { host, connectTo },
    {
      protocol: 'https',
      auth: 'basic',
      user: 'admin',
      password: 'Pa55w0rd!',
      ...(trust ? { trust } : {}),
    },
  );
  try {
    await client.runCommand('hostname');
    return 'ok';
  } catch (e) {
    if (e instanceof WinrmError) return e;
    throw e;
  } finally {
    await client.close();
  }
}

function err(r: WinrmError | 'ok'): WinrmError {
  if (r === 'ok') throw new Error('expected a TLS failure');
  return r;
}

describe('TLS verification', () => {
  it('an untrusted issuer fails, listing the names the certificate covers and its thumbprint; no password is sent', async () => {
    const before = fake.authHeaders.length;
    const e = err(await run('sqlnode1.lab.local', undefined));
    expect(e.code).toBe('TLS_UNTRUSTED');
    expect(e.layer).toBe('tls');
    expect(e.details.certificate?.names).toEqual(['sqlnode1.lab.local', 'SQLNODE1']);
    expect(e.message).toContain('The certificate covers: sqlnode1.lab.local, SQLNODE1.');
    expect(e.message).toContain('WinRM Test CA');
    expect(e.message).toContain(pki.server.thumbprint);
    expect(fake.authHeaders.length).toBe(before); // the request never left the client
    expect(err(await run('sqlnode1.lab.local', { mode: 'ca', caPem: pki.otherCaPem })).code).toBe(
      'TLS_UNTRUSTED',
    );
  });

  it('a name the certificate does not cover fails, listing the names it does cover', async () => {
    const e = err(await run('sqlnode2.lab.local', { mode: 'ca', caPem: pki.caPem }));
    expect(e.code).toBe('TLS_NAME_MISMATCH');
    expect(e.message).toContain('not issued for the name "sqlnode2.lab.local"');
    expect(e.message).toContain('The certificate covers: sqlnode1.lab.local, SQLNODE1.');
  });

  it('the address override connects elsewhere but still verifies the host NAME', async () => {
    expect(await run('sqlnode1.lab.local', { mode: 'ca', caPem: pki.caPem })).toBe('ok');
    expect(await run('SQLNODE1', { mode: 'ca', caPem: pki.caPem })).toBe('ok');
    // Without the override, connecting by address means verifying the address: it is not in the certificate.
    expect(
      err(await run('127.0.0.1', { mode: 'ca', caPem: pki.caPem }, `127.0.0.1:${port}`)).code,
    ).toBe('TLS_NAME_MISMATCH');
  });

  it('a pinned SHA-1 thumbprint is accepted (any Windows spelling) and a different one refused', async () => {
    const spaced = pki.server.thumbprint.toLowerCase().replace(/(..)/g, '$1 ');
    expect(
      await run('anything.example', { mode: 'thumbprint', thumbprint: `\u200e${spaced}` }),
    ).toBe('ok');
    const e = err(
      await run('sqlnode1.lab.local', { mode: 'thumbprint', thumbprint: 'A'.repeat(40) }),
    );
    expect(e.code).toBe('TLS_THUMBPRINT_MISMATCH');
    expect(e.message).toContain(
      `has thumbprint ${pki.server.thumbprint}, not the pinned ${'A'.repeat(40)}`,
    );
    expect(
      err(await run('sqlnode1.lab.local', { mode: 'thumbprint', thumbprint: 'abc' })).code,
    ).toBe('CONFIG_INVALID');
  });

  it('skipping verification works only when asked for', async () => {
    expect(await run('whatever.example', { mode: 'insecure' })).toBe('ok');
  });

  it('HTTPS to a plain HTTP port says so', async () => {
    const plain = new FakeWinrmServer({ users: {}, accept: { basic: true } });
    const plainPort = await plain.listen();
    try {
      const e = err(
        await run('sqlnode1.lab.local', { mode: 'ca', caPem: pki.caPem }, `127.0.0.1:${plainPort}`),
      );
      expect(e.code).toBe('TLS_HANDSHAKE_FAILED');
      expect(e.message).toContain('does not speak TLS');
    } finally {
      await plain.close();
    }
  });
});
