/** Little helpers for reading and writing TDS byte layouts (little-endian unless named BE). */

import { TdsProtocolError } from './packet';

export class Writer {
  private buf: Buffer;
  private pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.alloc(initial);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf.writeUInt8(v & 0xff, this.pos);
    this.pos += 1;
    return this;
  }
  i8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16LE(v & 0xffff, this.pos);
    this.pos += 2;
    return this;
  }
  u16be(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v & 0xffff, this.pos);
    this.pos += 2;
    return this;
  }
  i16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16LE(v, this.pos);
    this.pos += 2;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }
  u32be(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }
  i32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.pos);
    this.pos += 4;
    return this;
  }
  i64(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64LE(v, this.pos);
    this.pos += 8;
    return this;
  }
  u64(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigUInt64LE(v, this.pos);
    this.pos += 8;
    return this;
  }
  f32(v: number): this {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.pos);
    this.pos += 4;
    return this;
  }
  f64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
    return this;
  }
  /** Unsigned little-endian integer of `bytes` bytes (3 and 5 are used by date/time types). */
  uintN(v: number, bytes: number): this {
    this.ensure(bytes);
    this.buf.writeUIntLE(v, this.pos, bytes);
    this.pos += bytes;
    return this;
  }
  bytes(b: Buffer): this {
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
    return this;
  }
  /** B_VARCHAR: character count in one byte, then UTF-16LE. */
  bVarchar(s: string): this {
    const b = Buffer.from(s, 'utf16le');
    if (b.length / 2 > 255) throw new RangeError(`B_VARCHAR too long: ${s.slice(0, 40)}…`);
    return this.u8(b.length / 2).bytes(b);
  }
  /** US_VARCHAR: character count in two bytes, then UTF-16LE. */
  usVarchar(s: string): this {
    const b = Buffer.from(s, 'utf16le');
    if (b.length / 2 > 0xffff) throw new RangeError('US_VARCHAR too long');
    return this.u16(b.length / 2).bytes(b);
  }
  /** B_VARBYTE: byte count in one byte, then the bytes. */
  bVarbyte(b: Buffer): this {
    return this.u8(b.length).bytes(b);
  }
  /** Overwrites a u16 written earlier (token lengths are known only at the end). */
  patchU16(at: number, v: number): this {
    this.buf.writeUInt16LE(v, at);
    return this;
  }
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

export class Reader {
  pos = 0;

  constructor(readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new TdsProtocolError(`truncated TDS payload: need ${n} bytes at offset ${this.pos}`);
    }
  }

  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.pos++);
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  bVarchar(): string {
    const chars = this.u8();
    return this.bytes(chars * 2).toString('utf16le');
  }
  usVarchar(): string {
    const chars = this.u16();
    return this.bytes(chars * 2).toString('utf16le');
  }
  rest(): Buffer {
    return this.bytes(this.remaining);
  }
}

/*
 * Windows-1252, the code page of the SQL_Latin1_General_CP1_CI_AS collation we announce.
 * It equals Latin-1 except for 0x80–0x9F; tedious decodes VARCHAR with it (iconv-lite),
 * so the lab must encode VARCHAR the same way.
 */
const CP1252_HIGH: readonly number[] = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039,
  0x0152, 0x8d, 0x017d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc,
  0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];
const CP1252_REVERSE = new Map<number, number>(CP1252_HIGH.map((cp, i) => [cp, 0x80 + i]));

export function encodeCp1252(s: string): Buffer {
  const out = Buffer.alloc(s.length);
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0x3f;
    const mapped = CP1252_REVERSE.get(cp);
    if (mapped !== undefined) out[n++] = mapped;
    else if (cp < 0x80 || (cp >= 0xa0 && cp <= 0xff)) out[n++] = cp;
    else out[n++] = 0x3f; // '?', as SQL Server does for characters outside the code page
  }
  return out.subarray(0, n);
}

export function decodeCp1252(b: Buffer): string {
  let s = '';
  for (const byte of b) {
    s += String.fromCharCode(
      byte >= 0x80 && byte <= 0x9f ? (CP1252_HIGH[byte - 0x80] ?? byte) : byte,
    );
  }
  return s;
}
