/**
 * RPC parameter decoding (MS-TDS 2.2.6.6 ParameterData): name, status flags, TYPE_INFO
 * and the value, for every type tedious and FreeTDS send.
 */

import { Reader, decodeCp1252 } from './buffers';
import { bytesToGuid, scaledToDecimal } from './values';
import {
  DAYS_0001_TO_1970,
  DAYS_1900_TO_1970,
  MS_PER_DAY,
  PLP_NULL,
  TypeId,
  decimalLength,
} from './wire-constants';
import { TdsProtocolError } from './packet';
import type { RpcParam, SqlScalar, SqlType, SqlValue } from './types';

export class UnsupportedParameterError extends Error {
  constructor(
    readonly ordinal: number,
    readonly paramName: string,
    readonly typeId: number,
  ) {
    super(
      `parameter ${ordinal} (${paramName}): data type 0x${typeId.toString(16).toUpperCase()} is not supported`,
    );
  }
}

export function readParam(r: Reader, ordinal: number): RpcParam {
  const name = r.bVarchar();
  const status = r.u8();
  const typeId = r.u8();
  const decoded = readTypedValue(r, typeId, ordinal, name);
  return {
    name,
    type: decoded.type,
    value: decoded.value,
    output: (status & 0x01) !== 0,
    useDefault: (status & 0x02) !== 0,
  };
}

function readPlp(r: Reader): Buffer | null {
  const total = r.u64();
  if (total === PLP_NULL) return null;
  const chunks: Buffer[] = [];
  for (;;) {
    const length = r.u32();
    if (length === 0) break;
    chunks.push(r.bytes(length));
  }
  return Buffer.concat(chunks);
}

function readIntLE(b: Buffer): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i] ?? 0);
  return v;
}

function readTime(b: Buffer, scale: number): number {
  // Units of 10^-scale seconds since midnight → milliseconds.
  return (Number(readIntLE(b)) * 1000) / 10 ** scale;
}

function readDateDays(b: Buffer): number {
  return Number(readIntLE(b)) - DAYS_0001_TO_1970;
}

function intType(size: number): SqlType {
  return size === 1
    ? { type: 'tinyint' }
    : size === 2
      ? { type: 'smallint' }
      : size === 4
        ? { type: 'int' }
        : { type: 'bigint' };
}

function decodeInt(b: Buffer): SqlScalar {
  switch (b.length) {
    case 1:
      return b.readUInt8(0);
    case 2:
      return b.readInt16LE(0);
    case 4:
      return b.readInt32LE(0);
    case 8:
      return b.readBigInt64LE(0);
    default:
      throw new TdsProtocolError(`bad integer length ${b.length}`);
  }
}

function decodeFloat(b: Buffer): number {
  return b.length === 4 ? b.readFloatLE(0) : b.readDoubleLE(0);
}

function decodeMoney(b: Buffer): string {
  if (b.length === 4) return scaledToDecimal(BigInt(b.readInt32LE(0)), 4);
  const scaled = (BigInt(b.readInt32LE(0)) << 32n) | BigInt(b.readUInt32LE(4));
  return scaledToDecimal(scaled, 4);
}

function decodeDateTime(b: Buffer): Date {
  if (b.length === 4) {
    const days = b.readUInt16LE(0) - DAYS_1900_TO_1970;
    return new Date(days * MS_PER_DAY + b.readUInt16LE(2) * 60_000);
  }
  const days = b.readInt32LE(0) - DAYS_1900_TO_1970;
  return new Date(days * MS_PER_DAY + Math.round((b.readUInt32LE(4) * 1000) / 300));
}

function decodeDecimal(b: Buffer, scale: number): string {
  const magnitude = readIntLE(b.subarray(1));
  return scaledToDecimal(b[0] === 0 ? -magnitude : magnitude, scale);
}

