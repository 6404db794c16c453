// LocalMachine certificate stores: import (.cer, PFX), export (PFX), and New-SelfSignedCertificate,
// with the errors the Windows PKI cmdlets give. Parsing and PFX work go through lib/certs.

import { X509Certificate, createPrivateKey } from 'node:crypto';

import { isCertError } from '@/lib/certs/errors';
import { generateSelfSignedCertificate } from '@/lib/certs/generate';
import { loadCertificate } from '@/lib/certs/load';
import { writePfx } from '@/lib/certs/pfx';

import { WinError } from './errors';
import type { WindowsStore } from './store';

/** LocalMachine stores a Windows Server has; any of them can be addressed. */
export const LOCAL_MACHINE_STORES = [
  'AuthRoot', 'CA', 'ClusterStore', 'Disallowed', 'FlightRoot', 'Homegroup Machine Certificates', 'My', 'REQUEST', 'Remote Desktop', 'Root',
  'SmartCardRoot', 'Trust', 'TrustedDevices', 'TrustedPeople', 'TrustedPublisher', 'Windows Live ID Token Issuer', 'WebHosting',
] as const;

export function canonicalStore(name: string): string | undefined {
  return LOCAL_MACHINE_STORES.find((s) => s.toLowerCase() === name.toLowerCase());
}

const PKI = 'Microsoft.CertificateServices.Commands';
const crypto = (message: string, command: string, code?: number): WinError =>
  new WinError(message, {
    id: `System.Security.Cryptography.CryptographicException,${PKI}.${command}`,
    exception: 'CryptographicException',
    ...(code === undefined ? {} : { code }),
  });

/** Import-Certificate: a DER or Base64 .cer (or .p7b's first certificate) into a store. */
export function importCertificate(store: WindowsStore, host: string, storeName: string, file: Buffer): string[] {
  let der: Buffer;
  try {
    der = loadCertificate(file).der;
  } catch {
    throw crypto('Cannot find the requested object.', 'ImportCertificateCommand', 0x80092004 | 0);
  }
  return [store.putCertificate(host, storeName, { der })];
}

/** Import-PfxCertificate: every certificate of the file; the key goes with the leaf. */
export function importPfx(store: WindowsStore, host: string, storeName: string, file: Buffer, password: string | undefined, exportable: boolean): string[] {
  let loaded;
  try {
    loaded = loadCertificate(file, { password });
  } catch (e) {
    if (isCertError(e, 'PFX_BAD_PASSWORD') || isCertError(e, 'PFX_PASSWORD_REQUIRED')) {
      throw crypto(
        'The PFX file you are trying to import requires either a different password or membership in an Active Directory principal to which it is protected.',
        'ImportPfxCertificateCommand',
        0x80092002 | 0,
      );
    }
    throw crypto('The data is invalid.', 'ImportPfxCertificateCommand', 13);
  }
  if (loaded.format !== 'pfx') throw crypto('The data is invalid.', 'ImportPfxCertificateCommand', 13);
  const keyPem = loaded.privateKey ? loaded.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() : null;
  return store.tx(() => [
    store.putCertificate(host, storeName, { der: loaded.der, privateKeyPem: keyPem, exportable }),
    ...loaded.chain.map((c) => store.putCertificate(host, storeName, { der: c.der })),
  ]);
}

function requireCert(store: WindowsStore, host: string, storeName: string, thumbprint: string, command: string) {
  const c = store.certificate(host, storeName, thumbprint);
  if (!c) {
    throw new WinError(`Cannot find path 'Cert:\\LocalMachine\\${storeName}\\${thumbprint}' because it does not exist.`, {
      id: `PathNotFound,${PKI}.${command}`,
      category: 'ObjectNotFound',
      exception: 'ItemNotFoundException',
    });
  }
  return c;
}

/** Export-PfxCertificate: needs the private key, and an exportable one. */
export function exportPfx(
  store: WindowsStore,
  host: string,
  storeName: string,
  thumbprint: string,
  password: string,
  algorithm: 'TripleDES_SHA1' | 'AES256_SHA256',
): Buffer {
  const cmd = 'ExportPfxCertificateCommand';
  const c = requireCert(store, host, storeName, thumbprint, cmd);
  if (!c.privateKeyPem) throw crypto('Cannot find the certificate and private key for decryption.', cmd, 0x8009200c | 0);
  if (!c.exportable) throw crypto('Cannot export non-exportable private key.', cmd, 0x8009000b | 0);
  return writePfx({
    certificate: Buffer.from(c.der, 'base64'),
    privateKey: createPrivateKey(c.privateKeyPem),
    password,
    encryption: algorithm === 'AES256_SHA256' ? 'aes256' : '3des',
    ...(c.friendlyName ? { friendlyName: c.friendlyName } : {}),
  });
}

export interface NewSelfSignedInput {
  dnsName?: string[];
  subject?: string;
  notAfter?: string;
  friendlyName?: string;
  exportable: boolean;
  hashAlgorithm?: string;
}

/**
 * New-SelfSignedCertificate. lib/certs writes every name as a CN and a SAN (as SSIS setup does);
 * with -Subject the subject's CN comes first.
 */
export async function newSelfSigned(store: WindowsStore, host: string, storeName: string, input: NewSelfSignedInput): Promise<string> {
  const fromSubject = input.subject ? [...input.subject.matchAll(/CN=([^,;]+)/gi)].map((m) => (m[1] ?? '').trim()) : [];
  const names = [...new Set([...fromSubject, ...(input.dnsName ?? [])].filter((n) => n !== ''))];
  if (names.length === 0) {
    throw new WinError('CertEnroll::CX509Enrollment::_CreateRequest: The subject name is empty. 0x80094001', {
      id: 'System.Exception,Microsoft.CertificateServices.Commands.NewSelfSignedCertificateCommand',
    });
  }
  const notBefore = new Date(Date.now() - 10 * 60_000);
  const validityDays = input.notAfter ? Math.max(1, Math.round((Date.parse(input.notAfter) - notBefore.getTime()) / 86_400_000)) : 365;
  const g = await generateSelfSignedCertificate({
    names,
    notBefore,
    validityDays,
    signatureHash: input.hashAlgorithm?.toLowerCase() === 'sha1' ? 'sha1' : 'sha256',
  });
  return store.putCertificate(host, storeName, {
    der: g.certificateDer,
    privateKeyPem: g.privateKeyPem,
    exportable: input.exportable,
    friendlyName: input.friendlyName ?? '',
  });
}

/** The subject as Windows prints it: most specific RDN first, ", " between. */
export function subjectOf(derBase64: string): string {
  return new X509Certificate(Buffer.from(derBase64, 'base64')).subject.split('\n').reverse().join(', ');
}
