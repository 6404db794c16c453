import { createLabCa, issueLabCertificate } from '@/lib/certs';

export interface TestPki {
  caPem: string;
  /** Server certificate for sqlnode1.lab.local (+ SQLNODE1), signed by the CA. */
  server: { cert: string; key: string; thumbprint: string };
  /** A certificate from another CA, for "untrusted" tests. */
  otherCaPem: string;
}

let cached: Promise<TestPki> | undefined;

/** One lab CA and server certificate per test file (RSA key generation is slow). */
export function testPki(): Promise<TestPki> {
  cached ??= (async () => {
    const ca = await createLabCa({ commonName: 'WinRM Test CA' });
    const leaf = await issueLabCertificate(
      { certificatePem: ca.certificatePem, privateKeyPem: ca.privateKeyPem },
      { dnsNames: ['sqlnode1.lab.local', 'SQLNODE1'] },
    );
    const other = await createLabCa({ commonName: 'Some Other CA' });
    return {
      caPem: ca.certificatePem,
      server: {
        cert: leaf.certificatePem,
        key: leaf.privateKeyPem,
        thumbprint: leaf.info.thumbprint,
      },
      otherCaPem: other.certificatePem,
    };
  })();
  return cached;
}
