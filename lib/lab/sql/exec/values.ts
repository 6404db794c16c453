/** Values crossing the boundary: SQLite storage ↔ what the TDS server sends, and RPC parameters in. */

import type { SqlType, SqlValue } from '@/lib/lab/tds/types';
import { convertValue, type DbValue } from '../sqltypes';

/** A SQLite value shaped for the declared SQL Server type. */
export function toSqlValue(v: unknown, t: SqlType): SqlValue {
  if (v === null || v === undefined) return null;
  switch (t.type) {
    case 'bit':
      return Number(v) !== 0;
    case 'tinyint':
    case 'smallint':
    case 'int':
      return typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : (v as number);
    case 'bigint':
      return typeof v === 'bigint' ? v : Number(v);
    case 'date':
    case 'datetime':
    case 'smalldatetime':
    case 'datetime2':
    case 'time':
      return new Date(String(v));
    case 'datetimeoffset':
      return { kind: 'datetimeoffset', date: new Date(String(v)), offsetMinutes: 0 };
    case 'uniqueidentifier':
      return String(v).toUpperCase();
    case 'varbinary':
    case 'binary':
      return Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf16le');
    case 'nvarchar':
    case 'varchar':
    case 'nchar':
    case 'char':
      return Buffer.isBuffer(v) ? v.toString('utf16le') : String(v);
    case 'sql_variant':
      return variantOf(v);
    default:
      return v as SqlValue;
  }
}

function variantOf(v: unknown): SqlValue {
  if (typeof v === 'number') return { kind: 'variant', baseType: Number.isInteger(v) ? { type: 'int' } : { type: 'float' }, value: v };
  if (typeof v === 'bigint') return { kind: 'variant', baseType: { type: 'bigint' }, value: v };
  if (Buffer.isBuffer(v)) return { kind: 'variant', baseType: { type: 'varbinary', length: Math.max(1, v.length) }, value: v };
  const s = String(v);
  return { kind: 'variant', baseType: { type: 'nvarchar', length: Math.max(1, Math.min(4000, s.length)) }, value: s };
}

/** An RPC parameter value as SQLite stores it. */
export function fromSqlValue(v: SqlValue): DbValue {
  if (v === null) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v) || typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') return v;
  if (v.kind === 'datetimeoffset') return v.date.toISOString();
  return fromSqlValue(v.value);
}

/** Converts for assignment to a declared type (variables, procedure parameters). */
export function assignValue(v: DbValue, t: SqlType): DbValue {
  return convertValue(v, t);
}
