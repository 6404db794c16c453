// Load a certificate (and its private key, if the file carries one) from PEM, DER or PFX bytes.
import 'server-only';

import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';

import { Type, child, isUniversal, oidOf, parseDer, toBinary, type Asn1 } from './der';
import { CertError, certError } from './errors';
import { looksLikePfx, readPfx } from './pfx';
import type { CertificateFormat, LoadedCertificate } from './types';
import { inspectCertificate } from './x509';

export interface LoadOptions {
  /** PFX password (also tried as the passphrase of an encrypted PEM key). */
  password?: string;
  /** Names the file or field in error messages, e.g. "SSISScaleOutMaster.pfx". */
  label?: string;
  /** Fail with PFX_NO_KEY / KEY_MISMATCH unless a matching private key comes with the certificate. */
  requirePrivateKey?: boolean;
  /** A separate private key file (PEM or PKCS#8 DER), e.g. key.pem next to cert.pem. */
  privateKey?: Uint8Array | string;
  privateKeyLabel?: string;
  /** The time "valid now" and the expiry warnings are judged at. */
  now?: Date;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);
const KEY_LABELS = new Set([
  'PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
]);
const PKCS7_SIGNED_DATA = '1.2.840.113549.1.7.2';

interface Parsed {
  format: CertificateFormat;
  certificates: Buffer[];
  privateKeys: KeyObject[];
}

/** Load a certificate file. Throws CertError (see errors.ts) with a message naming `label`. */
export function loadCertificate(
  data: Uint8Array | string,
  options: LoadOptions = {},
): LoadedCertificate {
  const { label } = options;
  const parsed = parse(data, options);
  if (options.privateKey !== undefined) {
    parsed.privateKeys.push(
      readKey(options.privateKey, options.password, options.privateKeyLabel ?? label),
    );
  }
  if (parsed.certificates.length === 0) {
    throw parsed.privateKeys.length > 0
      ? certError(parsed.format === 'pfx' ? 'PFX_NO_CERTIFICATE' : 'CERT_UNSUPPORTED_FORMAT', {
          label,
          detail: 'the file holds a private key but no certificate',
        })
      : certError('CERT_UNREADABLE', { label, detail: 'no certificate found' });
  }

  const x509s = parsed.certificates.map((der) => {
    try {
      return new X509Certificate(der);
    } catch (e) {
      throw certError('CERT_UNREADABLE', { label, cause: e });
    }
  });

  // The leaf is the certificate a key belongs to; without a key, the one that issued nothing else.
  let leafIndex = -1;
  let key: KeyObject | null = null;
  for (let i = 0; i < x509s.length && leafIndex < 0; i++) {
    const match = parsed.privateKeys.find((k) => safeCheck(x509s[i], k));
    if (match !== undefined) {
      leafIndex = i;
      key = match;
    }
  }
  if (leafIndex < 0) {
    leafIndex = x509s.findIndex((c, i) => !x509s.some((o, j) => j !== i && o.checkIssued(c)));
    if (leafIndex < 0) leafIndex = 0;
  }
  if (options.requirePrivateKey === true && key === null) {
    throw parsed.privateKeys.length > 0
      ? certError('KEY_MISMATCH', { label })
      : certError('PFX_NO_KEY', { label });
  }
  // A key that belongs to no certificate is reported (hasPrivateKey, privateKeyMatches=false) but not handed out.
  const reportedKey = key ?? parsed.privateKeys[0] ?? null;

  const describeOne = (der: Buffer, privateKey: KeyObject | null) => {
    try {
      return inspectCertificate(der, { now: options.now, privateKey });
    } catch (e) {
      throw certError('CERT_UNREADABLE', { label, cause: e });
    }
  };
  const leafDer = parsed.certificates[leafIndex] ?? Buffer.alloc(0);
  const leafX509 = x509s[leafIndex];
  return {
    info: describeOne(leafDer, reportedKey),
    format: parsed.format,
    der: leafDer,
    pem: leafX509?.toString() ?? '',
    privateKey: key,
    chain: parsed.certificates
      .map((der, i) => ({ der, i }))
      .filter(({ i }) => i !== leafIndex)
      .map(({ der, i }) => ({
        der,
        pem: x509s[i]?.toString() ?? '',
        info: describeOne(der, null),
      })),
  };
}

