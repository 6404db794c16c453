/**
 * PRELOGIN (MS-TDS 2.2.6.5): option table of {token, u16 BE offset, u16 BE length}
 * ended by 0xFF, followed by the option data. Offsets count from the payload start.
 */

import { Writer } from './buffers';
import { TdsProtocolError } from './packet';
import type { SqlServerVersion } from './types';

export const PreloginOption = {
  VERSION: 0x00,
  ENCRYPTION: 0x01,
  INSTOPT: 0x02,
  THREADID: 0x03,
  MARS: 0x04,
  TRACEID: 0x05,
  FEDAUTHREQUIRED: 0x06,
  NONCEOPT: 0x07,
  TERMINATOR: 0xff,
} as const;

export const Encrypt = { OFF: 0x00, ON: 0x01, NOT_SUP: 0x02, REQ: 0x03 } as const;

export interface ClientPrelogin {
  version?: Buffer;
  /** Low bits of the ENCRYPTION byte (the 0x80 CLIENT_CERT flag is masked off). */
  encryption: number;
  instance: string;
  threadId?: number;
  mars: boolean;
  options: ReadonlyMap<number, Buffer>;
}

export function parsePrelogin(payload: Buffer): ClientPrelogin {
  const options = new Map<number, Buffer>();
  let pos = 0;
  for (;;) {
    if (pos >= payload.length) throw new TdsProtocolError('PRELOGIN without terminator');
    const token = payload.readUInt8(pos);
    if (token === PreloginOption.TERMINATOR) break;
    if (pos + 5 > payload.length) throw new TdsProtocolError('truncated PRELOGIN option table');
    const offset = payload.readUInt16BE(pos + 1);
    const length = payload.readUInt16BE(pos + 3);
    if (offset + length > payload.length)
      throw new TdsProtocolError(`PRELOGIN option ${token} out of bounds`);
    options.set(token, payload.subarray(offset, offset + length));
    pos += 5;
  }
  const enc = options.get(PreloginOption.ENCRYPTION);
  const inst = options.get(PreloginOption.INSTOPT);
  const thread = options.get(PreloginOption.THREADID);
  const mars = options.get(PreloginOption.MARS);
  return {
    version: options.get(PreloginOption.VERSION),
    // A client that sends no ENCRYPTION option cannot do TLS.
    encryption: enc && enc.length > 0 ? enc.readUInt8(0) & 0x0f : Encrypt.NOT_SUP,
    instance: inst ? inst.toString('latin1').replace(/\0.*$/s, '') : '',
    threadId: thread && thread.length >= 4 ? thread.readUInt32BE(0) : undefined,
    mars: mars !== undefined && mars.length > 0 && mars.readUInt8(0) === 1,
    options,
  };
}

/**
 * What the session does about TLS:
 * - 'off': plaintext throughout;
 * - 'login-only': TLS for the LOGIN7 packet only, then plaintext (client sent OFF, server has a certificate: SQL Server's default);
 * - 'on': TLS for the whole session;
 * - 'refuse': the server demands TLS the client cannot do; it will hang up.
 */
export type EncryptionDecision = { reply: number; mode: 'off' | 'login-only' | 'on' | 'refuse' };

/** The MS-TDS encryption matrix, as SQL Server applies it (reference B3). */
export function decideEncryption(
  client: number,
  hasCertificate: boolean,
  forceEncryption: boolean,
): EncryptionDecision {
  if (!hasCertificate) return { reply: Encrypt.NOT_SUP, mode: 'off' };
  switch (client) {
    case Encrypt.ON:
    case Encrypt.REQ:
      return { reply: Encrypt.ON, mode: 'on' };
    case Encrypt.OFF:
      return forceEncryption
        ? { reply: Encrypt.REQ, mode: 'on' }
        : { reply: Encrypt.OFF, mode: 'login-only' };
    default:
      return forceEncryption
        ? { reply: Encrypt.REQ, mode: 'refuse' }
        : { reply: Encrypt.NOT_SUP, mode: 'off' };
  }
}

/**
 * The server's PRELOGIN: VERSION, ENCRYPTION, INSTOPT, THREADID (empty), MARS (off).
 * The same set FreeTDS's own server sends; FEDAUTHREQUIRED is left out because the lab
 * has no Entra ID authentication.
 */
export function buildPreloginResponse(version: SqlServerVersion, encryption: number): Buffer {
  const versionBytes = new Writer(6)
    .u8(version.major)
    .u8(version.minor)
    .u16be(version.build)
    .u16be(version.revision)
    .toBuffer();
  const options: [number, Buffer][] = [
    [PreloginOption.VERSION, versionBytes],
    [PreloginOption.ENCRYPTION, Buffer.from([encryption])],
    [PreloginOption.INSTOPT, Buffer.from([0x00])],
    [PreloginOption.THREADID, Buffer.alloc(0)],
    [PreloginOption.MARS, Buffer.from([0x00])],
  ];
  const w = new Writer(64);
  let dataOffset = options.length * 5 + 1;
  for (const [token, data] of options) {
    w.u8(token).u16be(dataOffset).u16be(data.length);
    dataOffset += data.length;
  }
  w.u8(PreloginOption.TERMINATOR);
  for (const [, data] of options) w.bytes(data);
  return w.toBuffer();
}
