import crypto from 'node:crypto';
import { md4 } from './md4';

/** NTLMv2 response computation (MS-NLMP 3.3.2). Inputs and outputs are secrets: never log them. */

export function md5(...parts: Uint8Array[]): Buffer {
  const h = crypto.createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
}

export function hmacMd5(key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const h = crypto.createHmac('md5', key);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** The NT hash (NTOWFv1): MD4(UTF-16LE(password)). */
export function ntHash(password: string): Buffer {
  return md4(Buffer.from(password, 'utf16le'));
}

/**
 * Upper-cases a user name the way Windows does (RtlUpcaseUnicodeChar: one UTF-16 unit at a time,
 * to one unit), so 'ß' stays 'ß' instead of becoming 'SS', characters outside the BMP stay as
 * they are, and no locale (Turkish dotless i) is consulted.
 */
export function upperCaseUserName(user: string): string {
  let out = '';
  for (const ch of user) {
    const upper = ch.toUpperCase();
    out += ch.length === 1 && upper.length === 1 ? upper : ch;
  }
  return out;
}

/** NTOWFv2 = HMAC-MD5(NT hash, UTF-16LE(UPPER(user) + domain)); the domain keeps its case. */
export function ntowfv2(ntHashValue: Uint8Array, user: string, domain: string): Buffer {
  return hmacMd5(ntHashValue, Buffer.from(upperCaseUserName(user) + domain, 'utf16le'));
}

/** Offset of the AV pairs inside the NTLMv2_CLIENT_CHALLENGE ("temp") structure. */
export const BLOB_AV_PAIRS_OFFSET = 28;

/**
 * NTLMv2_CLIENT_CHALLENGE ("temp"): RespType 1, HiRespType 1, Z(6), Time, ClientChallenge, Z(4),
 * the AV pairs (ending in MsvAvEOL), Z(4).
 */
export function ntlmv2ClientBlob(
  timestamp: Uint8Array,
  clientChallenge: Uint8Array,
  avPairs: Uint8Array,
): Buffer {
  const head = Buffer.alloc(BLOB_AV_PAIRS_OFFSET);
  head.writeUInt8(1, 0);
  head.writeUInt8(1, 1);
  head.set(timestamp, 8);
  head.set(clientChallenge, 16);
  return Buffer.concat([head, avPairs, Buffer.alloc(4)]);
}

export interface Ntlmv2Response {
  ntProofStr: Buffer;
  /** NtChallengeResponse = NTProofStr ‖ temp. */
  response: Buffer;
  sessionBaseKey: Buffer;
}

export function ntlmv2Response(
  responseKeyNt: Uint8Array,
  serverChallenge: Uint8Array,
  blob: Uint8Array,
): Ntlmv2Response {
  const ntProofStr = hmacMd5(responseKeyNt, serverChallenge, blob);
  return {
    ntProofStr,
    response: Buffer.concat([ntProofStr, blob]),
    sessionBaseKey: hmacMd5(responseKeyNt, ntProofStr),
  };
}

/** LMv2 response: HMAC-MD5(NTOWFv2, ServerChallenge ‖ ClientChallenge) ‖ ClientChallenge. */
export function lmv2Response(
  responseKeyLm: Uint8Array,
  serverChallenge: Uint8Array,
  clientChallenge: Uint8Array,
): Buffer {
  return Buffer.concat([hmacMd5(responseKeyLm, serverChallenge, clientChallenge), clientChallenge]);
}
