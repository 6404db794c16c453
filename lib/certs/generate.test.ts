// Generated certificates and PFX files, checked by openssl and by a real TLS handshake.
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CertError } from './errors';
import {
  createLabCa,
  generateMasterCertificate,
  generateSelfSignedCertificate,
  issueLabCertificate,
  type GeneratedCertificate,
} from './generate';
import { covers } from './hostnames';
import { loadCertificate } from './load';
import {
  openssl,
  opensslFingerprint,
  opensslResult,
  opensslText,
  tempDir,
  type TempDir,
} from './openssl.test-helper';
import { writePfx } from './pfx';

const MASTER = 'ssis-master.corp.example';
const UNICODE_PASSWORD = `pä"ss'wörd €😀 \\ $HOME`;

let t: TempDir;
let master: GeneratedCertificate;
let ca: GeneratedCertificate;
let leaf: GeneratedCertificate;
let sha1: GeneratedCertificate;

beforeAll(async () => {
  t = tempDir();
  // One key per certificate, generated once for the whole file (node:crypto, native).
  [master, ca, sha1] = await Promise.all([
    generateMasterCertificate({
      masterDnsName: MASTER,
      additionalNames: [
        'SQLNODE1',
        'sqlnode1.corp.example',
        '10.0.0.5',
        'SQLNODE2',
        'sqlnode2.corp.example',
        '10.0.0.6',
        'fd00::6',
        'sqlnode1',
        'SSIS-MASTER.corp.example',
      ],
      validityDays: 730,
    }),
    createLabCa(),
    generateSelfSignedCertificate({
      names: ['SQLNODE1', 'ssis.bücher.example'],
      signatureHash: 'sha1',
      validityDays: 365,
    }),
  ]);
  leaf = await issueLabCertificate(ca, {
    dnsNames: ['sqlnode1.lab.test', 'localhost'],
    ipAddresses: ['127.0.0.1', '::1'],
  });
  t.write('master.pem', master.certificatePem);
  t.write('master.cer', master.certificateDer);
  t.write('ca.pem', ca.certificatePem);
  t.write('leaf.pem', leaf.certificatePem);
});

afterAll(() => t.remove());

