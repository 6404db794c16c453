/**
 * Wire formats of SQL Server data types (MS-TDS 2.2.5.4–2.2.5.5): TYPE_INFO for COLMETADATA
 * and RETURNVALUE, and the value encodings used in ROW and RETURNVALUE. Only the nullable
 * ("N") variants are emitted, which is what SQL Server itself sends for expressions and
 * what every client parses.
 */

import { Writer, encodeCp1252 } from './buffers';
import { isVariant, writeVariant } from './variant';
import {
  DAYS_0001_TO_1970,
  DEFAULT_COLLATION,
  MAX_MARKER,
  PLP_NULL,
  TypeId,
  decimalLength,
  timeLength,
} from './wire-constants';
import {
  dayNumber,
  guidToBytes,
  isDto,
  timeUnits,
  toBigInt,
  toBinary,
  toDate,
  toNumber,
  toText,
  writeDateTimeBody,
  writeDecimalBody,
  writeMoneyBody,
  writeTimeAndDate,
} from './values';
import type { SqlType, SqlValue } from './types';

function checkScale(scale: number): void {
  if (!Number.isInteger(scale) || scale < 0 || scale > 7)
    throw new RangeError(`invalid time scale ${scale}`);
}

function checkLength(t: SqlType & { length: number | 'max' }, max: number): void {
  if (t.length === 'max') return;
  if (!Number.isInteger(t.length) || t.length < 1 || t.length > max) {
    throw new RangeError(`invalid length ${t.length} for ${t.type}(1..${max} or max)`);
  }
}

/** TYPE_INFO as it appears in COLMETADATA and RETURNVALUE. */
export function writeTypeInfo(w: Writer, t: SqlType): void {
  switch (t.type) {
    case 'tinyint':
      w.u8(TypeId.INTN).u8(1);
      return;
    case 'smallint':
      w.u8(TypeId.INTN).u8(2);
      return;
    case 'int':
      w.u8(TypeId.INTN).u8(4);
      return;
    case 'bigint':
      w.u8(TypeId.INTN).u8(8);
      return;
    case 'bit':
      w.u8(TypeId.BITN).u8(1);
      return;
    case 'real':
      w.u8(TypeId.FLTN).u8(4);
      return;
    case 'float':
      w.u8(TypeId.FLTN).u8(8);
      return;
    case 'smallmoney':
      w.u8(TypeId.MONEYN).u8(4);
      return;
    case 'money':
      w.u8(TypeId.MONEYN).u8(8);
      return;
    case 'decimal':
      if (t.precision < 1 || t.precision > 38 || t.scale < 0 || t.scale > t.precision) {
        throw new RangeError(`invalid decimal(${t.precision},${t.scale})`);
      }
      w.u8(TypeId.DECIMALN).u8(decimalLength(t.precision)).u8(t.precision).u8(t.scale);
      return;
    case 'nvarchar':
      checkLength(t, 4000);
      w.u8(TypeId.NVARCHAR)
        .u16(t.length === 'max' ? MAX_MARKER : t.length * 2)
        .bytes(DEFAULT_COLLATION);
      return;
    case 'nchar':
      checkLength(t, 4000);
      w.u8(TypeId.NCHAR)
        .u16(t.length * 2)
        .bytes(DEFAULT_COLLATION);
      return;
    case 'varchar':
      checkLength(t, 8000);
      w.u8(TypeId.BIGVARCHR)
        .u16(t.length === 'max' ? MAX_MARKER : t.length)
        .bytes(DEFAULT_COLLATION);
      return;
    case 'char':
      checkLength(t, 8000);
      w.u8(TypeId.BIGCHAR).u16(t.length).bytes(DEFAULT_COLLATION);
      return;
    case 'varbinary':
      checkLength(t, 8000);
      w.u8(TypeId.BIGVARBIN).u16(t.length === 'max' ? MAX_MARKER : t.length);
      return;
    case 'binary':
      checkLength(t, 8000);
      w.u8(TypeId.BIGBINARY).u16(t.length);
      return;
    case 'uniqueidentifier':
      w.u8(TypeId.GUID).u8(16);
      return;
    case 'date':
      w.u8(TypeId.DATEN);
      return;
    case 'time':
      checkScale(t.scale);
      w.u8(TypeId.TIMEN).u8(t.scale);
      return;
    case 'smalldatetime':
      w.u8(TypeId.DATETIMN).u8(4);
      return;
    case 'datetime':
      w.u8(TypeId.DATETIMN).u8(8);
      return;
    case 'datetime2':
      checkScale(t.scale);
      w.u8(TypeId.DATETIME2N).u8(t.scale);
      return;
    case 'datetimeoffset':
      checkScale(t.scale);
      w.u8(TypeId.DATETIMEOFFSETN).u8(t.scale);
      return;
    case 'sql_variant':
      w.u8(TypeId.SSVARIANT).u32(8016);
      return;
  }
}

