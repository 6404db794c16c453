// PKCS#12 (PFX) read and write on forge's ASN.1 and PBE primitives.
//
// forge's own pkcs12FromAsn1/toPkcs12Asn1 use one password string for everything, which breaks
// non-ASCII passwords: the PKCS#12 KDF (MAC, 3DES/RC2 bags) takes the password as BMPString
// (UTF-16BE) while PBES2 (AES bags) takes its UTF-8 bytes, as OpenSSL and Windows do. So the
// container is walked here and each scheme gets the password in its own encoding.
import 'server-only';

import {
  createHmac,
  createPrivateKey,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';

import forge from 'node-forge';

import {
  Class,
  Type,
  child,
  children,
  content,
  isContext,
  isUniversal,
  oidOf,
  parseDer,
  toBinary,
  toDer,
  type Asn1,
} from './der';
import { CertError, certError } from './errors';

const OIDS = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  pbes2: '1.2.840.113549.1.5.13',
  pbeSha3Des: '1.2.840.113549.1.12.1.3',
  pbeShaRc2x40: '1.2.840.113549.1.12.1.6',
} as const;

interface MacHash {
  node: string;
  length: number;
  forge: () => forge.md.MessageDigest;
}
const MAC_HASHES: Record<string, MacHash> = {
  '1.3.14.3.2.26': { node: 'sha1', length: 20, forge: () => forge.md.sha1.create() },
  '2.16.840.1.101.3.4.2.1': { node: 'sha256', length: 32, forge: () => forge.md.sha256.create() },
  '2.16.840.1.101.3.4.2.2': { node: 'sha384', length: 48, forge: () => forge.md.sha384.create() },
  '2.16.840.1.101.3.4.2.3': { node: 'sha512', length: 64, forge: () => forge.md.sha512.create() },
};

/** A file asking for more key-derivation work than this is refused (upload denial of service). */
const MAX_ITERATIONS = 2_000_000;

type GetCipher = (oid: string, params: Asn1, password: string | null) => forge.cipher.BlockCipher;
// Exported by forge (pki.pbe.getCipher) but missing from @types/node-forge.
const getCipher: GetCipher = (oid, params, password) =>
  (forge.pki as unknown as { pbe: { getCipher: GetCipher } }).pbe.getCipher(oid, params, password);

export interface PfxContents {
  /** DER of every certificate, in file order. */
  certificates: Buffer[];
  privateKeys: KeyObject[];
}

/** True when `root` has the outer shape of a PFX: SEQUENCE { INTEGER version, ContentInfo, ... }. */
export function looksLikePfx(root: Asn1): boolean {
  if (!isUniversal(root, Type.SEQUENCE) || typeof root.value === 'string') return false;
  const [version, authSafe] = root.value;
  return (
    isUniversal(version, Type.INTEGER) &&
    isUniversal(authSafe, Type.SEQUENCE) &&
    typeof authSafe.value !== 'string' &&
    isUniversal(authSafe.value[0], Type.OID)
  );
}

