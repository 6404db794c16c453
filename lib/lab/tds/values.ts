/**
 * JavaScript values → SQL Server value bodies: coercion with clear errors, GUID byte
 * order, exact decimals, and the calendar arithmetic of the date/time types.
 */

import { Writer } from './buffers';
import {
  DAYS_0001_TO_1970,
  DAYS_1900_TO_1970,
  MS_PER_DAY,
  decimalLength,
  timeLength,
} from './wire-constants';
import type { DateTimeOffsetValue, SqlScalar, SqlType } from './types';

export function fail(t: SqlType, v: unknown): never {
  const shown = typeof v === 'bigint' ? `${v}n` : (JSON.stringify(v) ?? String(v));
  throw new TypeError(`cannot encode ${shown} as ${t.type}`);
}

export function toBigInt(t: SqlType, v: SqlScalar): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return BigInt(v.trim());
  return fail(t, v);
}

export function toNumber(t: SqlType, v: SqlScalar): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return fail(t, v);
}

export function toText(t: SqlType, v: SqlScalar): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  return fail(t, v);
}

export function toBinary(t: SqlType, v: SqlScalar): Buffer {
  if (Buffer.isBuffer(v)) return v;
  return fail(t, v);
}

export function isDto(v: SqlScalar): v is DateTimeOffsetValue {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Buffer.isBuffer(v) &&
    !(v instanceof Date) &&
    v.kind === 'datetimeoffset'
  );
}

export function toDate(t: SqlType, v: SqlScalar): Date {
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v;
  if (isDto(v)) return v.date;
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(v);
  return fail(t, v);
}

/** The 16 bytes of a GUID as SQL Server stores it: the first three groups little-endian. */
export function guidToBytes(guid: string): Buffer {
  const hex = guid.replace(/[{}-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`not a uniqueidentifier: ${guid}`);
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8),
  ]);
}

export function bytesToGuid(b: Buffer): string {
  const h = Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8, 16),
  ]).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`.toUpperCase();
}

/** Scaled integer of a decimal value; rounds half away from zero like SQL Server. */
export function decimalToScaled(t: SqlType, v: SqlScalar, scale: number): bigint {
  const text = typeof v === 'number' ? v.toFixed(Math.min(20, scale + 1)) : toText(t, v).trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return fail(t, v);
  const negative = m[1] === '-';
  const frac = (m[3] ?? '').padEnd(scale + 1, '0');
  let scaled = BigInt((m[2] || '0') + frac.slice(0, scale));
  if (Number(frac.charAt(scale)) >= 5) scaled += 1n;
  return negative ? -scaled : scaled;
}

export function scaledToDecimal(scaled: bigint, scale: number): string {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

export function dayNumber(date: Date): number {
  return Math.floor(date.getTime() / MS_PER_DAY);
}

/** Time of day in 10^-scale second units, as SQL Server rounds it. */
export function timeUnits(date: Date, scale: number): number {
  const msOfDay = date.getTime() - dayNumber(date) * MS_PER_DAY;
  const units = Math.round((msOfDay * 10 ** scale) / 1000);
  return Math.min(units, 86_400 * 10 ** scale - 1);
}

export function writeTimeAndDate(w: Writer, date: Date, scale: number): void {
  w.uintN(timeUnits(date, scale), timeLength(scale));
  w.uintN(dayNumber(date) + DAYS_0001_TO_1970, 3);
}

export function writeDecimalBody(
  w: Writer,
  t: SqlType,
  v: SqlScalar,
  precision: number,
  scale: number,
): void {
  const scaled = decimalToScaled(t, v, scale);
  const magnitude = scaled < 0n ? -scaled : scaled;
  if (magnitude >= 10n ** BigInt(precision))
    throw new RangeError(`${String(v)} does not fit decimal(${precision},${scale})`);
  w.u8(scaled < 0n ? 0 : 1);
  const bytes = decimalLength(precision) - 1;
  for (let i = 0; i < bytes; i++) w.u8(Number((magnitude >> BigInt(8 * i)) & 0xffn));
}

export function writeMoneyBody(w: Writer, t: SqlType, v: SqlScalar, small: boolean): void {
  const scaled = decimalToScaled(t, v, 4);
  if (small) {
    w.i32(Number(scaled));
    return;
  }
  // MONEY is a 64-bit integer sent as the high 32 bits then the low 32 bits.
  const u = BigInt.asUintN(64, scaled);
  w.u32(Number(u >> 32n)).u32(Number(u & 0xffffffffn));
}

export function writeDateTimeBody(w: Writer, date: Date, small: boolean): void {
  const days = dayNumber(date) + DAYS_1900_TO_1970;
  const msOfDay = date.getTime() - dayNumber(date) * MS_PER_DAY;
  if (small) {
    w.u16(days).u16(Math.round(msOfDay / 60_000));
    return;
  }
  // DATETIME counts 1/300 s; a value that rounds up to midnight moves to the next day.
  let ticks = Math.round((msOfDay * 300) / 1000);
  let d = days;
  if (ticks >= 300 * 86_400) {
    ticks = 0;
    d += 1;
  }
  w.i32(d).u32(ticks);
}
