// Certificate generation: the self-signed Scale Out master certificate as SSIS setup makes it,
// and a small lab CA that gives each simulated host a TLS certificate for its name.
// forge builds the certificate; node:crypto makes the keys and signs (forge's pure-JS RSA takes
// seconds to generate a 2048-bit key and ~100 ms to sign).
import 'server-only';

import {
  X509Certificate,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';

import forge from 'node-forge';

import { certError } from './errors';
import { normalizeDnsName } from './hostnames';
import { formatIp, parseIp } from './ip';
import { OID, inspectCertificate } from './x509';
import type { CertificateInfo } from './types';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface GeneratedCertificate {
  certificatePem: string;
  /** DER: the bytes of a Windows .cer file ("DER encoded binary X.509"). */
  certificateDer: Buffer;
  /** Unencrypted PKCS#8 PEM. A secret: store it encrypted, never send it to the browser. */
  privateKeyPem: string;
  privateKey: KeyObject;
  info: CertificateInfo;
}

export type SignatureHash = 'sha256' | 'sha1';

export interface SelfSignedOptions {
  /**
   * Host names and IP addresses. Each becomes a CN (one attribute per name, in this order, as
   * SSIS setup writes "CN=host1;CN=host1.fqdn;CN=10.0.0.5") and a SAN (DNS or IP).
   */
  names: string[];
  /** Days from notBefore to notAfter. Default 1825 (5 years): renewing means touching every worker. */
  validityDays?: number;
  /** Default: one hour ago, so clocks a little behind on other nodes still accept it. */
  notBefore?: Date;
  /** Default sha256. 'sha1' reproduces what SSIS setup and its documented PowerShell make. */
  signatureHash?: SignatureHash;
  keyBits?: 2048 | 3072 | 4096;
}

export interface MasterCertificateOptions extends Omit<SelfSignedOptions, 'names'> {
  /** The master endpoint host name (the cluster role's client access point). Always the first CN. */
  masterDnsName: string;
  /** Node names, FQDNs and IPs that should also be covered. */
  additionalNames?: string[];
}

export interface LabCaOptions {
  commonName?: string;
  validityDays?: number;
  notBefore?: Date;
}

export interface LabLeafOptions {
  dnsNames: string[];
  ipAddresses?: string[];
  /** Default: the first DNS name (or IP). */
  commonName?: string;
  validityDays?: number;
  notBefore?: Date;
  /** Also allow use as a TLS client certificate. */
  clientAuth?: boolean;
}

export interface CaMaterial {
  certificatePem: string;
  privateKeyPem: string;
}

const DEFAULT_VALIDITY_DAYS = 1825;
const DAY_MS = 86_400_000;

interface SubjectName {
  text: string;
  kind: 'dns' | 'ip';
  ipBytes?: Uint8Array;
}

/** Validate and de-duplicate (case-insensitively, IPs by value) keeping the first spelling. */
function checkNames(names: string[], field: string): SubjectName[] {
  const seen = new Set<string>();
  const out: SubjectName[] = [];
  for (const raw of names) {
    const trimmed = raw.trim().replace(/\.$/, '');
    const ip = parseIp(trimmed);
    if (ip !== null) {
      const text = formatIp(ip);
      if (!seen.has(text)) out.push({ text, kind: 'ip', ipBytes: ip });
      seen.add(text);
      continue;
    }
    const dns = normalizeDnsName(trimmed);
    if (dns === null) {
      throw certError('INVALID_NAME', { subject: `${field}: '${raw}'`, label: field });
    }
    // dNSName is IA5String: an IDN goes in as its A-label (xn--...); ASCII keeps the caller's case.
    if (!seen.has(dns))
      out.push({ text: /^[\x21-\x7e]+$/.test(trimmed) ? trimmed : dns, kind: 'dns' });
    seen.add(dns);
  }
  if (out.length === 0)
    throw certError('INVALID_OPTION', { subject: `${field} (empty)`, label: field });
  return out;
}

function validity(
  options: { validityDays?: number; notBefore?: Date },
  defaultDays: number,
): { notBefore: Date; notAfter: Date } {
  const days = options.validityDays ?? defaultDays;
  if (!Number.isFinite(days) || days <= 0 || days > 36_500) {
    throw certError('INVALID_OPTION', {
      subject: `A validity of ${days} days`,
      detail: 'use 1 to 36500 days',
    });
  }
  const notBefore = new Date(options.notBefore?.getTime() ?? Date.now() - 3_600_000);
  notBefore.setUTCMilliseconds(0); // X.509 times have whole seconds
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * DAY_MS) };
}

async function newRsaKey(
  bits: number,
): Promise<{ key: KeyObject; publicKey: forge.pki.rsa.PublicKey }> {
  const { privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: bits,
    publicExponent: 0x10001,
  });
  return { key: privateKey, publicKey: forgePublicKey(privateKey) };
}

function forgePublicKey(key: KeyObject): forge.pki.rsa.PublicKey {
  const pem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  return forge.pki.publicKeyFromPem(pem);
}

function serialNumber(): string {
  const b = randomBytes(16);
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x40; // positive, and no leading zero byte to strip
  return b.toString('hex');
}

// @types/node-forge types valueTagClass as asn1.Class; forge means the value's universal tag.
const UTF8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;

function cnAttributes(names: string[]): forge.pki.CertificateField[] {
  return names.map((value) => ({
    type: OID.commonName,
    shortName: 'CN',
    value,
    valueTagClass: UTF8,
  }));
}

type AltName = { type: 2; value: string } | { type: 7; value: string };

function altNames(names: SubjectName[]): AltName[] {
  return names.map((n) =>
    n.kind === 'ip' && n.ipBytes
      ? { type: 7, value: Buffer.from(n.ipBytes).toString('latin1') }
      : { type: 2, value: n.text },
  );
}