export function isPlp(t: SqlType): boolean {
  return (
    (t.type === 'nvarchar' || t.type === 'varchar' || t.type === 'varbinary') && t.length === 'max'
  );
}

/** Chunk size for PLP values; any size works, SQL Server uses packet-sized chunks. */
const PLP_CHUNK = 8000;

function writePlp(w: Writer, data: Buffer): void {
  w.u64(BigInt(data.length));
  for (let off = 0; off < data.length; off += PLP_CHUNK) {
    const chunk = data.subarray(off, off + PLP_CHUNK);
    w.u32(chunk.length).bytes(chunk);
  }
  w.u32(0);
}

/** A value in ROW / RETURNVALUE form for a column of type `t` (NULL included). */
export function writeValue(w: Writer, t: SqlType, v: SqlValue): void {
  if (t.type === 'sql_variant') {
    writeVariant(w, v);
    return;
  }
  if (isVariant(v)) {
    writeValue(w, t, v.value);
    return;
  }
  if (v === null) {
    if (isPlp(t)) w.u64(PLP_NULL);
    else if (['nvarchar', 'nchar', 'varchar', 'char', 'varbinary', 'binary'].includes(t.type))
      w.u16(0xffff);
    else w.u8(0);
    return;
  }
  switch (t.type) {
    case 'tinyint':
    case 'smallint':
    case 'int':
    case 'bigint': {
      const n = toBigInt(t, v);
      const size = { tinyint: 1, smallint: 2, int: 4, bigint: 8 }[t.type];
      const min = t.type === 'tinyint' ? 0n : -(1n << BigInt(size * 8 - 1));
      const max = t.type === 'tinyint' ? 255n : (1n << BigInt(size * 8 - 1)) - 1n;
      if (n < min || n > max) throw new RangeError(`${n} is out of range for ${t.type}`);
      w.u8(size);
      if (size === 8) w.i64(n);
      else if (size === 4) w.i32(Number(n));
      else if (size === 2) w.i16(Number(n));
      else w.u8(Number(n));
      return;
    }
    case 'bit':
      w.u8(1).u8(toNumber(t, v) ? 1 : 0);
      return;
    case 'real':
      w.u8(4).f32(toNumber(t, v));
      return;
    case 'float':
      w.u8(8).f64(toNumber(t, v));
      return;
    case 'smallmoney':
      w.u8(4);
      writeMoneyBody(w, t, v, true);
      return;
    case 'money':
      w.u8(8);
      writeMoneyBody(w, t, v, false);
      return;
    case 'decimal':
      w.u8(decimalLength(t.precision));
      writeDecimalBody(w, t, v, t.precision, t.scale);
      return;
    case 'nvarchar':
    case 'nchar': {
      const data = Buffer.from(toText(t, v), 'utf16le');
      if (isPlp(t)) writePlp(w, data);
      else w.u16(data.length).bytes(data);
      return;
    }
    case 'varchar':
    case 'char': {
      const data = encodeCp1252(toText(t, v));
      if (isPlp(t)) writePlp(w, data);
      else w.u16(data.length).bytes(data);
      return;
    }
    case 'varbinary':
    case 'binary': {
      const data = toBinary(t, v);
      if (isPlp(t)) writePlp(w, data);
      else w.u16(data.length).bytes(data);
      return;
    }
    case 'uniqueidentifier':
      w.u8(16).bytes(guidToBytes(toText(t, v)));
      return;
    case 'date':
      w.u8(3).uintN(dayNumber(toDate(t, v)) + DAYS_0001_TO_1970, 3);
      return;
    case 'time':
      w.u8(timeLength(t.scale)).uintN(timeUnits(toDate(t, v), t.scale), timeLength(t.scale));
      return;
    case 'smalldatetime':
      w.u8(4);
      writeDateTimeBody(w, toDate(t, v), true);
      return;
    case 'datetime':
      w.u8(8);
      writeDateTimeBody(w, toDate(t, v), false);
      return;
    case 'datetime2':
      w.u8(timeLength(t.scale) + 3);
      writeTimeAndDate(w, toDate(t, v), t.scale);
      return;
    case 'datetimeoffset':
      // Time and date are the UTC instant; the offset only says how to display it.
      w.u8(timeLength(t.scale) + 5);
      writeTimeAndDate(w, toDate(t, v), t.scale);
      w.i16(isDto(v) ? v.offsetMinutes : 0);
      return;
  }
}
