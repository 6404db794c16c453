/** Syntax tree of the T-SQL subset the lab understands. */

import type { SqlType } from '@/lib/lab/tds/types';

export type Expr =
  | { k: 'num'; v: string }
  | { k: 'str'; v: string; unicode: boolean }
  | { k: 'bin'; v: Buffer }
  | { k: 'null' }
  | { k: 'var'; name: string }
  | { k: 'gvar'; name: string }
  | { k: 'col'; parts: string[] }
  | { k: 'unary'; op: '-' | '+' | 'NOT' | '~'; e: Expr }
  | { k: 'binop'; op: string; l: Expr; r: Expr }
  | { k: 'isnull'; e: Expr; not: boolean }
  | { k: 'in'; e: Expr; list: Expr[] | Select; not: boolean }
  | { k: 'between'; e: Expr; lo: Expr; hi: Expr; not: boolean }
  | { k: 'like'; e: Expr; pattern: Expr; escape?: Expr; not: boolean }
  | { k: 'exists'; q: Select }
  | { k: 'subquery'; q: Select }
  | { k: 'case'; operand?: Expr; whens: { when: Expr; then: Expr }[]; else?: Expr }
  | { k: 'func'; name: string; args: Expr[]; star: boolean; distinct: boolean }
  | { k: 'cast'; e: Expr; to: SqlType; style?: Expr; tryCast: boolean }
  | { k: 'paren'; e: Expr };

export type SelectItem =
  | { k: 'star'; qualifier?: string }
  | { k: 'expr'; e: Expr; alias?: string }
  | { k: 'assign'; variable: string; op: string; e: Expr };

export type TableSource =
  | { k: 'table'; parts: string[]; alias?: string }
  | { k: 'derived'; q: Select; alias: string }
  | { k: 'join'; type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS'; l: TableSource; r: TableSource; on?: Expr };

export interface SelectCore {
  distinct: boolean;
  top?: Expr;
  items: SelectItem[];
  from: TableSource[];
  where?: Expr;
  groupBy: Expr[];
  having?: Expr;
}

export interface Select {
  cores: SelectCore[];
  /** Set operators between consecutive cores ('UNION', 'UNION ALL', 'EXCEPT', 'INTERSECT'). */
  ops: string[];
  orderBy: { e: Expr; desc: boolean }[];
}

export interface ExecArg {
  name?: string;
  value: Expr | { k: 'default' };
  output: boolean;
}

export interface Declaration {
  name: string;
  type: SqlType;
  init?: Expr;
}

export type Stmt =
  | { k: 'select'; q: Select; line: number }
  | { k: 'set_option'; name: string; line: number }
  | { k: 'set_var'; name: string; op: string; e: Expr; line: number }
  | { k: 'use'; db: string; line: number }
  | { k: 'declare'; decls: Declaration[]; line: number }
  | { k: 'print'; e: Expr; line: number }
  | { k: 'if'; cond: Expr; then: Stmt; else?: Stmt; line: number }
  | { k: 'block'; body: Stmt[]; line: number }
  | { k: 'tran'; action: 'begin' | 'commit' | 'rollback'; line: number }
  | { k: 'exec'; proc: string[]; args: ExecArg[]; returnVar?: string; line: number }
  | { k: 'exec_dynamic'; parts: Expr[]; line: number }
  | { k: 'throw'; num?: Expr; msg?: Expr; state?: Expr; line: number }
  | { k: 'raiserror'; msg: Expr; severity: Expr; state: Expr; args: Expr[]; line: number }
  | { k: 'return'; e?: Expr; line: number }
  | { k: 'create_login'; name: string; windows: boolean; options: LoginOption[]; line: number }
  | { k: 'alter_login'; name: string; options: LoginOption[]; enable?: boolean; line: number }
  | { k: 'drop_login'; name: string; line: number }
  | { k: 'create_user'; name: string; login?: string; withoutLogin: boolean; defaultSchema?: string; line: number }
  | { k: 'alter_user'; name: string; login?: string; line: number }
  | { k: 'drop_user'; name: string; line: number }
  | { k: 'alter_role'; role: string; action: 'add' | 'drop'; member: string; server: boolean; line: number }
  | { k: 'ag_add_listener'; ag: string; dns: string; ips: { ip: string; mask?: string }[]; dhcp: boolean; port?: number; line: number }
  | { k: 'ag_modify_listener'; ag: string; dns: string; port?: number; addIps: { ip: string; mask?: string }[]; line: number }
  | { k: 'ag_failover'; ag: string; force: boolean; line: number }
  | { k: 'ag_modify_replica'; ag: string; server: string; secondaryAllow?: number; failoverMode?: number; availabilityMode?: number; line: number }
  | { k: 'unsupported'; what: string; line: number };

export type LoginOption =
  | { k: 'password'; value: string; hashed: boolean; mustChange: boolean; oldPassword?: string; unlock: boolean }
  | { k: 'sid'; value: Buffer }
  | { k: 'check_policy'; on: boolean }
  | { k: 'check_expiration'; on: boolean }
  | { k: 'default_database'; value: string }
  | { k: 'default_language'; value: string }
  | { k: 'name'; value: string };