/** Reads TYPE_INFO (after the type byte) and the value that follows it. */
function readTypedValue(
  r: Reader,
  typeId: number,
  ordinal: number,
  name: string,
): { type: SqlType; value: SqlValue } {
  switch (typeId) {
    case TypeId.NULL:
      return { type: { type: 'int' }, value: null };
    case TypeId.INT1:
    case TypeId.INT2:
    case TypeId.INT4:
    case TypeId.INT8: {
      const size = { [TypeId.INT1]: 1, [TypeId.INT2]: 2, [TypeId.INT4]: 4, [TypeId.INT8]: 8 }[
        typeId
      ];
      return { type: intType(size), value: decodeInt(r.bytes(size)) };
    }
    case TypeId.BIT:
      return { type: { type: 'bit' }, value: r.u8() !== 0 };
    case TypeId.FLT4:
      return { type: { type: 'real' }, value: decodeFloat(r.bytes(4)) };
    case TypeId.FLT8:
      return { type: { type: 'float' }, value: decodeFloat(r.bytes(8)) };
    case TypeId.MONEY4:
      return { type: { type: 'smallmoney' }, value: decodeMoney(r.bytes(4)) };
    case TypeId.MONEY:
      return { type: { type: 'money' }, value: decodeMoney(r.bytes(8)) };
    case TypeId.DATETIM4:
      return { type: { type: 'smalldatetime' }, value: decodeDateTime(r.bytes(4)) };
    case TypeId.DATETIME:
      return { type: { type: 'datetime' }, value: decodeDateTime(r.bytes(8)) };
    case TypeId.INTN:
    case TypeId.BITN:
    case TypeId.FLTN:
    case TypeId.MONEYN:
    case TypeId.DATETIMN:
    case TypeId.GUID: {
      const maxLength = r.u8();
      const type: SqlType =
        typeId === TypeId.INTN
          ? intType(maxLength)
          : typeId === TypeId.BITN
            ? { type: 'bit' }
            : typeId === TypeId.FLTN
              ? { type: maxLength === 4 ? 'real' : 'float' }
              : typeId === TypeId.MONEYN
                ? { type: maxLength === 4 ? 'smallmoney' : 'money' }
                : typeId === TypeId.DATETIMN
                  ? { type: maxLength === 4 ? 'smalldatetime' : 'datetime' }
                  : { type: 'uniqueidentifier' };
      const length = r.u8();
      if (length === 0) return { type, value: null };
      const b = r.bytes(length);
      const value: SqlScalar =
        typeId === TypeId.INTN
          ? decodeInt(b)
          : typeId === TypeId.BITN
            ? b[0] !== 0
            : typeId === TypeId.FLTN
              ? decodeFloat(b)
              : typeId === TypeId.MONEYN
                ? decodeMoney(b)
                : typeId === TypeId.DATETIMN
                  ? decodeDateTime(b)
                  : bytesToGuid(b);
      return { type, value };
    }
    case TypeId.DECIMALN:
    case TypeId.NUMERICN: {
      r.u8(); // max length, implied by precision
      const precision = r.u8();
      const scale = r.u8();
      const type: SqlType = { type: 'decimal', precision, scale };
      const length = r.u8();
      if (length === 0) return { type, value: null };
      if (length !== decimalLength(precision) && length > 17)
        throw new TdsProtocolError('bad decimal length');
      return { type, value: decodeDecimal(r.bytes(length), scale) };
    }
    case TypeId.DATEN: {
      const length = r.u8();
      return {
        type: { type: 'date' },
        value: length === 0 ? null : new Date(readDateDays(r.bytes(3)) * MS_PER_DAY),
      };
    }
    case TypeId.TIMEN:
    case TypeId.DATETIME2N:
    case TypeId.DATETIMEOFFSETN: {
      const scale = r.u8();
      const type: SqlType =
        typeId === TypeId.TIMEN
          ? { type: 'time', scale }
          : typeId === TypeId.DATETIME2N
            ? { type: 'datetime2', scale }
            : { type: 'datetimeoffset', scale };
      const length = r.u8();
      if (length === 0) return { type, value: null };
      const b = r.bytes(length);
      const timeBytes =
        typeId === TypeId.TIMEN ? length : typeId === TypeId.DATETIME2N ? length - 3 : length - 5;
      const ms = readTime(b.subarray(0, timeBytes), scale);
      if (typeId === TypeId.TIMEN) return { type, value: new Date(ms) };
      const days = readDateDays(b.subarray(timeBytes, timeBytes + 3));
      const date = new Date(days * MS_PER_DAY + ms);
      if (typeId === TypeId.DATETIME2N) return { type, value: date };
      return {
        type,
        value: { kind: 'datetimeoffset', date, offsetMinutes: b.readInt16LE(timeBytes + 3) },
      };
    }
    case TypeId.BIGVARCHR:
    case TypeId.BIGCHAR:
    case TypeId.NVARCHAR:
    case TypeId.NCHAR: {
      const maxLength = r.u16();
      r.bytes(5); // collation: the lab has one (CP1252), and clients echo it back
      const unicode = typeId === TypeId.NVARCHAR || typeId === TypeId.NCHAR;
      const plp = maxLength === 0xffff;
      const type: SqlType =
        typeId === TypeId.NVARCHAR
          ? { type: 'nvarchar', length: plp ? 'max' : Math.max(1, maxLength / 2) }
          : typeId === TypeId.NCHAR
            ? { type: 'nchar', length: Math.max(1, maxLength / 2) }
            : typeId === TypeId.BIGVARCHR
              ? { type: 'varchar', length: plp ? 'max' : Math.max(1, maxLength) }
              : { type: 'char', length: Math.max(1, maxLength) };
      const data = plp ? readPlp(r) : readShortLen(r);
      if (data === null) return { type, value: null };
      return { type, value: unicode ? data.toString('utf16le') : decodeCp1252(data) };
    }
    case TypeId.BIGVARBIN:
    case TypeId.BIGBINARY: {
      const maxLength = r.u16();
      const plp = maxLength === 0xffff;
      const type: SqlType =
        typeId === TypeId.BIGVARBIN
          ? { type: 'varbinary', length: plp ? 'max' : Math.max(1, maxLength) }
          : { type: 'binary', length: Math.max(1, maxLength) };
      const data = plp ? readPlp(r) : readShortLen(r);
      return { type, value: data === null ? null : Buffer.from(data) };
    }
    case TypeId.TEXT:
    case TypeId.NTEXT:
    case TypeId.IMAGE: {
      // Legacy LOB parameters (mssql sql.Text/NText/Image): i32 max length, collation for text types, i32-length value.
      r.u32();
      if (typeId !== TypeId.IMAGE) r.bytes(5);
      const length = r.u32();
      const type: SqlType =
        typeId === TypeId.TEXT
          ? { type: 'varchar', length: 'max' }
          : typeId === TypeId.NTEXT
            ? { type: 'nvarchar', length: 'max' }
            : { type: 'varbinary', length: 'max' };
      if (length === 0xffffffff) return { type, value: null };
      const data = r.bytes(length);
      return {
        type,
        value:
          typeId === TypeId.TEXT
            ? decodeCp1252(data)
            : typeId === TypeId.NTEXT
              ? data.toString('utf16le')
              : Buffer.from(data),
      };
    }
    case TypeId.XML: {
      const schemaPresent = r.u8();
      if (schemaPresent === 1) {
        r.bVarchar();
        r.bVarchar();
        r.usVarchar();
      }
      const data = readPlp(r);
      return {
        type: { type: 'nvarchar', length: 'max' },
        value: data === null ? null : data.toString('utf16le'),
      };
    }
    default:
      throw new UnsupportedParameterError(ordinal, name, typeId);
  }
}

function readShortLen(r: Reader): Buffer | null {
  const length = r.u16();
  return length === 0xffff ? null : r.bytes(length);
}
