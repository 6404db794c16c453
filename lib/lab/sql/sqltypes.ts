/**
 * T-SQL type names ↔ the TDS server's SqlType, and the conversions CAST/CONVERT and
 * procedure parameters apply. Conversions fail the way SQL Server does (245, 8169)
 * instead of SQLite's silent "'abc' becomes 0".
 */

import type { SqlType } from '@/lib/lab/tds/types';
import { E, SqlError } from './errors';

const FIXED: Record<string, SqlType> = {
  tinyint: { type: 'tinyint' },
  smallint: { type: 'smallint' },
  int: { type: 'int' },
  integer: { type: 'int' },
  bigint: { type: 'bigint' },
  bit: { type: 'bit' },
  real: { type: 'real' },
  float: { type: 'float' },
  money: { type: 'money' },
  smallmoney: { type: 'smallmoney' },
  uniqueidentifier: { type: 'uniqueidentifier' },
  date: { type: 'date' },
  datetime: { type: 'datetime' },
  smalldatetime: { type: 'smalldatetime' },
  sql_variant: { type: 'sql_variant' },
  // sysname is nvarchar(128) NOT NULL; for typing results the length is what matters.
  sysname: { type: 'nvarchar', length: 128 },
  ntext: { type: 'nvarchar', length: 'max' },
  text: { type: 'varchar', length: 'max' },
};

/** Parses 'nvarchar(128)', 'varbinary(max)', 'datetime2(7)', 'decimal(18,2)', 'int'. Returns undefined for unknown names. */
export function parseTypeName(name: string, args: readonly (number | 'max')[] = []): SqlType | undefined {
  const n = name.toLowerCase();
  const fixed = FIXED[n];
  if (fixed) return fixed;
  const a0 = args[0];
  const num = (d: number): number => (typeof a0 === 'number' ? a0 : d);
  switch (n) {
    case 'nvarchar':
      return { type: 'nvarchar', length: a0 ?? 1 };
    case 'varchar':
      return { type: 'varchar', length: a0 ?? 1 };
    case 'nchar':
      return { type: 'nchar', length: num(1) };
    case 'char':
      return { type: 'char', length: num(1) };
    case 'varbinary':
      return { type: 'varbinary', length: a0 ?? 1 };
    case 'binary':
      return { type: 'binary', length: num(1) };
    case 'datetime2':
      return { type: 'datetime2', scale: num(7) };
    case 'datetimeoffset':
      return { type: 'datetimeoffset', scale: num(7) };
    case 'time':
      return { type: 'time', scale: num(7) };
    case 'decimal':
    case 'numeric': {
      const s = args[1];
      return { type: 'decimal', precision: num(18), scale: typeof s === 'number' ? s : 0 };
    }
    default:
      return undefined;
  }
}

/** Parses a declared type string like the ones in the view registry: 'nvarchar(60)'. */
export function typeFromString(text: string): SqlType {
  const m = /^(\w+)(?:\((\w+)(?:,\s*(\d+))?\))?$/.exec(text.trim());
  if (!m || m[1] === undefined) throw new Error(`bad type '${text}'`);
  const args: (number | 'max')[] = [];
  if (m[2] !== undefined) args.push(m[2].toLowerCase() === 'max' ? 'max' : Number(m[2]));
  if (m[3] !== undefined) args.push(Number(m[3]));
  const t = parseTypeName(m[1], args);
  if (!t) throw new Error(`unknown type '${text}'`);
  return t;
}

export function typeToString(t: SqlType): string {
  switch (t.type) {
    case 'nvarchar':
    case 'varchar':
    case 'varbinary':
      return `${t.type}(${t.length})`;
    case 'nchar':
    case 'char':
    case 'binary':
      return `${t.type}(${t.length})`;
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'datetime2':
    case 'datetimeoffset':
    case 'time':
      return `${t.type}(${t.scale})`;
    default:
      return t.type;
  }
}

export function isStringType(t: SqlType | undefined): boolean {
  return t !== undefined && (t.type === 'nvarchar' || t.type === 'varchar' || t.type === 'nchar' || t.type === 'char');
}

export function isIntegerType(t: SqlType | undefined): boolean {
  return t !== undefined && ['tinyint', 'smallint', 'int', 'bigint', 'bit'].includes(t.type);
}

export function isDateType(t: SqlType | undefined): boolean {
  return t !== undefined && ['date', 'datetime', 'smalldatetime', 'datetime2', 'datetimeoffset', 'time'].includes(t.type);
}

/** The value as SQLite stores it: text, integer, real, blob or null. */
export type DbValue = string | number | bigint | Buffer | null;

const GUID_RE = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

export function normalizeGuid(text: string): string | undefined {
  const m = GUID_RE.exec(text.trim());
  return m?.[1]?.toUpperCase();
}

function typeWord(v: DbValue): string {
  if (typeof v === 'string') return 'nvarchar';
  if (Buffer.isBuffer(v)) return 'varbinary';
  if (typeof v === 'number' && !Number.isInteger(v)) return 'float';
  return 'int';
}

