import { NtlmError } from './errors';

/** Shared framing of the three NTLM messages (MS-NLMP 2.2): signature, type, security buffers. */

export const NTLMSSP_SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

export const MessageType = { NEGOTIATE: 1, CHALLENGE: 2, AUTHENTICATE: 3 } as const;

const TYPE_NAMES: Record<number, string> = { 1: 'NEGOTIATE', 2: 'CHALLENGE', 3: 'AUTHENTICATE' };

export function badMessage(what: string, detail: string): NtlmError {
  return new NtlmError('NTLM_BAD_MESSAGE', `Malformed NTLM ${what} message: ${detail}`);
}

/** Checks the signature, type and minimum length of a received message. */
export function expectHeader(msg: Buffer, type: number, minLength: number): void {
  const what = TYPE_NAMES[type] ?? 'unknown';
  if (msg.length < 12 || !msg.subarray(0, 8).equals(NTLMSSP_SIGNATURE)) {
    throw badMessage(what, 'missing the NTLMSSP signature');
  }
  const actual = msg.readUInt32LE(8);
  if (actual !== type) {
    throw badMessage(what, `expected message type ${type}, got ${actual}`);
  }
  if (msg.length < minLength)
    throw badMessage(what, `${msg.length} bytes is shorter than the ${minLength}-byte header`);
}

/** A security buffer's location (Len, MaxLen, Offset), validated against the message size. */
export interface FieldRef {
  offset: number;
  length: number;
}

export function readFieldRef(msg: Buffer, at: number, what: string, name: string): FieldRef {
  const length = msg.readUInt16LE(at);
  const offset = msg.readUInt32LE(at + 4);
  if (length > 0 && offset + length > msg.length) {
    throw badMessage(
      what,
      `${name} (offset ${offset}, length ${length}) runs past the end (${msg.length} bytes)`,
    );
  }
  return { offset, length };
}

/**
 * Where the payload starts: the lowest offset of the non-empty fields at `positions`, or the
 * message length. Optional header parts (Version, MIC) exist only below it.
 */
export function lowestFieldOffset(msg: Buffer, positions: readonly number[]): number {
  let lowest = msg.length;
  for (const at of positions) {
    if (msg.readUInt16LE(at) > 0) lowest = Math.min(lowest, msg.readUInt32LE(at + 4));
  }
  return lowest;
}

/** Copies a security buffer's bytes out of the message. */
export function readField(msg: Buffer, at: number, what: string, name: string): Buffer {
  const ref = readFieldRef(msg, at, what, name);
  return Buffer.from(msg.subarray(ref.offset, ref.offset + ref.length));
}

export function decodeText(bytes: Buffer, unicode: boolean, what: string, name: string): string {
  if (!unicode) return bytes.toString('latin1');
  if (bytes.length % 2 !== 0) throw badMessage(what, `${name} has an odd length for UTF-16`);
  return bytes.toString('utf16le');
}

/** Strings go on the wire as UTF-16LE when UNICODE is negotiated, else in the OEM code page (Latin-1 here). */
export function encodeText(text: string, unicode: boolean): Buffer {
  return Buffer.from(text, unicode ? 'utf16le' : 'latin1');
}

/**
 * Lays out a message: a fixed header, then the payload fields in the order given, each field's
 * security buffer written at its header position.
 */
export function buildMessage(
  header: Buffer,
  fields: ReadonlyArray<{ at: number; data: Buffer }>,
): Buffer {
  let offset = header.length;
  for (const { at, data } of fields) {
    if (data.length > 0xffff)
      throw new RangeError('An NTLM message field must be shorter than 64 KiB');
    header.writeUInt16LE(data.length, at);
    header.writeUInt16LE(data.length, at + 2);
    header.writeUInt32LE(offset, at + 4);
    offset += data.length;
  }
  return Buffer.concat([header, ...fields.map((f) => f.data)]);
}

/** A message header with the signature and type filled in. */
export function newHeader(length: number, type: number): Buffer {
  const header = Buffer.alloc(length);
  NTLMSSP_SIGNATURE.copy(header, 0);
  header.writeUInt32LE(type, 8);
  return header;
}

/** The VERSION structure (2.2.2.10): product major/minor/build, then NTLMSSP_REVISION_W2K3 (15). */
export function encodeVersion(major: number, minor: number, build: number): Buffer {
  const v = Buffer.alloc(8);
  v.writeUInt8(major, 0);
  v.writeUInt8(minor, 1);
  v.writeUInt16LE(build, 2);
  v.writeUInt8(0x0f, 7);
  return v;
}

/** Windows Server 2022 (10.0.20348), what the lab's hosts claim to be. */
export const DEFAULT_VERSION = encodeVersion(10, 0, 20348);