describe('generateMasterCertificate', () => {
  it('writes the master name first, then every node name, FQDN and IP as separate CNs (deduplicated)', () => {
    expect(master.info.commonNames).toEqual([
      MASTER,
      'SQLNODE1',
      'sqlnode1.corp.example',
      '10.0.0.5',
      'SQLNODE2',
      'sqlnode2.corp.example',
      '10.0.0.6',
      'fd00::6',
    ]);
    const subject = opensslText(t.file('master.pem')).subject;
    expect(subject).toBe(master.info.commonNames.map((n) => `CN = ${n}`).join(', '));
  });

  it('also writes them as DNS and IP SANs that openssl reads back', () => {
    expect(master.info.sanDnsNames).toEqual([
      MASTER,
      'SQLNODE1',
      'sqlnode1.corp.example',
      'SQLNODE2',
      'sqlnode2.corp.example',
    ]);
    expect(master.info.sanIpAddresses).toEqual(['10.0.0.5', '10.0.0.6', 'fd00::6']);
    expect(opensslText(t.file('master.pem')).san).toBe(
      `DNS:${MASTER}, DNS:SQLNODE1, DNS:sqlnode1.corp.example, IP Address:10.0.0.5, ` +
        'DNS:SQLNODE2, DNS:sqlnode2.corp.example, IP Address:10.0.0.6, IP Address:FD00:0:0:0:0:0:0:6',
    );
  });

  it('is RSA 2048, SHA-256, server+client auth, self-signed, with the thumbprint openssl computes', () => {
    const text = opensslText(t.file('master.pem'));
    expect(text.signature).toBe('sha256WithRSAEncryption');
    expect(text.text).toContain('Public-Key: (2048 bit)');
    expect(text.eku).toBe('TLS Web Server Authentication, TLS Web Client Authentication');
    expect(master.info).toMatchObject({
      serverAuth: true,
      clientAuth: true,
      selfSigned: true,
      isCa: false,
      hasPrivateKey: true,
      privateKeyMatches: true,
      warnings: [],
      keyUsage: ['digitalSignature', 'keyEncipherment'],
    });
    expect(master.info.thumbprint).toBe(opensslFingerprint(t.file('master.pem'), 'sha1'));
    expect(opensslFingerprint(t.file('master.cer'), 'sha1', 'DER')).toBe(master.info.thumbprint);
    expect(covers(master.info, MASTER)).toMatchObject({ covered: true, source: 'san-dns' });
    expect(covers(master.info, 'fd00:0::6')).toMatchObject({ covered: true, source: 'san-ip' });
  });

  it('honours the validity period', () => {
    const days =
      (Date.parse(master.info.notAfter) - Date.parse(master.info.notBefore)) / 86_400_000;
    expect(days).toBe(730);
    const end =
      openssl(['x509', '-in', t.file('master.pem'), '-noout', '-enddate'])
        .trim()
        .split('=')[1] ?? '';
    expect(new Date(end).toISOString()).toBe(master.info.notAfter);
    expect(Date.parse(master.info.notBefore)).toBeLessThan(Date.now());
  });

  it('writes an internationalised name as its A-label (dNSName is IA5String)', () => {
    expect(sha1.info.commonNames).toEqual(['SQLNODE1', 'ssis.xn--bcher-kva.example']);
    expect(sha1.info.sanDnsNames).toEqual(['SQLNODE1', 'ssis.xn--bcher-kva.example']);
    expect(covers(sha1.info, 'SSIS.BÜCHER.example')).toMatchObject({
      covered: true,
      source: 'san-dns',
    });
  });

  it('rejects names that cannot go into a certificate before generating a key', async () => {
    await expect(generateMasterCertificate({ masterDnsName: '10.0.0.5' })).rejects.toMatchObject({
      code: 'INVALID_NAME',
    });
    await expect(
      generateMasterCertificate({ masterDnsName: MASTER, additionalNames: ['bad name!'] }),
    ).rejects.toThrow(/bad name!/);
    await expect(generateSelfSignedCertificate({ names: [] })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
    await expect(
      generateSelfSignedCertificate({ names: ['a.example'], validityDays: 0 }),
    ).rejects.toBeInstanceOf(CertError);
  });

  it('can reproduce an SSIS-setup style SHA-1 certificate, which is flagged as a warning', () => {
    t.write('sha1.pem', sha1.certificatePem);
    expect(opensslText(t.file('sha1.pem')).signature).toBe('sha1WithRSAEncryption');
    expect(sha1.info.signatureAlgorithm.name).toBe('sha1WithRSAEncryption');
    expect(sha1.info.warnings.map((w) => w.code)).toEqual(['SIGNATURE_SHA1']);
    expect(sha1.info.selfSigned).toBe(true);
  });
});

describe('exportPfx', () => {
  const cases = [
    {
      encryption: 'aes256',
      password: 'Plain-Pass-1',
      keybag: 'PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256',
      mac: 'MAC: sha256',
    },
    {
      encryption: 'aes256',
      password: UNICODE_PASSWORD,
      keybag: 'PBES2, PBKDF2, AES-256-CBC',
      mac: 'MAC: sha256',
    },
    {
      encryption: '3des',
      password: 'Plain-Pass-1',
      keybag: 'pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048',
      mac: 'MAC: sha1',
    },
    {
      encryption: '3des',
      password: UNICODE_PASSWORD,
      keybag: 'pbeWithSHA1And3-KeyTripleDES-CBC',
      mac: 'MAC: sha1',
    },
  ] as const;

  it.each(cases)(
    '$encryption PFX (password $password) is read by openssl pkcs12 without -legacy',
    ({ encryption, password, keybag, mac }) => {
      const pfx = writePfx({
        certificate: master.certificateDer,
        privateKey: master.privateKey,
        password,
        encryption,
        friendlyName: 'SSISScaleOutMaster',
      });
      const file = t.write(`master-${encryption}.pfx`, pfx);
      const info = openssl(
        ['pkcs12', '-in', file, '-passin', `pass:${password}`, '-info', '-nodes'],
        { stderr: true },
      );
      expect(info).toContain(mac);
      expect(info).toContain(`Shrouded Keybag: ${keybag}`);
      expect(info).toContain('friendlyName: SSISScaleOutMaster');
      // The certificate openssl extracts is ours, and so is the key.
      const certOut = t.write(
        `out-${encryption}.pem`,
        openssl(['pkcs12', '-in', file, '-passin', `pass:${password}`, '-nokeys', '-clcerts']),
      );
      expect(opensslFingerprint(certOut, 'sha1')).toBe(master.info.thumbprint);
      const keyPub = openssl(['pkey', '-pubout'], {
        input: openssl([
          'pkcs12',
          '-in',
          file,
          '-passin',
          `pass:${password}`,
          '-nocerts',
          '-nodes',
        ]),
      });
      expect(keyPub).toBe(openssl(['x509', '-in', t.file('master.pem'), '-noout', '-pubkey']));
      // And a wrong password is refused by openssl too.
      expect(opensslResult(['pkcs12', '-in', file, '-passin', 'pass:wrong', '-nodes']).ok).toBe(
        false,
      );
    },
  );

  it('round-trips through loadCertificate with the chain and the key', () => {
    const pfx = writePfx({
      certificate: leaf.certificateDer,
      privateKey: leaf.privateKey,
      chain: [ca.certificateDer],
      password: UNICODE_PASSWORD,
    });
    const loaded = loadCertificate(pfx, { password: UNICODE_PASSWORD, requirePrivateKey: true });
    expect(loaded.info.thumbprint).toBe(leaf.info.thumbprint);
    expect(loaded.chain.map((c) => c.info.thumbprint)).toEqual([ca.info.thumbprint]);
    expect(loaded.info.privateKeyMatches).toBe(true);
    expect(() => loadCertificate(pfx, { password: 'wrong' })).toThrow(
      expect.objectContaining({ code: 'PFX_BAD_PASSWORD' }),
    );
  });

  it('refuses an empty password', () => {
    expect(() =>
      writePfx({ certificate: master.certificateDer, privateKey: master.privateKey, password: '' }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});

describe('lab CA', () => {
  it('issues leaves that openssl verifies as TLS server certificates', () => {
    expect(ca.info).toMatchObject({ isCa: true, selfSigned: true });
    expect(leaf.info).toMatchObject({
      selfSigned: false,
      issuer: ca.info.subject,
      serverAuth: true,
      clientAuth: false,
    });
    expect(leaf.info.sanIpAddresses).toEqual(['127.0.0.1', '::1']);
    const out = openssl([
      'verify',
      '-CAfile',
      t.file('ca.pem'),
      '-purpose',
      'sslserver',
      t.file('leaf.pem'),
    ]);
    expect(out.trim()).toBe(`${t.file('leaf.pem')}: OK`);
    expect(opensslResult(['verify', '-CAfile', t.file('master.pem'), t.file('leaf.pem')]).ok).toBe(
      false,
    );
  });

  it('refuses CA material whose key does not belong to the certificate', async () => {
    await expect(
      issueLabCertificate(
        { certificatePem: ca.certificatePem, privateKeyPem: master.privateKeyPem },
        { dnsNames: ['x.lab.test'] },
      ),
    ).rejects.toMatchObject({ code: 'KEY_MISMATCH' });
  });

  async function handshake(
    server: GeneratedCertificate,
    trust: string,
    servername: string,
  ): Promise<string | null> {
    const srv = tls.createServer({ key: server.privateKeyPem, cert: server.certificatePem }, (s) =>
      s.end(),
    );
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const { port } = srv.address() as AddressInfo;
    try {
      return await new Promise<string | null>((resolve) => {
        const c = tls.connect({ host: '127.0.0.1', port, servername, ca: [trust] }, () => {
          c.end();
          resolve(null);
        });
        c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
    } finally {
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    }
  }

  it('gives a simulated host a certificate a TLS client accepts for its name only', async () => {
    expect(await handshake(leaf, ca.certificatePem, 'sqlnode1.lab.test')).toBeNull();
    expect(await handshake(leaf, ca.certificatePem, 'sqlnode2.lab.test')).toBe(
      'ERR_TLS_CERT_ALTNAME_INVALID',
    );
    expect(await handshake(leaf, master.certificatePem, 'sqlnode1.lab.test')).toBe(
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    );
  });

  it('the self-signed master certificate works as its own trust anchor, as in LocalMachine\\Root', async () => {
    expect(await handshake(master, master.certificatePem, MASTER)).toBeNull();
  });
});
