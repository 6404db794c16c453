// Fixtures are made by the system openssl (an independent implementation), then loaded with
// lib/certs and cross-checked against what openssl itself reports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CertError, type CertErrorCode } from './errors';
import { loadCertificate, type LoadOptions } from './load';
import {
  openssl,
  opensslFingerprint,
  opensslResult,
  opensslText,
  tempDir,
  type TempDir,
} from './openssl.test-helper';

const PASSWORD = 'Correct-horse-1';
const UNICODE_PASSWORD = `pä"ss'wörd €😀 \\ $HOME`;
const SSIS_SUBJECT = '/CN=sqlnode1/CN=sqlnode1.corp.example/CN=10.0.0.5';
const SSIS_SAN =
  'subjectAltName=DNS:sqlnode1,DNS:ssis-master.corp.example,IP:10.0.0.5,IP:2001:db8::5';

let t: TempDir;
const hasLegacyProvider = opensslResult(['list', '-providers', '-provider', 'legacy']).ok;

function loadError(data: Uint8Array | string, options?: LoadOptions): CertError {
  try {
    loadCertificate(data, options);
  } catch (e) {
    if (e instanceof CertError) return e;
    throw e;
  }
  throw new Error('expected loadCertificate to throw');
}

function expectCode(
  data: Uint8Array | string,
  options: LoadOptions | undefined,
  code: CertErrorCode,
): CertError {
  const e = loadError(data, options);
  expect(e.code).toBe(code);
  return e;
}

beforeAll(() => {
  t = tempDir();
  // `cmd` is split on spaces; `rest` is passed verbatim (subjects, passwords with spaces/quotes).
  const o = (cmd: string, ...rest: string[]) =>
    openssl([...cmd.split(' '), ...rest], { cwd: t.dir });
  const pass = (pw: string) => ['-passout', `pass:${pw}`];
  const tripleDes = '-certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1';

  // SSIS-style self-signed certificate: several CNs in one subject, SHA-1, SANs incl. IPv6.
  o(
    'req -x509 -newkey rsa:2048 -nodes -keyout ssis.key -out ssis.pem -days 365 -sha1',
    ...['-subj', SSIS_SUBJECT, '-addext', SSIS_SAN],
    ...['-addext', 'extendedKeyUsage=serverAuth,clientAuth'],
    ...['-addext', 'keyUsage=critical,digitalSignature,keyEncipherment'],
  );
  o('x509 -in ssis.pem -outform DER -out ssis.cer');
  // OpenSSL 3 default PFX: PBES2/AES-256-CBC/hmacWithSHA256 bags, SHA-256 MAC.
  o('pkcs12 -export -in ssis.pem -inkey ssis.key -out ssis.pfx', ...pass(PASSWORD));
  // Windows "TripleDES-SHA1" style.
  o(
    `pkcs12 -export -in ssis.pem -inkey ssis.key -out ssis-3des.pfx ${tripleDes}`,
    ...pass(PASSWORD),
  );
  o('pkcs12 -export -in ssis.pem -inkey ssis.key -out ssis-unicode.pfx', ...pass(UNICODE_PASSWORD));
  o(
    `pkcs12 -export -in ssis.pem -inkey ssis.key -out ssis-unicode-3des.pfx ${tripleDes}`,
    ...pass(UNICODE_PASSWORD),
  );
  o('pkcs12 -export -in ssis.pem -nokeys -out nokey.pfx', ...pass(PASSWORD));
  o('pkcs12 -export -nocerts -inkey ssis.key -out keyonly.pfx', ...pass(PASSWORD));

  // A CA and a leaf issued by it; the PFX carries the chain.
  o(
    'req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30',
    '-subj',
    '/O=Contoso/CN=Contoso Test Root',
  );
  o(
    'req -new -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj /CN=ssis-master.corp.example',
  );
  t.write(
    'leaf.ext',
    'subjectAltName=DNS:ssis-master.corp.example\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  o(
    'x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem -days 30 -sha256 -extfile leaf.ext',
  );
  o(
    'pkcs12 -export -in leaf.pem -inkey leaf.key -certfile ca.pem -out chain.pfx',
    ...pass(PASSWORD),
  );
  t.write('ca-then-leaf.pem', Buffer.concat([t.read('ca.pem'), t.read('leaf.pem')]));

  // An EC certificate (forge cannot parse EC keys; the loader must not care).
  o(
    'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key -out ec.pem -days 30 -subj /CN=ec.corp.example',
  );
  o('pkcs12 -export -in ec.pem -inkey ec.key -out ec.pfx', ...pass(PASSWORD));

  // Encrypted PEM key, a PKCS#7 bundle, and a legacy (RC2-40) PFX if the legacy provider is present.
  o('pkey -in ssis.key -aes256 -out ssis-enc.key', ...pass(PASSWORD));
  o('crl2pkcs7 -nocrl -certfile ssis.pem -outform DER -out ssis.p7b');
  if (hasLegacyProvider)
    o('pkcs12 -export -legacy -in ssis.pem -inkey ssis.key -out legacy.pfx', ...pass(PASSWORD));
});

