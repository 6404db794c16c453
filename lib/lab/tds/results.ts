/**
 * Small builders so a simulator can write `rows([col('name', t.nvarchar(128))], [['SSISDB']])`
 * instead of spelling out the result types.
 */

import type {
  Column,
  DateTimeOffsetValue,
  ResultItem,
  ServerMessage,
  SqlScalar,
  SqlType,
  SqlValue,
  VariantValue,
} from './types';

export const t = {
  tinyint: (): SqlType => ({ type: 'tinyint' }),
  smallint: (): SqlType => ({ type: 'smallint' }),
  int: (): SqlType => ({ type: 'int' }),
  bigint: (): SqlType => ({ type: 'bigint' }),
  bit: (): SqlType => ({ type: 'bit' }),
  real: (): SqlType => ({ type: 'real' }),
  float: (): SqlType => ({ type: 'float' }),
  money: (): SqlType => ({ type: 'money' }),
  decimal: (precision = 18, scale = 0): SqlType => ({ type: 'decimal', precision, scale }),
  nvarchar: (length: number | 'max' = 4000): SqlType => ({ type: 'nvarchar', length }),
  nchar: (length: number): SqlType => ({ type: 'nchar', length }),
  varchar: (length: number | 'max' = 8000): SqlType => ({ type: 'varchar', length }),
  char: (length: number): SqlType => ({ type: 'char', length }),
  varbinary: (length: number | 'max' = 8000): SqlType => ({ type: 'varbinary', length }),
  binary: (length: number): SqlType => ({ type: 'binary', length }),
  uniqueidentifier: (): SqlType => ({ type: 'uniqueidentifier' }),
  date: (): SqlType => ({ type: 'date' }),
  time: (scale = 7): SqlType => ({ type: 'time', scale }),
  datetime: (): SqlType => ({ type: 'datetime' }),
  smalldatetime: (): SqlType => ({ type: 'smalldatetime' }),
  datetime2: (scale = 7): SqlType => ({ type: 'datetime2', scale }),
  datetimeoffset: (scale = 7): SqlType => ({ type: 'datetimeoffset', scale }),
  sqlVariant: (): SqlType => ({ type: 'sql_variant' }),
} as const;

export function col(name: string, type: SqlType, nullable = true): Column {
  return { name, type, nullable };
}

export function rows(
  columns: readonly Column[],
  data: readonly (readonly SqlValue[])[],
): ResultItem {
  return { kind: 'rows', columns, rows: data };
}

export function count(n: number): ResultItem {
  return { kind: 'count', count: n };
}

export function info(
  number: number,
  message: string,
  extra: Omit<ServerMessage, 'number' | 'message'> = {},
): ResultItem {
  return { kind: 'info', number, message, ...extra };
}

/** An error as SQL Server raises it; class defaults to 16, state to 1. */
export function sqlError(
  number: number,
  message: string,
  extra: Omit<ServerMessage, 'number' | 'message'> = {},
): ResultItem {
  return { kind: 'error', number, message, ...extra };
}

export function dto(date: Date, offsetMinutes: number): DateTimeOffsetValue {
  return { kind: 'datetimeoffset', date, offsetMinutes };
}

export function variant(baseType: SqlType, value: SqlScalar): VariantValue {
  return { kind: 'variant', baseType, value };
}