function safeCheck(cert: X509Certificate | undefined, key: KeyObject): boolean {
  try {
    return cert !== undefined && cert.checkPrivateKey(key);
  } catch {
    return false; // different key types
  }
}

function parse(data: Uint8Array | string, options: LoadOptions): Parsed {
  const { label } = options;
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('latin1');
  if (text.includes('-----BEGIN ')) return parsePem(text, options);
  if (typeof data === 'string')
    throw certError('CERT_UNREADABLE', { label, detail: 'no PEM block found' });

  let root: Asn1;
  try {
    root = parseDer(toBinary(data));
  } catch (e) {
    throw certError('CERT_UNREADABLE', { label, cause: e });
  }
  if (looksLikePfx(root)) {
    const { certificates, privateKeys } = readPfx(root, options.password, label);
    return { format: 'pfx', certificates, privateKeys };
  }
  if (isPkcs7(root)) {
    throw certError('CERT_UNSUPPORTED_FORMAT', { label, detail: 'this is a PKCS#7 (.p7b) bundle' });
  }
  return { format: 'der', certificates: [Buffer.from(data)], privateKeys: [] };
}

function isPkcs7(root: Asn1): boolean {
  try {
    return oidOf(child(root, 0, 'ContentInfo'), 'contentType') === PKCS7_SIGNED_DATA;
  } catch {
    return false;
  }
}

function parsePem(text: string, options: LoadOptions): Parsed {
  const certificates: Buffer[] = [];
  const privateKeys: KeyObject[] = [];
  const other: string[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const type = m[1] ?? '';
    const body = m[2] ?? '';
    if (CERT_LABELS.has(type)) {
      const der = Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
      try {
        const root = parseDer(toBinary(der));
        if (!isUniversal(root, Type.SEQUENCE)) throw new Error('not a SEQUENCE');
      } catch (e) {
        throw certError('CERT_UNREADABLE', { label: options.label, cause: e });
      }
      certificates.push(der);
    } else if (KEY_LABELS.has(type)) {
      privateKeys.push(readKey(m[0], options.password, options.label));
    } else {
      other.push(type);
    }
  }
  if (certificates.length === 0 && privateKeys.length === 0) {
    const detail =
      other.length > 0 ? `the file holds ${other.join(', ')}` : 'no complete PEM block';
    throw certError(other.length > 0 ? 'CERT_UNSUPPORTED_FORMAT' : 'CERT_UNREADABLE', {
      label: options.label,
      detail,
    });
  }
  return { format: 'pem', certificates, privateKeys };
}

function readKey(
  key: Uint8Array | string,
  passphrase: string | undefined,
  label: string | undefined,
): KeyObject {
  const subject = label === undefined ? 'The private key file' : `The private key file '${label}'`;
  try {
    const isPem =
      typeof key === 'string' || Buffer.from(key).toString('latin1').includes('-----BEGIN ');
    if (isPem) {
      const pem = typeof key === 'string' ? key : Buffer.from(key).toString('latin1');
      return createPrivateKey({
        key: pem,
        format: 'pem',
        ...(passphrase === undefined ? {} : { passphrase }),
      });
    }
    return createPrivateKey({ key: Buffer.from(key), format: 'der', type: 'pkcs8' });
  } catch (e) {
    // OpenSSL's message never contains the passphrase; keep it as the cause only.
    throw certError('KEY_UNREADABLE', {
      label,
      subject,
      cause: e instanceof CertError ? undefined : e,
    });
  }
}
