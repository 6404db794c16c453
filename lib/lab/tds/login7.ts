/**
 * LOGIN7 (MS-TDS 2.2.6.4): a 94-byte fixed part, then variable data addressed by
 * {u16 offset, u16 character count} pairs relative to the start of the payload.
 */

import { TdsProtocolError } from './packet';
import type { LoginRequest } from './types';

const FIXED_LENGTH = 94;
/** OptionFlags2.fIntSecurity: the client wants integrated (Windows) authentication. */
const INT_SECURITY = 0x80;
/** OptionFlags3.fExtension: ibExtension points at a FeatureExt block. */
const EXTENSION = 0x10;
/** TypeFlags.fReadOnlyIntent: ApplicationIntent=ReadOnly. */
const READ_ONLY_INTENT = 0x20;

export const FeatureId = { SESSIONRECOVERY: 0x01, FEDAUTH: 0x02, UTF8_SUPPORT: 0x0a } as const;

/**
 * Undoes the client's password scrambling: it swapped each byte's nibbles, then XORed
 * with 0xA5; so XOR first, then swap back.
 */
export function unscramblePassword(bytes: Buffer): string {
  const out = Buffer.alloc(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = (bytes[i] ?? 0) ^ 0xa5;
    out[i] = ((b & 0x0f) << 4) | (b >> 4);
  }
  return out.toString('utf16le');
}

/** The inverse, for tests that build LOGIN7 packets by hand. */
export function scramblePassword(password: string): Buffer {
  const bytes = Buffer.from(password, 'utf16le');
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    bytes[i] = (((b & 0x0f) << 4) | (b >> 4)) ^ 0xa5;
  }
  return bytes;
}

function slice(payload: Buffer, at: number, byteLength: number, what: string): Buffer {
  if (byteLength === 0) return Buffer.alloc(0);
  if (at + byteLength > payload.length) throw new TdsProtocolError(`LOGIN7 ${what} out of bounds`);
  return payload.subarray(at, at + byteLength);
}

function text(payload: Buffer, pairAt: number, what: string): string {
  const offset = payload.readUInt16LE(pairAt);
  const chars = payload.readUInt16LE(pairAt + 2);
  return slice(payload, offset, chars * 2, what).toString('utf16le');
}

function parseFeatureExt(payload: Buffer, at: number): Map<number, Buffer> {
  const features = new Map<number, Buffer>();
  let pos = at;
  while (pos < payload.length) {
    const id = payload.readUInt8(pos);
    if (id === 0xff) return features;
    if (pos + 5 > payload.length) break;
    const length = payload.readUInt32LE(pos + 1);
    features.set(id, slice(payload, pos + 5, length, `feature 0x${id.toString(16)}`));
    pos += 5 + length;
  }
  throw new TdsProtocolError('LOGIN7 FeatureExt without terminator');
}

export function parseLogin7(payload: Buffer): LoginRequest {
  if (payload.length < FIXED_LENGTH)
    throw new TdsProtocolError('LOGIN7 shorter than its fixed part');
  const optionFlags2 = payload.readUInt8(25);
  const typeFlags = payload.readUInt8(26);
  const optionFlags3 = payload.readUInt8(27);

  const passwordOffset = payload.readUInt16LE(44);
  const passwordChars = payload.readUInt16LE(46);
  const changeOffset = payload.readUInt16LE(86);
  const changeChars = payload.readUInt16LE(88);

  const sspiOffset = payload.readUInt16LE(78);
  const sspiShort = payload.readUInt16LE(80);
  // cbSSPI 0xFFFF means the real length is in cbSSPILong.
  const sspiLength = sspiShort === 0xffff ? payload.readUInt32LE(90) : sspiShort;

  let features = new Map<number, Buffer>();
  if (optionFlags3 & EXTENSION) {
    // ibExtension points at a u32 holding the FeatureExt offset (clients differ on where
    // the block itself sits, so always follow the pointer).
    const pointerAt = payload.readUInt16LE(56);
    const pointerLength = payload.readUInt16LE(58);
    if (pointerLength >= 4 && pointerAt + 4 <= payload.length) {
      const blockAt = payload.readUInt32LE(pointerAt);
      if (blockAt > 0 && blockAt < payload.length) features = parseFeatureExt(payload, blockAt);
    }
  }

  return {
    tdsVersion: payload.readUInt32LE(4),
    packetSize: payload.readUInt32LE(8),
    clientProgVer: payload.readUInt32LE(12),
    clientPid: payload.readUInt32LE(16),
    connectionId: payload.readUInt32LE(20),
    optionFlags1: payload.readUInt8(24),
    optionFlags2,
    typeFlags,
    optionFlags3,
    clientTimeZone: payload.readInt32LE(28),
    clientLcid: payload.readUInt32LE(32),
    hostName: text(payload, 36, 'HostName'),
    userName: text(payload, 40, 'UserName'),
    password: unscramblePassword(slice(payload, passwordOffset, passwordChars * 2, 'Password')),
    appName: text(payload, 48, 'AppName'),
    serverName: text(payload, 52, 'ServerName'),
    libraryName: text(payload, 60, 'CltIntName'),
    language: text(payload, 64, 'Language'),
    database: text(payload, 68, 'Database'),
    clientId: Buffer.from(payload.subarray(72, 78)),
    attachDbFile: text(payload, 82, 'AtchDBFile'),
    changePassword: unscramblePassword(
      slice(payload, changeOffset, changeChars * 2, 'ChangePassword'),
    ),
    sspi: Buffer.from(slice(payload, sspiOffset, sspiLength, 'SSPI')),
    integratedSecurity: (optionFlags2 & INT_SECURITY) !== 0,
    readOnlyIntent: (typeFlags & READ_ONLY_INTENT) !== 0,
    features,
  };
}

/** TDS versions the lab speaks (LOGIN7 little-endian value → name). 7.1 and older use other token widths. */
export const SupportedTdsVersions: ReadonlyMap<number, string> = new Map([
  [0x72090002, '7.2'],
  [0x730a0003, '7.3A'],
  [0x730b0003, '7.3B'],
  [0x74000004, '7.4'],
]);
export const TDS_7_4 = 0x74000004;
