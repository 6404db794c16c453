/** SQL_VARIANT values (MS-TDS 2.2.5.5.4): a base type, its properties, then the bare value. */

import { Writer, encodeCp1252 } from './buffers';
import { timeLength, TypeId, DEFAULT_COLLATION, DAYS_0001_TO_1970 } from './wire-constants';
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
import type { SqlScalar, SqlType, SqlValue, VariantValue } from './types';

export function isVariant(v: SqlValue): v is VariantValue {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Buffer.isBuffer(v) &&
    !(v instanceof Date) &&
    v.kind === 'variant'
  );
}

/** The base type SQL Server would give a literal of this JavaScript value. */
export function inferVariantType(v: SqlScalar): SqlType {
  if (typeof v === 'boolean') return { type: 'bit' };
  if (typeof v === 'bigint') return { type: 'bigint' };
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -2_147_483_648 && v <= 2_147_483_647) return { type: 'int' };
    if (Number.isInteger(v)) return { type: 'bigint' };
    return { type: 'float' };
  }
  if (typeof v === 'string')
    return { type: 'nvarchar', length: Math.max(1, Math.min(4000, v.length)) };
  if (Buffer.isBuffer(v))
    return { type: 'varbinary', length: Math.max(1, Math.min(8000, v.length)) };
  if (v instanceof Date) return { type: 'datetime2', scale: 7 };
  if (v !== null && v.kind === 'datetimeoffset') return { type: 'datetimeoffset', scale: 7 };
  return { type: 'int' };
}

/** SQL_VARIANT: u32 total length, base type, property bytes, then the bare value. */
export function writeVariant(w: Writer, v: SqlValue): void {
  const baseType = isVariant(v) ? v.baseType : inferVariantType(v);
  const value = isVariant(v) ? v.value : v;
  if (value === null) {
    w.u32(0);
    return;
  }
  const body = new Writer(64);
  switch (baseType.type) {
    case 'tinyint':
      body
        .u8(TypeId.INT1)
        .u8(0)
        .u8(Number(toBigInt(baseType, value)));
      break;
    case 'smallint':
      body
        .u8(TypeId.INT2)
        .u8(0)
        .i16(Number(toBigInt(baseType, value)));
      break;
    case 'int':
      body
        .u8(TypeId.INT4)
        .u8(0)
        .i32(Number(toBigInt(baseType, value)));
      break;
    case 'bigint':
      body.u8(TypeId.INT8).u8(0).i64(toBigInt(baseType, value));
      break;
    case 'bit':
      body
        .u8(TypeId.BIT)
        .u8(0)
        .u8(toNumber(baseType, value) ? 1 : 0);
      break;
    case 'real':
      body.u8(TypeId.FLT4).u8(0).f32(toNumber(baseType, value));
      break;
    case 'float':
      body.u8(TypeId.FLT8).u8(0).f64(toNumber(baseType, value));
      break;
    case 'smallmoney':
    case 'money':
      body.u8(baseType.type === 'money' ? TypeId.MONEY : TypeId.MONEY4).u8(0);
      writeMoneyBody(body, baseType, value, baseType.type === 'smallmoney');
      break;
    case 'decimal':
      body.u8(TypeId.DECIMALN).u8(2).u8(baseType.precision).u8(baseType.scale);
      writeDecimalBody(body, baseType, value, baseType.precision, baseType.scale);
      break;
    case 'uniqueidentifier':
      body
        .u8(TypeId.GUID)
        .u8(0)
        .bytes(guidToBytes(toText(baseType, value)));
      break;
    case 'date':
      body
        .u8(TypeId.DATEN)
        .u8(0)
        .uintN(dayNumber(toDate(baseType, value)) + DAYS_0001_TO_1970, 3);
      break;
    case 'time':
      body.u8(TypeId.TIMEN).u8(1).u8(baseType.scale);
      body.uintN(timeUnits(toDate(baseType, value), baseType.scale), timeLength(baseType.scale));
      break;
    case 'smalldatetime':
    case 'datetime':
      body.u8(baseType.type === 'datetime' ? TypeId.DATETIME : TypeId.DATETIM4).u8(0);
      writeDateTimeBody(body, toDate(baseType, value), baseType.type === 'smalldatetime');
      break;
    case 'datetime2':
      body.u8(TypeId.DATETIME2N).u8(1).u8(baseType.scale);
      writeTimeAndDate(body, toDate(baseType, value), baseType.scale);
      break;
    case 'datetimeoffset': {
      body.u8(TypeId.DATETIMEOFFSETN).u8(1).u8(baseType.scale);
      writeTimeAndDate(body, toDate(baseType, value), baseType.scale);
      body.i16(isDto(value) ? value.offsetMinutes : 0);
      break;
    }
    case 'nvarchar':
    case 'nchar': {
      const data = Buffer.from(toText(baseType, value), 'utf16le');
      const max = baseType.length === 'max' ? 8000 : baseType.length * 2;
      body
        .u8(baseType.type === 'nchar' ? TypeId.NCHAR : TypeId.NVARCHAR)
        .u8(7)
        .u16(max)
        .bytes(DEFAULT_COLLATION)
        .bytes(data);
      break;
    }
    case 'varchar':
    case 'char': {
      const data = encodeCp1252(toText(baseType, value));
      const max = baseType.length === 'max' ? 8000 : baseType.length;
      body
        .u8(baseType.type === 'char' ? TypeId.BIGCHAR : TypeId.BIGVARCHR)
        .u8(7)
        .u16(max)
        .bytes(DEFAULT_COLLATION)
        .bytes(data);
      break;
    }
    case 'varbinary':
    case 'binary': {
      const data = toBinary(baseType, value);
      const max = baseType.length === 'max' ? 8000 : baseType.length;
      body
        .u8(baseType.type === 'binary' ? TypeId.BIGBINARY : TypeId.BIGVARBIN)
        .u8(2)
        .u16(max)
        .bytes(data);
      break;
    }
    case 'sql_variant':
      throw new TypeError('a sql_variant cannot contain a sql_variant');
  }
  const bytes = body.toBuffer();
  w.u32(bytes.length).bytes(bytes);
}
