// Read an X.509 certificate (DER) into a CertificateInfo.
// Structure comes from forge's ASN.1 reader (so every CN, SAN and extension is seen as encoded,
// whatever the key type); hashes, signature and key checks come from node:crypto (OpenSSL).
import 'server-only';

import { X509Certificate, createHash, type KeyObject } from 'node:crypto';

import {
  Type,
  child,
  children,
  content,
  decodeString,
  isContext,
  isUniversal,
  oidOf,
  parseDer,
  toBinary,
  toHexUpper,
  type Asn1,
} from './der';
import { formatIp } from './ip';
import type { CertWarning, CertificateInfo, HashName, NameAttribute } from './types';
import forge from 'node-forge';

export const OID = {
  commonName: '2.5.4.3',
  subjectAltName: '2.5.29.17',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'S',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.42': 'G',
  '1.2.840.113549.1.9.1': 'E',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
};

const HASH_OIDS: Record<string, HashName> = {
  '1.2.840.113549.2.2': 'md2',
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const SIGNATURE_ALGORITHMS: Record<string, { name: string; hash: HashName }> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  '1.3.14.3.2.29': { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512' },
  '1.2.840.10040.4.3': { name: 'dsa-with-SHA1', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-SHA256', hash: 'sha256' },
  '1.3.101.112': { name: 'ED25519', hash: 'none' },
  '1.3.101.113': { name: 'ED448', hash: 'none' },
};
const RSASSA_PSS = '1.2.840.113549.1.1.10';

const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

const CURVE_BITS: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };
const EXPIRY_WARNING_DAYS = 30;

export interface InspectOptions {
  /** The time "valid now" is judged at; defaults to the current time. */
  now?: Date;
  /** The private key that travelled with the certificate, if any (checked against it). */
  privateKey?: KeyObject | null;
}

/** Parse DER bytes. Throws plain Errors on malformed input; callers map them to CertError. */
export function inspectCertificate(der: Uint8Array, options: InspectOptions = {}): CertificateInfo {
  const x509 = new X509Certificate(der); // OpenSSL's verdict on well-formedness first
  const root = parseDer(toBinary(der));
  const tbs = child(root, 0, 'TBSCertificate');
  const fields = children(tbs, 'TBSCertificate');
  let i = isContext(fields[0], 0) ? 1 : 0; // [0] EXPLICIT version
  const serial = fields[i++];
  i++; // inner signature AlgorithmIdentifier (the outer one is authoritative)
  const issuerNode = fields[i++];
  const validityNode = fields[i++];
  const subjectNode = fields[i++];
  i++; // SubjectPublicKeyInfo: read through node:crypto below
  const extensionsNode = fields.slice(i).find((f) => isContext(f, 3));

  const subjectAttributes = readName(subjectNode);
  const issuerAttributes = readName(issuerNode);
  const [notBefore, notAfter] = readValidity(validityNode);
  const extensions = readExtensions(extensionsNode);
  const signatureAlgorithm = readSignatureAlgorithm(child(root, 1, 'signatureAlgorithm'));

  const san = extensions.get(OID.subjectAltName);
  const { dns: sanDnsNames, ips: sanIpAddresses } = san ? readSan(san) : { dns: [], ips: [] };
  const ku = extensions.get(OID.keyUsage);
  const keyUsage = ku ? readKeyUsage(ku) : null;
  const eku = extensions.get(OID.extKeyUsage);
  const extendedKeyUsage = eku
    ? children(parseDer(eku), 'extKeyUsage').map((n) => oidOf(n, 'EKU'))
    : null;
  const bc = extensions.get(OID.basicConstraints);
  const isCa = bc ? readIsCa(bc) : false;

  const allows = (oid: string): boolean =>
    extendedKeyUsage === null ||
    extendedKeyUsage.includes(oid) ||
    extendedKeyUsage.includes(OID.anyExtendedKeyUsage);

  const publicKey = x509.publicKey;
  const details = publicKey.asymmetricKeyDetails ?? {};
  const curve = details.namedCurve ?? null;
  const bits = details.modulusLength ?? (curve === null ? null : (CURVE_BITS[curve] ?? null));

  const sameName =
    issuerNode !== undefined && subjectNode !== undefined && sameDer(issuerNode, subjectNode);
  let selfSigned = false;
  if (sameName) {
    try {
      selfSigned = x509.verify(publicKey);
    } catch {
      selfSigned = false;
    }
  }

  const key = options.privateKey ?? null;
  let privateKeyMatches: boolean | null = null;
  if (key !== null) {
    try {
      privateKeyMatches = x509.checkPrivateKey(key);
    } catch {
      privateKeyMatches = false;
    }
  }

  const now = options.now ?? new Date();
  const info: CertificateInfo = {
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    sha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
    serialNumber: toHexUpper(content(serial, 'serialNumber')),
    subject: formatName(subjectAttributes),
    issuer: formatName(issuerAttributes),
    subjectAttributes: subjectAttributes.flat(),
    commonNames: subjectAttributes
      .flat()
      .filter((a) => a.oid === OID.commonName)
      .map((a) => a.value),
    sanDnsNames,
    sanIpAddresses,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    validNow: now >= notBefore && now <= notAfter,
    keyUsage,
    extendedKeyUsage,
    serverAuth: allows(OID.serverAuth),
    clientAuth: allows(OID.clientAuth),
    isCa,
    signatureAlgorithm,
    publicKey: { algorithm: publicKey.asymmetricKeyType ?? 'unknown', bits, curve },
    selfSigned,
    hasPrivateKey: key !== null,
    privateKeyMatches,
    warnings: [],
  };
  info.warnings = warningsFor(info, now);
  return info;
}

function warningsFor(info: CertificateInfo, now: Date): CertWarning[] {
  const w: CertWarning[] = [];
  const hash = info.signatureAlgorithm.hash;
  if (hash === 'sha1') {
    w.push({
      code: 'SIGNATURE_SHA1',
      message:
        'The certificate is signed with SHA-1. SSIS setup creates such certificates and Scale Out ' +
        'accepts them, but security scanners flag them; prefer a SHA-256 certificate for new installs.',
    });
  } else if (hash === 'md5' || hash === 'md2') {
    w.push({
      code: 'SIGNATURE_WEAK',
      message: `The certificate is signed with ${hash.toUpperCase()}, which current Windows versions reject. Replace it.`,
    });
  }
  const notBefore = new Date(info.notBefore);
  const notAfter = new Date(info.notAfter);
  if (now > notAfter) {
    w.push({ code: 'EXPIRED', message: `The certificate expired on ${info.notAfter}.` });
  } else if (now < notBefore) {
    w.push({
      code: 'NOT_YET_VALID',
      message: `The certificate is not valid before ${info.notBefore}.`,
    });
  } else if (notAfter.getTime() - now.getTime() < EXPIRY_WARNING_DAYS * 86_400_000) {
    w.push({
      code: 'EXPIRES_SOON',
      message: `The certificate expires on ${info.notAfter}, within ${EXPIRY_WARNING_DAYS} days.`,
    });
  }
  if (
    info.publicKey.algorithm === 'rsa' &&
    info.publicKey.bits !== null &&
    info.publicKey.bits < 2048
  ) {
    w.push({
      code: 'WEAK_KEY',
      message: `The RSA key has ${info.publicKey.bits} bits; Windows and TLS clients expect at least 2048.`,
    });
  }
  if (info.privateKeyMatches === false) {
    w.push({
      code: 'KEY_MISMATCH',
      message: 'The private key supplied does not belong to this certificate.',
    });
  }
  return w;
}

function sameDer(a: Asn1, b: Asn1): boolean {
  return forge.asn1.toDer(a).getBytes() === forge.asn1.toDer(b).getBytes();
}

/** RDNSequence as RDNs (each a list: multi-valued RDNs are rare but legal). */
function readName(node: Asn1 | undefined): NameAttribute[][] {
  return children(node, 'Name').map((rdn) =>
    children(rdn, 'RDN').map((atv) => {
      const oid = oidOf(child(atv, 0, 'AttributeTypeAndValue'), 'attribute type');
      return {
        name: ATTRIBUTE_NAMES[oid] ?? oid,
        oid,
        value: decodeString(child(atv, 1, 'AttributeTypeAndValue')),
      };
    }),
  );
}

/** Windows style (X500DistinguishedName.Name): most specific RDN first, ", " between RDNs. */
function formatName(rdns: NameAttribute[][]): string {
  return [...rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${a.name}=${quoteValue(a.value)}`).join(' + '))
    .join(', ');
}

function quoteValue(v: string): string {
  return /[,+="<>#;\n\r]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function readValidity(node: Asn1 | undefined): [Date, Date] {
  const times = children(node, 'Validity').map((t) => {
    const raw = content(t, 'time');
    if (t.type === Type.UTCTIME) return forge.asn1.utcTimeToDate(raw);
    if (t.type === Type.GENERALIZEDTIME) return forge.asn1.generalizedTimeToDate(raw);
    throw new Error('ASN.1: validity time is neither UTCTime nor GeneralizedTime');
  });
  const [a, b] = times;
  if (
    a === undefined ||
    b === undefined ||
    Number.isNaN(a.getTime()) ||
    Number.isNaN(b.getTime())
  ) {
    throw new Error('ASN.1: unreadable validity period');
  }
  return [a, b];
}

/** OID -> DER of the extension value (the content of extnValue). */
function readExtensions(node: Asn1 | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (node === undefined) return map;
  for (const ext of children(child(node, 0, 'Extensions'), 'Extensions')) {
    const parts = children(ext, 'Extension');
    const oid = oidOf(parts[0], 'extnID');
    const value = parts[parts.length - 1];
    if (!isUniversal(value, Type.OCTETSTRING))
      throw new Error('ASN.1: extnValue is not an OCTET STRING');
    map.set(oid, content(value, 'extnValue'));
  }
  return map;
}

function readSan(der: string): { dns: string[]; ips: string[] } {
  const dns: string[] = [];
  const ips: string[] = [];
  for (const gn of children(parseDer(der), 'GeneralNames')) {
    if (isContext(gn, 2)) dns.push(content(gn, 'dNSName'));
    else if (isContext(gn, 7)) ips.push(formatIp(Buffer.from(content(gn, 'iPAddress'), 'latin1')));
  }
  return { dns, ips };
}

function readKeyUsage(der: string): string[] {
  const bits = parseDer(der);
  if (!isUniversal(bits, Type.BITSTRING)) throw new Error('ASN.1: keyUsage is not a BIT STRING');
  const raw = content(bits, 'keyUsage');
  const out: string[] = [];
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = raw.charCodeAt(1 + (bit >> 3)); // byte 0 is the unused-bits count
    if (!Number.isNaN(byte) && (byte & (0x80 >> (bit & 7))) !== 0) out.push(name);
  });
  return out;
}

function readIsCa(der: string): boolean {
  const first = children(parseDer(der), 'basicConstraints')[0];
  return isUniversal(first, Type.BOOLEAN) && content(first, 'cA').charCodeAt(0) !== 0;
}

function readSignatureAlgorithm(node: Asn1): CertificateInfo['signatureAlgorithm'] {
  const oid = oidOf(child(node, 0, 'AlgorithmIdentifier'), 'signature algorithm');
  if (oid === RSASSA_PSS) {
    // RSASSA-PSS-params: [0] hashAlgorithm, DEFAULT sha1
    const params = children(node, 'AlgorithmIdentifier')[1];
    const hashAlg =
      params && typeof params.value !== 'string'
        ? params.value.find((p) => isContext(p, 0))
        : undefined;
    const hash = hashAlg
      ? (HASH_OIDS[oidOf(child(child(hashAlg, 0, 'hashAlgorithm'), 0, 'hash OID'), 'hash')] ??
        'unknown')
      : 'sha1';
    return { oid, name: 'RSASSA-PSS', hash };
  }
  const known = SIGNATURE_ALGORITHMS[oid];
  return { oid, name: known?.name ?? oid, hash: known?.hash ?? 'unknown' };
}
