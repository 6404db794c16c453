/** How a lab procedure is declared: T-SQL parameters with types and defaults, and its body. */

import type { SqlType } from '@/lib/lab/tds/types';
import type { ExecContext } from '../exec/context';
import type { DbUser } from '../exec/security';
import type { DbValue } from '../sqltypes';
import type { DatabaseRow } from '../state/store';

export const REQUIRED = Symbol('required');

export interface ParamDef {
  name: string;
  type: SqlType;
  /** REQUIRED when the caller must supply it. */
  default: DbValue | typeof REQUIRED;
  output?: boolean;
}

/** An argument as the caller wrote it (EXEC) or sent it (RPC). */
export interface CallArg {
  name?: string;
  value: DbValue;
  /** EXEC p DEFAULT / RPC fDefaultValue. */
  useDefault?: boolean;
  output: boolean;
  /** RPC: the declared type the client sent. */
  type?: SqlType;
}

export interface ProcEnv {
  ctx: ExecContext;
  /** Bound parameters by lower-case name without '@'. */
  args: Map<string, DbValue>;
  /** Values to hand back for OUTPUT parameters (lower-case name without '@'). */
  outputs: Map<string, DbValue>;
  /** Raw arguments (for procedures with free-form parameter lists). */
  raw: readonly CallArg[];
  /** The SSISDB the procedure runs in (catalog procedures). */
  db?: DatabaseRow;
  user?: DbUser;
}

export interface ProcDef {
  /** schema.name, lower case ('catalog.enable_scaleout', 'sys.sp_executesql'). */
  key: string;
  /** 'system': resolvable from any database; 'ssisdb': only in an SSISDB catalog database. */
  home: 'system' | 'ssisdb';
  params: ParamDef[];
  /** Free-form argument list: binding is left to the body. */
  rawArgs?: boolean;
  run(env: ProcEnv): number | void;
}

export function arg(env: ProcEnv, name: string): DbValue {
  return env.args.get(name.toLowerCase()) ?? null;
}

export function str(env: ProcEnv, name: string): string | null {
  const v = arg(env, name);
  return v === null ? null : Buffer.isBuffer(v) ? v.toString('utf16le') : String(v);
}
