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

/** A TLS certificate for one simulated host: its short name and FQDN, as a real server's would be. */
export async function issueHostTls(ca: LabCa, names: string[]): Promise<HostTls> {
  const leaf = await issueLabCertificate(ca, { dnsNames: names, commonName: names[0] });
  return { cert: leaf.certificatePem, key: leaf.privateKeyPem };
}
