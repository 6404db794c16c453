import fs from 'node:fs';
import path from 'node:path';
import { createLabCa, issueLabCertificate } from '@/lib/certs/generate';

export type LabCa = { certificatePem: string; privateKeyPem: string; certPath: string };
export type HostTls = { cert: string; key: string };

/** The lab CA of a state folder: made once, kept, so a user who trusts it keeps trusting it. */
export async function loadOrCreateLabCa(stateDir: string): Promise<LabCa> {
  const certPath = path.join(stateDir, 'lab-ca.pem');
  const keyPath = path.join(stateDir, 'lab-ca.key');
  if (fs.existsSync(certPath) && fs.existsSync(keyPath)) {
    return { certificatePem: fs.readFileSync(certPath, 'utf8'), privateKeyPem: fs.readFileSync(keyPath, 'utf8'), certPath };
  }
  const ca = await createLabCa({ commonName: 'SSIS Scale Out HA wizard lab CA' });
  fs.writeFileSync(keyPath, ca.privateKeyPem, { mode: 0o600 });
  fs.writeFileSync(certPath, ca.certificatePem);
  return { certificatePem: ca.certificatePem, privateKeyPem: ca.privateKeyPem, certPath };
}

/**
 * A TLS certificate for one simulated host: its short name and FQDN, as a real server's would be,
 * plus 127.0.0.1, where every lab host listens, so clients that check the address they dialled
 * (FreeTDS with GnuTLS does, given -H 127.0.0.1) can verify the chain too.
 */
export async function issueHostTls(ca: LabCa, names: string[]): Promise<HostTls> {
  const leaf = await issueLabCertificate(ca, { dnsNames: names, ipAddresses: ['127.0.0.1'], commonName: names[0] });
  return { cert: leaf.certificatePem, key: leaf.privateKeyPem };
}