function toInteger(v: DbValue, target: string, min: number, max: number): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw E.convert(String(v), 'float', target);
    const n = Math.trunc(v);
    if (n < min || n > max) throw new SqlError(8115, `Arithmetic overflow error converting expression to data type ${target}.`, { abortsBatch: true });
    return n;
  }
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const s = v.trim();
    if (!/^[+-]?\d+$/.test(s)) throw E.convert(v, 'nvarchar', target);
    const n = Number(s);
    if (n < min || n > max) throw new SqlError(248, `The conversion of the nvarchar value '${v}' overflowed an ${target} column.`, { abortsBatch: true });
    return n;
  }
  if (Buffer.isBuffer(v)) return v.length === 0 ? 0 : v.readIntBE(Math.max(0, v.length - 4), Math.min(4, v.length));
  return 0;
}

export function hex(b: Buffer): string {
  return '0x' + b.toString('hex').toUpperCase();
}

/**
 * CAST/CONVERT semantics for the types the lab meets. `style` is CONVERT's third argument
 * (1 and 2 matter for binary ↔ hex text).
 */
export function convertValue(v: DbValue, to: SqlType, style?: number): DbValue {
  if (v === null) return null;
  switch (to.type) {
    case 'tinyint':
      return toInteger(v, 'tinyint', 0, 255);
    case 'smallint':
      return toInteger(v, 'smallint', -32768, 32767);
    case 'int':
      return toInteger(v, 'int', -2147483648, 2147483647);
    case 'bigint':
      return toInteger(v, 'bigint', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    case 'bit': {
      if (typeof v === 'string') {
        const s = v.trim().toUpperCase();
        if (s === 'TRUE') return 1;
        if (s === 'FALSE') return 0;
        return toInteger(v, 'bit', -Infinity, Infinity) === 0 ? 0 : 1;
      }
      return toInteger(v, 'bit', -Infinity, Infinity) === 0 ? 0 : 1;
    }
    case 'real':
    case 'float':
    case 'decimal':
    case 'money':
    case 'smallmoney': {
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
      throw E.convert(String(v), typeWord(v), to.type);
    }
    case 'nvarchar':
    case 'varchar':
    case 'nchar':
    case 'char': {
      let s: string;
      if (Buffer.isBuffer(v)) {
        // Style 1 keeps the 0x prefix, style 2 drops it; style 0 reinterprets the bytes as text.
        if (style === 1) s = hex(v);
        else if (style === 2) s = v.toString('hex').toUpperCase();
        else s = to.type.startsWith('n') ? v.toString('utf16le') : v.toString('latin1');
      } else s = String(v);
      const len = to.length;
      if (len !== 'max' && s.length > len) s = s.slice(0, len);
      return s;
    }
    case 'varbinary':
    case 'binary': {
      let b: Buffer;
      if (Buffer.isBuffer(v)) b = v;
      else if (typeof v === 'string') {
        if (style === 1 || style === 2) {
          const text = style === 1 ? v.replace(/^0x/i, '') : v;
          if (!/^[0-9a-f]*$/i.test(text) || text.length % 2 !== 0) throw new SqlError(8114, `Error converting data type nvarchar to ${to.type}.`, { abortsBatch: true });
          b = Buffer.from(text, 'hex');
        } else b = Buffer.from(v, 'utf16le');
      } else {
        const n = typeof v === 'bigint' ? Number(v) : v;
        b = Buffer.alloc(4);
        b.writeInt32BE(n | 0);
      }
      const len = to.length;
      return len !== 'max' && b.length > len ? b.subarray(0, len) : b;
    }
    case 'uniqueidentifier': {
      if (typeof v !== 'string') {
        if (Buffer.isBuffer(v) && v.length === 16) return guidFromBytes(v);
        throw E.convertParam(typeWord(v), 'uniqueidentifier');
      }
      const g = normalizeGuid(v);
      if (!g) throw E.convertGuid();
      return g;
    }
    case 'date':
    case 'datetime':
    case 'smalldatetime':
    case 'datetime2':
    case 'datetimeoffset':
    case 'time': {
      if (typeof v === 'string') {
        const d = new Date(v.includes('T') || v.includes('Z') ? v : v.replace(' ', 'T') + 'Z');
        if (Number.isNaN(d.getTime())) throw new SqlError(241, 'Conversion failed when converting date and/or time from character string.', { abortsBatch: true });
        return d.toISOString();
      }
      throw E.convertParam(typeWord(v), to.type);
    }
    case 'sql_variant':
      return v;
  }
}

/** SQL Server's mixed-endian GUID byte layout. */
export function guidFromBytes(b: Buffer): string {
  const h = (i: number, n: number, rev: boolean): string => {
    const part = Buffer.from(b.subarray(i, i + n));
    return (rev ? part.reverse() : part).toString('hex');
  };
  return `${h(0, 4, true)}-${h(4, 2, true)}-${h(6, 2, true)}-${h(8, 2, false)}-${h(10, 6, false)}`.toUpperCase();
}