// Exported by forge (pki.getTBSCertificate) but missing from @types/node-forge.
const getTBSCertificate = (cert: forge.pki.Certificate): forge.asn1.Asn1 =>
  (
    forge.pki as unknown as { getTBSCertificate: (c: forge.pki.Certificate) => forge.asn1.Asn1 }
  ).getTBSCertificate(cert);

const SIGNATURE_OIDS: Record<SignatureHash, string> = {
  sha256: '1.2.840.113549.1.1.11',
  sha1: '1.2.840.113549.1.1.5',
};

/** Sign with node:crypto (what forge's cert.sign does, minus the pure-JS RSA). */
function finish(
  cert: forge.pki.Certificate,
  signer: KeyObject,
  hash: SignatureHash,
  key: KeyObject,
): GeneratedCertificate {
  if (signer.asymmetricKeyType !== 'rsa')
    throw certError('KEY_UNSUPPORTED', { subject: 'The signing key' });
  cert.signatureOid = SIGNATURE_OIDS[hash];
  cert.siginfo.algorithmOid = SIGNATURE_OIDS[hash];
  const tbs = forge.asn1.toDer(getTBSCertificate(cert)).getBytes();
  cert.signature = sign(hash, Buffer.from(tbs, 'latin1'), signer).toString('latin1');
  const certificateDer = Buffer.from(
    forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(),
    'latin1',
  );
  return {
    certificateDer,
    certificatePem: new X509Certificate(certificateDer).toString(),
    privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    privateKey: key,
    info: inspectCertificate(certificateDer, { privateKey: key }),
  };
}

/** A self-signed certificate for TLS server and client use, CNs and SANs from `names`. */
export async function generateSelfSignedCertificate(
  options: SelfSignedOptions,
): Promise<GeneratedCertificate> {
  const names = checkNames(options.names, 'Certificate names');
  const { notBefore, notAfter } = validity(options, DEFAULT_VALIDITY_DAYS);
  const { key, publicKey } = await newRsaKey(options.keyBits ?? 2048);

  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const subject = cnAttributes(names.map((n) => n.text));
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: altNames(names) },
    { name: 'subjectKeyIdentifier' },
  ]);
  return finish(cert, key, options.signatureHash ?? 'sha256', key);
}

/**
 * The Scale Out master certificate as SSIS setup's "Create a new SSL certificate" makes it, but
 * SHA-256 and with SANs: CNs = master DNS host name first, then node names, FQDNs and IPs.
 */
export async function generateMasterCertificate(
  options: MasterCertificateOptions,
): Promise<GeneratedCertificate> {
  const { masterDnsName, additionalNames, ...rest } = options;
  const master = masterDnsName.trim();
  if (parseIp(master) !== null || normalizeDnsName(master) === null) {
    throw certError('INVALID_NAME', {
      subject: `The master DNS host name '${masterDnsName}'`,
      label: 'masterDnsName',
      detail: 'workers connect to https://<name>:<port>, so it must be a DNS name',
    });
  }
  return generateSelfSignedCertificate({ ...rest, names: [master, ...(additionalNames ?? [])] });
}

/** A lab certificate authority (RSA 2048, SHA-256, CA:TRUE). */
export async function createLabCa(options: LabCaOptions = {}): Promise<GeneratedCertificate> {
  const { notBefore, notAfter } = validity(options, 3650);
  const { key, publicKey } = await newRsaKey(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const subject: forge.pki.CertificateField[] = [
    { shortName: 'O', value: 'SSIS Scale Out HA wizard lab', valueTagClass: UTF8 },
    ...cnAttributes([options.commonName ?? 'SSIS Scale Out Lab CA']),
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', critical: true, cA: true },
    { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true, digitalSignature: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  return finish(cert, key, 'sha256', key);
}

/** A TLS server certificate for `dnsNames`/`ipAddresses`, signed by the lab CA. */
export async function issueLabCertificate(
  ca: CaMaterial,
  options: LabLeafOptions,
): Promise<GeneratedCertificate> {
  const names = checkNames(
    [...options.dnsNames, ...(options.ipAddresses ?? [])],
    'Lab certificate names',
  );
  const { notBefore, notAfter } = validity(options, 825);
  let caCert: forge.pki.Certificate;
  let caKey: KeyObject;
  try {
    caCert = forge.pki.certificateFromPem(ca.certificatePem);
    caKey = createPrivateKey(ca.privateKeyPem);
  } catch (e) {
    throw certError('CERT_UNREADABLE', { subject: 'The lab CA certificate or key', cause: e });
  }
  if (!new X509Certificate(ca.certificatePem).checkPrivateKey(caKey)) {
    throw certError('KEY_MISMATCH', { subject: 'The lab CA material' });
  }
  const { key, publicKey } = await newRsaKey(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const first = names[0];
  cert.setSubject(cnAttributes([options.commonName ?? first?.text ?? '']));
  // Re-encode the CA subject from decoded values: forge keeps UTF8String values as raw bytes.
  cert.setIssuer(
    caCert.subject.attributes.map((a) => ({
      ...a,
      value:
        a.valueTagClass === UTF8 && typeof a.value === 'string'
          ? forge.util.decodeUtf8(a.value)
          : a.value,
    })),
  );
  const caSki = caCert.getExtension('subjectKeyIdentifier') as
    { subjectKeyIdentifier?: string } | undefined;
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: options.clientAuth === true },
    { name: 'subjectAltName', altNames: altNames(names) },
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier:
        caSki?.subjectKeyIdentifier !== undefined
          ? forge.util.hexToBytes(caSki.subjectKeyIdentifier)
          : caCert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  return finish(cert, caKey, 'sha256', key);
}
