/**
 * Secrets at rest. SQL logins store SQL Server's own verifier format (0x0200 + 4-byte salt
 * + SHA2-512 of the UTF-16LE password and salt), so the hash in sys.sql_logins looks like
 * a real one and a clear password never reaches the lab's SQLite file.
 */

import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function hashPassword(password: string, salt: Buffer = randomBytes(4)): Buffer {
  const digest = createHash('sha512')
    .update(Buffer.concat([Buffer.from(password, 'utf16le'), salt]))
    .digest();
  return Buffer.concat([Buffer.from([0x02, 0x00]), salt, digest]);
}

export function verifyPassword(password: string, stored: Buffer | null): boolean {
  if (!stored || stored.length !== 2 + 4 + 64 || stored[0] !== 0x02) return false;
  const expected = hashPassword(password, stored.subarray(2, 6));
  return timingSafeEqual(expected, stored);
}

/** SQL logins get a random 16-byte SID, like CREATE LOGIN without SID = does. */
export function randomSid(): Buffer {
  return randomBytes(16);
}

export function newGuid(): string {
  const b = randomBytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The random password enable_scaleout gives the logging login (nobody ever learns it). */
export function randomPassword(): string {
  return randomBytes(24).toString('base64').replace(/[+/=]/g, 'x') + 'a1!';
}

/**
 * ENCRYPTBYKEY look-alike: AES-256-GCM under the database's own key (the lab's
 * MS_Enckey_LOGDB), rendered as 0x hex text as SSISDB stores it in property_value.
 */
export function encryptWithKey(key: Buffer, clear: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(clear, 'utf16le'), c.final()]);
  return '0x' + Buffer.concat([Buffer.from([0x00, 0x02]), iv, c.getAuthTag(), body]).toString('hex').toUpperCase();
}

export function decryptWithKey(key: Buffer, text: string): string | null {
  try {
    const b = Buffer.from(text.replace(/^0x/i, ''), 'hex');
    const iv = b.subarray(2, 14);
    const tag = b.subarray(14, 30);
    const d = createDecipheriv('aes-256-gcm', key, iv);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(b.subarray(30)), d.final()]).toString('utf16le');
  } catch {
    return null;
  }
}