function utf8Binary(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** Passwords to try for the PKCS#12 KDF: the string itself, then its UTF-8 bytes read as Latin-1
 *  (what pre-1.1 OpenSSL did). An absent/empty password is tried as "" and as no password at all. */
function bmpCandidates(password: string | undefined): Array<string | null> {
  if (password === undefined || password === '') return ['', null];
  const alt = utf8Binary(password);
  return alt === password ? [password] : [password, alt];
}

function pbes2Candidates(password: string | undefined): string[] {
  return [utf8Binary(password ?? '')];
}

interface Passwords {
  bmp: Array<string | null>;
  pbes2: string[];
}

/**
 * Read a PFX. Throws CertError: CERT_UNREADABLE (structure), CERT_UNSUPPORTED_FORMAT
 * (public-key integrity mode), PFX_PASSWORD_REQUIRED / PFX_BAD_PASSWORD,
 * PFX_UNSUPPORTED_ENCRYPTION, KEY_UNREADABLE.
 */
export function readPfx(root: Asn1, password: string | undefined, label?: string): PfxContents {
  const noPassword = password === undefined || password === '';
  const badPassword = (): Error =>
    certError(noPassword ? 'PFX_PASSWORD_REQUIRED' : 'PFX_BAD_PASSWORD', { label });
  let authSafe: string;
  let macData: Asn1 | undefined;
  try {
    const parts = children(root, 'PFX');
    const contentInfo = parts[1];
    macData = parts[2];
    const contentType = oidOf(child(contentInfo, 0, 'ContentInfo'), 'contentType');
    if (contentType === OIDS.signedData) {
      throw certError('CERT_UNSUPPORTED_FORMAT', {
        label,
        detail: 'PFX in public-key integrity mode',
      });
    }
    if (contentType !== OIDS.data) throw new Error(`PFX authSafe content type ${contentType}`);
    authSafe = content(child(child(contentInfo, 1, 'ContentInfo'), 0, 'content'), 'authSafe');
  } catch (e) {
    if (e instanceof CertError) throw e;
    throw certError('CERT_UNREADABLE', { label, cause: e });
  }

  const passwords: Passwords = { bmp: bmpCandidates(password), pbes2: pbes2Candidates(password) };
  if (macData !== undefined) {
    const ok = verifyMac(macData, authSafe, passwords.bmp, label);
    if (ok === undefined) throw badPassword();
    // Try the password form that passed the MAC first for the PKCS#12-KDF bags too.
    passwords.bmp = [ok, ...passwords.bmp.filter((p) => p !== ok)];
  }

  const out: { certificates: Buffer[]; keys: string[] } = { certificates: [], keys: [] };
  let contentInfos: Asn1[];
  try {
    contentInfos = children(parseDer(authSafe), 'AuthenticatedSafe');
  } catch (e) {
    throw certError('CERT_UNREADABLE', { label, cause: e });
  }
  for (const ci of contentInfos) {
    let safeContents: string;
    try {
      const type = oidOf(child(ci, 0, 'ContentInfo'), 'contentType');
      const body = child(child(ci, 1, 'ContentInfo'), 0, 'content');
      if (type === OIDS.data) {
        safeContents = content(body, 'SafeContents');
      } else if (type === OIDS.encryptedData) {
        const eci = child(body, 1, 'EncryptedContentInfo');
        const algorithm = child(eci, 1, 'contentEncryptionAlgorithm');
        const encrypted = children(eci, 'EncryptedContentInfo').find((n) => isContext(n, 0));
        safeContents = decrypt(
          algorithm,
          content(encrypted, 'encryptedContent'),
          passwords,
          label,
          badPassword,
        );
      } else {
        continue; // envelopedData and friends: nothing we can open
      }
    } catch (e) {
      if (e instanceof CertError) throw e;
      throw certError('CERT_UNREADABLE', { label, cause: e });
    }
    readSafeContents(safeContents, passwords, out, label, badPassword, 0);
  }

  const privateKeys = out.keys.map((pkcs8) => {
    try {
      return createPrivateKey({ key: Buffer.from(pkcs8, 'latin1'), format: 'der', type: 'pkcs8' });
    } catch (e) {
      throw certError('KEY_UNREADABLE', { label, subject: describeKeyIn(label), cause: e });
    }
  });
  return { certificates: out.certificates, privateKeys };
}

function describeKeyIn(label: string | undefined): string {
  return label === undefined ? 'The private key in the PFX' : `The private key in '${label}'`;
}

function verifyMac(
  macData: Asn1,
  authSafe: string,
  candidates: Array<string | null>,
  label?: string,
): string | null | undefined {
  let hash: MacHash | undefined;
  let expected: string;
  let salt: string;
  let iterations = 1;
  try {
    const digestInfo = child(macData, 0, 'MacData');
    const algOid = oidOf(
      child(child(digestInfo, 0, 'DigestInfo'), 0, 'digestAlgorithm'),
      'MAC hash',
    );
    hash = MAC_HASHES[algOid];
    if (hash === undefined) {
      throw certError('PFX_UNSUPPORTED_ENCRYPTION', { label, detail: `MAC algorithm ${algOid}` });
    }
    expected = content(child(digestInfo, 1, 'DigestInfo'), 'digest');
    salt = content(child(macData, 1, 'MacData'), 'macSalt');
    const iter = children(macData, 'MacData')[2];
    if (iter !== undefined) iterations = forge.asn1.derToInteger(content(iter, 'iterations'));
  } catch (e) {
    if (e instanceof CertError) throw e;
    throw certError('CERT_UNREADABLE', { label, cause: e });
  }
  checkIterations(iterations, label);
  const expectedBuf = Buffer.from(expected, 'latin1');
  for (const candidate of candidates) {
    const key = forge.pkcs12.generateKey(
      candidate,
      forge.util.createBuffer(salt),
      3,
      iterations,
      hash.length,
      hash.forge(),
    );
    const mac = createHmac(hash.node, Buffer.from(key.getBytes(), 'latin1'))
      .update(Buffer.from(authSafe, 'latin1'))
      .digest();
    if (mac.length === expectedBuf.length && timingSafeEqual(mac, expectedBuf)) return candidate;
  }
  return undefined;
}

function checkIterations(n: number, label?: string): void {
  if (!Number.isFinite(n) || n < 1 || n > MAX_ITERATIONS) {
    throw certError('PFX_UNSUPPORTED_ENCRYPTION', { label, detail: `iteration count ${n}` });
  }
}

/** Iteration count from PBES2 or PKCS#12 PBE parameters, checked before any work is done. */
function iterationsOf(oid: string, params: Asn1): number {
  const p =
    oid === OIDS.pbes2
      ? child(child(child(params, 0, 'PBES2-params'), 1, 'keyDerivationFunc'), 1, 'PBKDF2-params')
      : child(params, 1, 'pkcs-12PbeParams');
  return forge.asn1.derToInteger(content(p, 'iterationCount'));
}

function decrypt(
  algorithm: Asn1,
  encrypted: string,
  passwords: Passwords,
  label: string | undefined,
  badPassword: () => Error,
): string {
  const oid = oidOf(child(algorithm, 0, 'AlgorithmIdentifier'), 'encryption algorithm');
  if (oid !== OIDS.pbes2 && oid !== OIDS.pbeSha3Des && oid !== OIDS.pbeShaRc2x40) {
    throw certError('PFX_UNSUPPORTED_ENCRYPTION', { label, detail: `algorithm ${oid}` });
  }
  const params = child(algorithm, 1, 'AlgorithmIdentifier');
  checkIterations(iterationsOf(oid, params), label);
  const candidates: Array<string | null> = oid === OIDS.pbes2 ? passwords.pbes2 : passwords.bmp;
  for (const password of candidates) {
    let cipher: forge.cipher.BlockCipher;
    try {
      cipher = getCipher(oid, params, password);
    } catch (e) {
      // forge names the unsupported PRF or cipher; never the password.
      const detail = e instanceof Error ? e.message : undefined;
      throw certError('PFX_UNSUPPORTED_ENCRYPTION', { label, detail, cause: e });
    }
    cipher.update(forge.util.createBuffer(encrypted));
    if (!cipher.finish()) continue; // bad padding: wrong password
    const plain = cipher.output.getBytes();
    try {
      parseDer(plain); // valid padding by chance (1 in 256) still yields garbage
      return plain;
    } catch {
      continue;
    }
  }
  throw badPassword();
}

function readSafeContents(
  der: string,
  passwords: Passwords,
  out: { certificates: Buffer[]; keys: string[] },
  label: string | undefined,
  badPassword: () => Error,
  depth: number,
): void {
  try {
    for (const bag of children(parseDer(der), 'SafeContents')) {
      const bagId = oidOf(child(bag, 0, 'SafeBag'), 'bagId');
      const value = child(child(bag, 1, 'SafeBag'), 0, 'bagValue');
      if (bagId === OIDS.keyBag) {
        out.keys.push(toDer(value));
      } else if (bagId === OIDS.shroudedKeyBag) {
        const alg = child(value, 0, 'EncryptedPrivateKeyInfo');
        const data = content(child(value, 1, 'EncryptedPrivateKeyInfo'), 'encryptedData');
        out.keys.push(decrypt(alg, data, passwords, label, badPassword));
      } else if (bagId === OIDS.certBag) {
        if (oidOf(child(value, 0, 'CertBag'), 'certId') !== OIDS.x509Certificate) continue;
        const certDer = content(child(child(value, 1, 'CertBag'), 0, 'certValue'), 'certValue');
        out.certificates.push(Buffer.from(certDer, 'latin1'));
      } else if (bagId === OIDS.safeContentsBag && depth < 4) {
        readSafeContents(toDer(value), passwords, out, label, badPassword, depth + 1);
      }
      // CRL and secret bags are irrelevant here.
    }
  } catch (e) {
    if (e instanceof CertError) throw e;
    throw certError('CERT_UNREADABLE', { label, cause: e });
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * 'aes256': PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) key bag, HMAC-SHA256 MAC: the OpenSSL 3 and
 *           Windows 10/Server 2019+ default ("AES256-SHA256" in the export wizard).
 * '3des':   pbeWithSHAAnd3-KeyTripleDES-CBC key bag, HMAC-SHA1 MAC ("TripleDES-SHA1"), for
 *           Windows Server 2016 and older. OpenSSL 3 reads both without -legacy.
 */
export type PfxEncryption = 'aes256' | '3des';

export interface PfxExportOptions {
  /** DER of the certificate the key belongs to. */
  certificate: Uint8Array;
  privateKey: KeyObject;
  /** DER of issuer certificates to include. */
  chain?: Uint8Array[];
  password: string;
  encryption?: PfxEncryption;
  friendlyName?: string;
  /** Key-derivation iterations for the key bag and the MAC (default 2048, as OpenSSL). */
  iterations?: number;
}

const { create } = forge.asn1;
const seq = (v: Asn1[]): Asn1 => create(Class.UNIVERSAL, Type.SEQUENCE, true, v);
const set = (v: Asn1[]): Asn1 => create(Class.UNIVERSAL, Type.SET, true, v);
const oid = (o: string): Asn1 =>
  create(Class.UNIVERSAL, Type.OID, false, forge.asn1.oidToDer(o).getBytes());
const octets = (b: string): Asn1 => create(Class.UNIVERSAL, Type.OCTETSTRING, false, b);
const explicit0 = (v: Asn1): Asn1 => create(Class.CONTEXT_SPECIFIC, 0, true, [v]);
const int = (n: number): Asn1 =>
  create(Class.UNIVERSAL, Type.INTEGER, false, forge.asn1.integerToDer(n).getBytes());
const dataContentInfo = (der: string): Asn1 => seq([oid(OIDS.data), explicit0(octets(der))]);

export function writePfx(options: PfxExportOptions): Buffer {
  const encryption = options.encryption ?? 'aes256';
  const iterations = options.iterations ?? 2048;
  if (options.password === '') {
    throw certError('INVALID_OPTION', {
      subject: 'An empty PFX password',
      detail: 'the PFX carries the private key; set a password',
    });
  }
  if (!Number.isInteger(iterations) || iterations < 1000 || iterations > MAX_ITERATIONS) {
    throw certError('INVALID_OPTION', {
      subject: `The iteration count ${iterations}`,
      detail: `use 1000 to ${MAX_ITERATIONS}`,
    });
  }
  const certDer = toBinary(options.certificate);
  const localKeyId = forge.md.sha1.create().update(certDer).digest().getBytes();
  const attributes = [seq([oid(OIDS.localKeyId), set([octets(localKeyId)])])];
  if (options.friendlyName !== undefined) {
    attributes.push(
      seq([
        oid(OIDS.friendlyName),
        set([create(Class.UNIVERSAL, Type.BMPSTRING, false, options.friendlyName)]),
      ]),
    );
  }
  const bagAttributes = set(attributes);

  const certBag = (der: string, attrs?: Asn1): Asn1 =>
    seq([
      oid(OIDS.certBag),
      explicit0(seq([oid(OIDS.x509Certificate), explicit0(octets(der))])),
      ...(attrs ? [attrs] : []),
    ]);
  const certBags = [
    certBag(certDer, bagAttributes),
    ...(options.chain ?? []).map((c) => certBag(toBinary(c))),
  ];

  const pkcs8 = parseDer(toBinary(options.privateKey.export({ type: 'pkcs8', format: 'der' })));
  const keyPassword = encryption === 'aes256' ? utf8Binary(options.password) : options.password;
  const encryptedKey = forge.pki.encryptPrivateKeyInfo(pkcs8, keyPassword, {
    algorithm: encryption,
    count: iterations,
    saltSize: encryption === 'aes256' ? 16 : 8,
    prfAlgorithm: 'sha256',
  });
  const keyBag = seq([oid(OIDS.shroudedKeyBag), explicit0(encryptedKey), bagAttributes]);

  const authSafe = toDer(
    seq([dataContentInfo(toDer(seq(certBags))), dataContentInfo(toDer(seq([keyBag])))]),
  );

  const macHash = encryption === 'aes256' ? '2.16.840.1.101.3.4.2.1' : '1.3.14.3.2.26';
  const hash = MAC_HASHES[macHash];
  if (hash === undefined) throw new Error('unreachable: MAC hash table');
  const salt = randomBytes(16).toString('latin1');
  const macKey = forge.pkcs12.generateKey(
    options.password,
    forge.util.createBuffer(salt),
    3,
    iterations,
    hash.length,
    hash.forge(),
  );
  const mac = createHmac(hash.node, Buffer.from(macKey.getBytes(), 'latin1'))
    .update(Buffer.from(authSafe, 'latin1'))
    .digest()
    .toString('latin1');
  const macData = seq([
    seq([seq([oid(macHash), create(Class.UNIVERSAL, Type.NULL, false, '')]), octets(mac)]),
    octets(salt),
    int(iterations),
  ]);

  return Buffer.from(toDer(seq([int(3), dataContentInfo(authSafe), macData])), 'latin1');
}
