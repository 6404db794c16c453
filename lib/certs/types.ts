// Plain, JSON-safe descriptions of certificates: safe to store as evidence and to send to the browser.

import type { KeyObject } from 'node:crypto';

export type HashName =
  'md2' | 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'none' | 'unknown';

export type CertWarningCode =
  | 'SIGNATURE_SHA1' // SSIS setup itself makes these; works, but modern clients frown on it
  | 'SIGNATURE_WEAK' // MD5/MD2: refused by current Windows
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'EXPIRES_SOON'
  | 'WEAK_KEY'
  | 'KEY_MISMATCH';

export interface CertWarning {
  code: CertWarningCode;
  message: string;
}

export interface NameAttribute {
  /** Short name when known (CN, O, OU, C, L, ST, E, DC, SERIALNUMBER, ...), else the OID. */
  name: string;
  oid: string;
  value: string;
}

export interface CertificateInfo {
  /** SHA-1 of the DER, upper-case hex, no separators: exactly what Windows shows and SSIS stores. */
  thumbprint: string;
  /** SHA-256 of the DER, upper-case hex. */
  sha256: string;
  /** Upper-case hex, as Windows shows it (without separators). */
  serialNumber: string;
  /** Windows order and style: most specific first, "CN=a, CN=b, O=x". */
  subject: string;
  issuer: string;
  subjectAttributes: NameAttribute[];
  /** Every CN of the subject, in certificate (DER) order. SSIS setup writes several. */
  commonNames: string[];
  sanDnsNames: string[];
  /** Canonical text (dotted quad, RFC 5952 IPv6). */
  sanIpAddresses: string[];
  /** ISO 8601 UTC. */
  notBefore: string;
  notAfter: string;
  /** Valid at the time of inspection (or the `now` the caller passed). */
  validNow: boolean;
  /** Key usage bit names (digitalSignature, keyEncipherment, ...); null when the extension is absent. */
  keyUsage: string[] | null;
  /** EKU OIDs; null when the extension is absent (which means "any purpose"). */
  extendedKeyUsage: string[] | null;
  /** Usable as a TLS server certificate by its EKU (absent EKU counts as yes). */
  serverAuth: boolean;
  /** Usable as a TLS client certificate by its EKU (absent EKU counts as yes). */
  clientAuth: boolean;
  isCa: boolean;
  signatureAlgorithm: { oid: string; name: string; hash: HashName };
  publicKey: { algorithm: string; bits: number | null; curve: string | null };
  /** Issuer equals subject and the signature verifies with the certificate's own key. */
  selfSigned: boolean;
  hasPrivateKey: boolean;
  /** Whether the private key belongs to this certificate; null when there is no key. */
  privateKeyMatches: boolean | null;
  warnings: CertWarning[];
}

export type CertificateFormat = 'pem' | 'der' | 'pfx';

/** A loaded certificate. `privateKey` is a node KeyObject: it never serialises its secret. */
export interface LoadedCertificate {
  info: CertificateInfo;
  format: CertificateFormat;
  der: Buffer;
  pem: string;
  privateKey: KeyObject | null;
  /** The other certificates in the file (issuers), leaf excluded. */
  chain: Array<{ info: CertificateInfo; der: Buffer; pem: string }>;
}