afterAll(() => t.remove());

describe('loadCertificate: PEM, DER and PFX agree with openssl', () => {
  it('reports the Windows thumbprint (SHA-1 of the DER, upper-case, no separators) and SHA-256', () => {
    const pem = loadCertificate(t.read('ssis.pem'));
    expect(pem.info.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(pem.info.thumbprint).toBe(opensslFingerprint(t.file('ssis.pem'), 'sha1'));
    expect(pem.info.sha256).toBe(opensslFingerprint(t.file('ssis.pem'), 'sha256'));
    const der = loadCertificate(t.read('ssis.cer'));
    expect(der.format).toBe('der');
    expect(der.info.thumbprint).toBe(pem.info.thumbprint);
    expect(der.der.equals(t.read('ssis.cer'))).toBe(true);
  });

  it('lists every CN of a multi-CN subject, in order, as openssl shows them', () => {
    const { info } = loadCertificate(t.read('ssis.pem'));
    expect(info.commonNames).toEqual(['sqlnode1', 'sqlnode1.corp.example', '10.0.0.5']);
    const shown = opensslText(t.file('ssis.pem')).subject; // "CN = sqlnode1, CN = ..., CN = 10.0.0.5"
    expect(shown.split(', ').map((p) => p.replace(/^CN = /, ''))).toEqual(info.commonNames);
    expect(info.subject).toBe('CN=10.0.0.5, CN=sqlnode1.corp.example, CN=sqlnode1'); // Windows order
    expect(info.issuer).toBe(info.subject);
  });

  it('reads DNS and IP SANs, including IPv6, as openssl does', () => {
    const { info } = loadCertificate(t.read('ssis.pem'));
    expect(info.sanDnsNames).toEqual(['sqlnode1', 'ssis-master.corp.example']);
    expect(info.sanIpAddresses).toEqual(['10.0.0.5', '2001:db8::5']);
    expect(opensslText(t.file('ssis.pem')).san).toBe(
      'DNS:sqlnode1, DNS:ssis-master.corp.example, IP Address:10.0.0.5, IP Address:2001:DB8:0:0:0:0:0:5',
    );
  });

  it('reports validity, usages, self-signature and a SHA-1 warning (not an error)', () => {
    const { info } = loadCertificate(t.read('ssis.pem'));
    const dates = openssl(['x509', '-in', t.file('ssis.pem'), '-noout', '-startdate', '-enddate']);
    const [start, end] = dates
      .trim()
      .split('\n')
      .map((l) => new Date(l.split('=')[1] ?? ''));
    expect(info.notBefore).toBe(start?.toISOString());
    expect(info.notAfter).toBe(end?.toISOString());
    expect(info.validNow).toBe(true);
    expect(info.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(info.extendedKeyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(info).toMatchObject({ serverAuth: true, clientAuth: true, selfSigned: true });
    expect(opensslText(t.file('ssis.pem')).signature).toBe('sha1WithRSAEncryption');
    expect(info.signatureAlgorithm).toEqual({
      oid: '1.2.840.113549.1.1.5',
      name: 'sha1WithRSAEncryption',
      hash: 'sha1',
    });
    expect(info.warnings.map((w) => w.code)).toEqual(['SIGNATURE_SHA1']);
    expect(info.publicKey).toEqual({ algorithm: 'rsa', bits: 2048, curve: null });
    expect(info.serialNumber).toBe(
      openssl(['x509', '-in', t.file('ssis.pem'), '-noout', '-serial'])
        .trim()
        .replace('serial=', '')
        .toUpperCase(),
    );
  });

  it('judges expiry against the given time', () => {
    const later = new Date(Date.now() + 400 * 86_400_000);
    const { info } = loadCertificate(t.read('ssis.pem'), { now: later });
    expect(info.validNow).toBe(false);
    expect(info.warnings.map((w) => w.code)).toContain('EXPIRED');
    const soon = loadCertificate(t.read('ssis.pem'), {
      now: new Date(Date.now() + 350 * 86_400_000),
    });
    expect(soon.info.warnings.map((w) => w.code)).toContain('EXPIRES_SOON');
  });

  it('reads the OpenSSL 3 default PFX (AES-256/SHA-256) with its matching private key', () => {
    const pfx = loadCertificate(t.read('ssis.pfx'), {
      password: PASSWORD,
      requirePrivateKey: true,
    });
    expect(pfx.format).toBe('pfx');
    expect(pfx.info.thumbprint).toBe(opensslFingerprint(t.file('ssis.pem'), 'sha1'));
    expect(pfx.info).toMatchObject({ hasPrivateKey: true, privateKeyMatches: true });
    expect(pfx.privateKey?.asymmetricKeyType).toBe('rsa');
  });

  it('reads a 3DES/SHA-1 PFX (Windows "TripleDES-SHA1" export)', () => {
    const pfx = loadCertificate(t.read('ssis-3des.pfx'), {
      password: PASSWORD,
      requirePrivateKey: true,
    });
    expect(pfx.info.privateKeyMatches).toBe(true);
  });

  it('reads PFX files whose password has quotes, a backslash, non-ASCII and astral characters', () => {
    for (const name of ['ssis-unicode.pfx', 'ssis-unicode-3des.pfx']) {
      const pfx = loadCertificate(t.read(name), {
        password: UNICODE_PASSWORD,
        requirePrivateKey: true,
      });
      expect(pfx.info.privateKeyMatches).toBe(true);
    }
  });

  it.skipIf(!hasLegacyProvider)(
    'reads a legacy RC2-40 PFX that OpenSSL 3 only reads with -legacy',
    () => {
      const plain = opensslResult([
        'pkcs12',
        '-in',
        t.file('legacy.pfx'),
        '-passin',
        `pass:${PASSWORD}`,
        '-nodes',
      ]);
      expect(plain.ok).toBe(false);
      expect(plain.stderr).toMatch(/RC2|unsupported/i);
      const pfx = loadCertificate(t.read('legacy.pfx'), {
        password: PASSWORD,
        requirePrivateKey: true,
      });
      expect(pfx.info.thumbprint).toBe(opensslFingerprint(t.file('ssis.pem'), 'sha1'));
    },
  );

  it('picks the leaf that has the private key from a PFX holding a chain', () => {
    const pfx = loadCertificate(t.read('chain.pfx'), {
      password: PASSWORD,
      requirePrivateKey: true,
    });
    expect(pfx.info.commonNames).toEqual(['ssis-master.corp.example']);
    expect(pfx.info.thumbprint).toBe(opensslFingerprint(t.file('leaf.pem'), 'sha1'));
    expect(pfx.info).toMatchObject({
      selfSigned: false,
      issuer: 'CN=Contoso Test Root, O=Contoso',
      privateKeyMatches: true,
    });
    expect(pfx.chain.map((c) => c.info.thumbprint)).toEqual([
      opensslFingerprint(t.file('ca.pem'), 'sha1'),
    ]);
    expect(pfx.chain[0]?.info).toMatchObject({ isCa: true, selfSigned: true });
  });

  it('without a key, takes the end-entity certificate of a PEM bundle whatever the order', () => {
    const bundle = loadCertificate(t.read('ca-then-leaf.pem'));
    expect(bundle.info.commonNames).toEqual(['ssis-master.corp.example']);
    expect(bundle.info.hasPrivateKey).toBe(false);
    expect(bundle.chain).toHaveLength(1);
    const withKey = loadCertificate(t.read('ca-then-leaf.pem'), {
      privateKey: t.read('leaf.key'),
      requirePrivateKey: true,
    });
    expect(withKey.info.privateKeyMatches).toBe(true);
  });

  it('loads EC certificates and keys (forge alone cannot)', () => {
    const pfx = loadCertificate(t.read('ec.pfx'), { password: PASSWORD, requirePrivateKey: true });
    expect(pfx.info.publicKey).toEqual({ algorithm: 'ec', bits: 256, curve: 'prime256v1' });
    expect(pfx.info.signatureAlgorithm.name).toBe('ecdsa-with-SHA256');
    expect(pfx.info.thumbprint).toBe(opensslFingerprint(t.file('ec.pem'), 'sha1'));
  });

  it('accepts PEM with an encrypted private key and its passphrase', () => {
    const pem = Buffer.concat([t.read('ssis.pem'), t.read('ssis-enc.key')]);
    const loaded = loadCertificate(pem, { password: PASSWORD, requirePrivateKey: true });
    expect(loaded.info.privateKeyMatches).toBe(true);
    expectCode(pem, { password: 'wrong' }, 'KEY_UNREADABLE');
  });
});

describe('loadCertificate: errors a DBA can act on', () => {
  it('a wrong PFX password gives PFX_BAD_PASSWORD, names the file, and never echoes the password', () => {
    const wrong = `Wrong'"${UNICODE_PASSWORD}`;
    const e = expectCode(
      t.read('ssis.pfx'),
      { password: wrong, label: 'SSISScaleOutMaster.pfx' },
      'PFX_BAD_PASSWORD',
    );
    expect(e.message).toContain("'SSISScaleOutMaster.pfx'");
    for (const text of [e.message, String(e), JSON.stringify(e), e.stack ?? '']) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(PASSWORD);
    }
    expectCode(t.read('ssis-3des.pfx'), { password: 'nope' }, 'PFX_BAD_PASSWORD');
    expectCode(
      t.read('ssis-unicode.pfx'),
      { password: UNICODE_PASSWORD.normalize('NFD') },
      'PFX_BAD_PASSWORD',
    );
  });

  it('a PFX without a password gives PFX_PASSWORD_REQUIRED', () => {
    expectCode(t.read('ssis.pfx'), { label: 'x.pfx' }, 'PFX_PASSWORD_REQUIRED');
  });

  it('a truncated PFX is CERT_UNREADABLE; a PFX damaged inside fails its integrity check', () => {
    const pfx = t.read('ssis.pfx');
    const e = expectCode(
      pfx.subarray(0, Math.floor(pfx.length / 2)),
      { password: PASSWORD, label: 'primary.pfx' },
      'CERT_UNREADABLE',
    );
    expect(e.message).toMatch(/primary\.pfx.*damaged or truncated/s);
    const flipped = Buffer.from(pfx);
    const at = pfx.length - 100; // inside the encrypted key bag, before the MAC data
    flipped[at] = (flipped[at] ?? 0) ^ 0xff;
    const damaged = expectCode(flipped, { password: PASSWORD }, 'PFX_BAD_PASSWORD');
    expect(damaged.message).toContain('damaged');
  });

  it('random bytes, empty input and text are CERT_UNREADABLE', () => {
    expectCode(Buffer.from('this is not a certificate at all'), {}, 'CERT_UNREADABLE');
    expectCode(Buffer.alloc(0), {}, 'CERT_UNREADABLE');
    expectCode(Buffer.from([0x30, 0x82, 0x05, 0x00, 0x01]), {}, 'CERT_UNREADABLE');
    expectCode(
      '-----BEGIN CERTIFICATE-----\nnot base64 at all!!\n-----END CERTIFICATE-----\n',
      {},
      'CERT_UNREADABLE',
    );
  });

  it('a 50 MB upload is refused quickly with a clear error, not parsed for minutes', () => {
    const started = Date.now();
    const big = Buffer.alloc(50 * 1024 * 1024, 0x41);
    const e = expectCode(big, { password: PASSWORD, label: 'huge.pfx' }, 'CERT_UNREADABLE');
    expect(e.message).toContain('huge.pfx');
    // Not a timed assertion of speed, a guard against hanging: minutes would mean a parse of 50 MB.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a DER certificate renamed .pfx is read as the certificate it is, without a key', () => {
    const der = t.read('ssis.cer');
    const loaded = loadCertificate(der, { password: PASSWORD, label: 'renamed.pfx' });
    expect(loaded.format).toBe('der');
    expect(loaded.privateKey).toBeNull();
    const e = expectCode(der, { password: PASSWORD, label: 'renamed.pfx', requirePrivateKey: true }, 'PFX_NO_KEY');
    expect(e.message).toContain('renamed.pfx');
  });

  it('a PKCS#7 bundle or a key-only file is CERT_UNSUPPORTED_FORMAT, with advice', () => {
    const e = expectCode(t.read('ssis.p7b'), { label: 'bundle.p7b' }, 'CERT_UNSUPPORTED_FORMAT');
    expect(e.message).toMatch(/PKCS#7/);
    expectCode(t.read('leaf.key'), {}, 'CERT_UNSUPPORTED_FORMAT');
    expectCode(t.read('leaf.csr'), {}, 'CERT_UNSUPPORTED_FORMAT');
  });

  it('a PFX without a private key loads, but fails with PFX_NO_KEY when a key is required', () => {
    const loaded = loadCertificate(t.read('nokey.pfx'), { password: PASSWORD });
    expect(loaded.info).toMatchObject({ hasPrivateKey: false, privateKeyMatches: null });
    expect(loaded.privateKey).toBeNull();
    const e = expectCode(
      t.read('nokey.pfx'),
      { password: PASSWORD, requirePrivateKey: true, label: 'secondary.pfx' },
      'PFX_NO_KEY',
    );
    expect(e.message).toContain('export the private key');
  });

  it('a PFX holding only a key gives PFX_NO_CERTIFICATE', () => {
    expectCode(t.read('keyonly.pfx'), { password: PASSWORD }, 'PFX_NO_CERTIFICATE');
  });

  it('a key that belongs to another certificate is reported, not handed out, and fails when required', () => {
    const loaded = loadCertificate(t.read('ssis.pem'), { privateKey: t.read('leaf.key') });
    expect(loaded.info).toMatchObject({ hasPrivateKey: true, privateKeyMatches: false });
    expect(loaded.info.warnings.map((w) => w.code)).toContain('KEY_MISMATCH');
    expect(loaded.privateKey).toBeNull();
    expectCode(
      t.read('ssis.pem'),
      { privateKey: t.read('leaf.key'), requirePrivateKey: true },
      'KEY_MISMATCH',
    );
  });
});
