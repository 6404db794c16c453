import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki } from '@/lib/lab/tds/test-support';
import { cleanThumbprint } from '@/lib/certs/thumbprint';
import {
  POOL_OPEN_LOGINS,
  failureOf,
  labPerFile,
  labTarget,
  pki,
  startLab,
  type Lab,
} from './lab.test-helper';
import { connect } from './pool';
import { query } from './run';
import type { SqlTarget } from './types';

let lab: Lab;
labPerFile((started) => (lab = started));

/** Lets a LOGIN7 that did leave reach the server before asserting that none did. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 150));

const leafThumbprint = (): string =>
  cleanThumbprint(new X509Certificate(pki().certPem).fingerprint);

describe('TLS verified by the deployment CA', () => {
  it('connects through the override address, verifies against the inventory name, and reports encryption', async () => {
    const { status } = await connect(labTarget(lab));
    expect(status).toMatchObject({ tls: true, encryptOption: 'TRUE', warnings: [] });
    expect(status.certificate?.thumbprint).toBe(leafThumbprint());
    expect(status.certificate?.altNames).toContain('DNS:SQLNODE1');
  });

  it('verifies the listener name too when the certificate covers it', async () => {
    const r = await query(labTarget(lab, { name: 'SQLAG1' }), 'SELECT @name AS name', {
      name: 'x',
    });
    expect(r.rows).toEqual([{ name: 'x' }]);
  });

  it('refuses a certificate that does not cover the name, before the login is sent', async () => {
    const f = await failureOf(query(labTarget(lab, { name: 'SQLNODE2' }), 'SELECT 1'));
    expect(f).toMatchObject({ code: 'TLS_NAME_MISMATCH', layer: 'tls' });
    expect(f.message).toMatch(/^SQLNODE2: the server certificate does not cover the name SQLNODE2/);
    expect(f.message).toContain('DNS:SQLNODE1');
    expect(lab.logins).toBe(0);
  });

  it('refuses a certificate from a CA the deployment does not trust', async () => {
    const other = makeTestPki(['elsewhere.test']);
    const f = await failureOf(
      query(labTarget(lab, { trust: { mode: 'ca', caPem: other.caPem } }), 'SELECT 1'),
    );
    expect(f).toMatchObject({ code: 'TLS_UNTRUSTED', layer: 'tls' });
    expect(f.message).toMatch(/not trusted/);
    expect(lab.logins).toBe(0);
  });

  it('refuses the lab CA under the system store', async () => {
    const f = await failureOf(query(labTarget(lab, { trust: { mode: 'system' } }), 'SELECT 1'));
    expect(f.code).toBe('TLS_UNTRUSTED');
  });

  it('rejects a CA bundle without a certificate as CONFIG, before connecting', async () => {
    const f = await failureOf(
      query(labTarget(lab, { trust: { mode: 'ca', caPem: 'not a pem' } }), 'SELECT 1'),
    );
    expect(f).toMatchObject({ code: 'CONFIG', layer: 'config' });
  });
});

describe('pinned thumbprint', () => {
  it('accepts the pinned leaf whatever its chain, in any pasted form', async () => {
    const spaced = `\u200e${leafThumbprint().toLowerCase().replace(/(..)/g, '$1 ')}`;
    const target = labTarget(lab, { trust: { mode: 'thumbprint', thumbprint: spaced } });
    const { status } = await connect(target);
    expect(status).toMatchObject({ tls: true, encryptOption: 'TRUE', warnings: [] });
    expect(lab.logins).toBe(POOL_OPEN_LOGINS);
  });

  it('pinning does not check the name: the pin is the identity', async () => {
    const target = labTarget(lab, {
      name: 'SQLNODE9',
      trust: { mode: 'thumbprint', thumbprint: leafThumbprint() },
    });
    await expect(query(target, 'SELECT 1')).resolves.toBeDefined();
  });

  it('refuses another certificate and never sends the login', async () => {
    const wrong = 'AB'.repeat(20);
    const f = await failureOf(
      query(labTarget(lab, { trust: { mode: 'thumbprint', thumbprint: wrong } }), 'SELECT 1'),
    );
    expect(f).toMatchObject({ code: 'TLS_THUMBPRINT_MISMATCH', layer: 'tls' });
    expect(f.message).toContain(leafThumbprint());
    expect(f.message).toContain(wrong);
    await settle();
    expect(lab.logins).toBe(0);
  });

  it('rejects a malformed pin as CONFIG', async () => {
    const f = await failureOf(
      query(labTarget(lab, { trust: { mode: 'thumbprint', thumbprint: 'abc' } }), 'SELECT 1'),
    );
    expect(f.code).toBe('CONFIG');
  });
});

describe('insecure trust', () => {
  it('still encrypts, but flags the unverified certificate', async () => {
    const { status } = await connect(
      labTarget(lab, { name: 'SQLNODE9', trust: { mode: 'insecure' } }),
    );
    expect(status.tls).toBe(true);
    expect(status.warnings.join('\n')).toMatch(/not verified/);
  });
});

describe('a server that declines encryption', () => {
  let plain: Lab;
  beforeAll(async () => {
    plain = await startLab({ tls: false });
  });
  afterAll(() => plain.close());

  it('is refused before the login leaves the machine (tedious would fall back to clear text)', async () => {
    const f = await failureOf(query(labTarget(plain), 'SELECT 1'));
    expect(f).toMatchObject({ code: 'NOT_ENCRYPTED', layer: 'tls' });
    expect(f.message).toMatch(/^SQLNODE1 does not offer encryption/);
    await settle();
    expect(plain.logins).toBe(0);
  });

  it('is allowed only when the deployment says so, with a warning from encrypt_option', async () => {
    const target: SqlTarget = labTarget(plain, { allowPlaintext: true });
    const { status } = await connect(target);
    expect(status).toMatchObject({ tls: false, encryptOption: 'FALSE' });
    expect(status.warnings.join('\n')).toMatch(/NOT encrypted/);
    expect(plain.logins).toBe(POOL_OPEN_LOGINS);
  });

  it('a TLS-capable server never trips the guard (Force Encryption on)', async () => {
    const forced = await startLab({ forceEncryption: true });
    try {
      const { status } = await connect(labTarget(forced));
      expect(status.encryptOption).toBe('TRUE');
    } finally {
      await forced.close();
    }
  });
});
