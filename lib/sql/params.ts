// Parameters onto an mssql request. Values only ever travel as RPC parameters; names are
// checked because mssql splices them into the sp_executesql declaration list.
import 'server-only';
import sql from 'mssql';
import { failure, SqlFailureError } from './failure';
import type { SqlParamType, SqlParams, SqlParamValue, SqlTypedParam } from './types';

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

function mssqlType(t: SqlParamType): sql.ISqlType | (() => sql.ISqlType) {
  switch (t) {
    case 'int':
      return sql.Int;
    case 'bigint':
      return sql.BigInt;
    case 'bit':
      return sql.Bit;
    case 'nvarchar':
      return sql.NVarChar(4000);
    case 'nvarchar(max)':
      return sql.NVarChar(sql.MAX);
    case 'sysname':
      return sql.NVarChar(128);
    case 'varchar':
      return sql.VarChar(8000);
    case 'varbinary':
      return sql.VarBinary(8000);
    case 'varbinary(max)':
      return sql.VarBinary(sql.MAX);
    case 'uniqueidentifier':
      return sql.UniqueIdentifier;
    case 'datetime2':
      return sql.DateTime2(7);
  }
}

function isTyped(p: SqlParamValue | SqlTypedParam): p is SqlTypedParam {
  return p !== null && typeof p === 'object' && !(p instanceof Date) && !Buffer.isBuffer(p);
}

/** mssql maps a JS number to Int only when it fits; bigint values go as strings (tedious' BigInt input). */
function plain(value: SqlParamValue): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

export function bindParams(
  request: sql.Request,
  label: string,
  params: SqlParams,
  allowOutput: boolean,
): string[] {
  const secrets: string[] = [];
  for (const [name, p] of Object.entries(params)) {
    if (!NAME.test(name))
      throw new SqlFailureError(
        failure(
          'CONFIG',
          `${label}: "${name}" is not a valid parameter name (letters, digits and _ only, without @).`,
        ),
      );
    if (!isTyped(p)) {
      if (typeof p === 'bigint') request.input(name, sql.BigInt, plain(p));
      else request.input(name, p);
      continue;
    }
    const value = p.value === undefined ? null : plain(p.value);
    if (p.secret && typeof p.value === 'string') secrets.push(p.value);
    if (p.output) {
      if (!allowOutput)
        throw new SqlFailureError(
          failure('CONFIG', `${label}: OUTPUT parameters are for procedures (exec), not query.`),
        );
      request.output(name, mssqlType(p.type), value);
    } else request.input(name, mssqlType(p.type), value);
  }
  return secrets;
}

/** Schema.name or name, as an RPC by name expects it: no brackets, no spaces, no statement text. */
const PROC = /^(?:[A-Za-z_][A-Za-z0-9_$#@]*\.){0,2}[A-Za-z_][A-Za-z0-9_$#@]*$/;

export function checkProcName(label: string, name: string): void {
  if (!PROC.test(name) || name.length > 390)
    throw new SqlFailureError(
      failure('CONFIG', `${label}: "${name}" is not a procedure name (schema.name).`),
    );
}
