/**
 * T-SQL SELECT → SQLite. Names are resolved here (so unknown columns and tables fail with
 * SQL Server's numbers), result columns get their SQL Server types, and T-SQL semantics
 * SQLite lacks are added: case-insensitive comparison, LIKE character classes, failing
 * conversions, "subquery returned more than 1 value", GROUP BY validation.
 */

import type { Column, SqlType } from '@/lib/lab/tds/types';
import type { Expr, Select, SelectCore, TableSource } from './ast';
import { E, SqlError } from './errors';
import type { ExecContext } from './exec/context';
import { resolveView } from './exec/objects';
import { datePart, FUNCTIONS, KNOWN_UNIMPLEMENTED } from './functions';
import { isStringType, typeToString, type DbValue } from './sqltypes';
import type { ViewColumn } from './state/views';

interface Source {
  exposed: string;
  sqlAlias: string;
  columns: ViewColumn[];
}

interface Scope {
  sources: Source[];
  parent: Scope | undefined;
}

interface Out {
  sql: string;
  type: SqlType | undefined;
}

export interface TranslatedSelect {
  sql: string;
  params: Record<string, DbValue>;
  columns: Column[];
  /** For SELECT @v = ...: the variable assigned from each column. */
  assigns: { variable: string; op: string }[] | undefined;
}

const PREDICATE_OPS = new Set(['=', '<>', '<', '>', '<=', '>=', 'AND', 'OR']);
const q = (id: string): string => `"${id.replace(/"/g, '""')}"`;
const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export function isPredicate(e: Expr): boolean {
  switch (e.k) {
    case 'binop':
      return PREDICATE_OPS.has(e.op);
    case 'unary':
      return e.op === 'NOT';
    case 'isnull':
    case 'in':
    case 'between':
    case 'like':
    case 'exists':
      return true;
    case 'paren':
      return isPredicate(e.e);
    default:
      return false;
  }
}

function numberType(v: string): SqlType {
  if (/[eE]/.test(v)) return { type: 'float' };
  if (v.includes('.')) {
    const [a = '', b = ''] = v.split('.');
    return { type: 'decimal', precision: Math.max(1, a.replace(/^0+/, '').length + b.length), scale: b.length };
  }
  const n = Number(v);
  return n <= 2147483647 ? { type: 'int' } : { type: 'bigint' };
}

function arithmeticType(a: SqlType | undefined, b: SqlType | undefined): SqlType | undefined {
  const rank = ['bit', 'tinyint', 'smallint', 'int', 'bigint', 'decimal', 'money', 'real', 'float'];
  if (!a) return b;
  if (!b) return a;
  return rank.indexOf(a.type) >= rank.indexOf(b.type) ? a : b;
}

function concatType(a: SqlType | undefined, b: SqlType | undefined): SqlType {
  const len = (t: SqlType | undefined): number | 'max' => (t && 'length' in t ? t.length : 30);
  const la = len(a);
  const lb = len(b);
  const unicode = a?.type.startsWith('n') || b?.type.startsWith('n');
  const cap = unicode ? 4000 : 8000;
  if (la === 'max' || lb === 'max') return { type: unicode ? 'nvarchar' : 'varchar', length: 'max' };
  return { type: unicode ? 'nvarchar' : 'varchar', length: Math.min(cap, la + lb) };
}

const GVARS: Record<string, SqlType> = {
  SERVERNAME: { type: 'nvarchar', length: 128 },
  SERVICENAME: { type: 'nvarchar', length: 128 },
  VERSION: { type: 'nvarchar', length: 300 },
  SPID: { type: 'smallint' },
  TRANCOUNT: { type: 'int' },
  ROWCOUNT: { type: 'int' },
  ERROR: { type: 'int' },
  LANGUAGE: { type: 'nvarchar', length: 128 },
  OPTIONS: { type: 'int' },
  MAX_PRECISION: { type: 'tinyint' },
};

export function versionString(ctx: ExecContext): string {
  const i = ctx.inst;
  return (
    `Microsoft SQL Server 2022 (RTM-CU${i.product_level.replace(/\D/g, '') || '0'}) - ${i.product_version} (X64) \n` +
    `\tCopyright (C) 2022 Microsoft Corporation\n\t${i.edition} on Windows Server 2022 Datacenter 10.0 <X64> (Build 20348: ) (Hypervisor)\n`
  );
}

export function globalVariable(ctx: ExecContext, name: string): DbValue {
  switch (name) {
    case 'SERVERNAME':
      return ctx.inst.name;
    case 'SERVICENAME':
      return ctx.inst.instance_name ?? 'MSSQLSERVER';
    case 'VERSION':
      return versionString(ctx);
    case 'SPID':
      return ctx.session.spid;
    case 'TRANCOUNT':
      return ctx.session.tranCount;
    case 'ROWCOUNT':
      return ctx.rowcount;
    case 'ERROR':
      return ctx.error;
    case 'LANGUAGE':
      return 'us_english';
    case 'OPTIONS':
      return 5496;
    case 'MAX_PRECISION':
      return 38;
    default:
      throw E.mustDeclare('@@' + name);
  }
}

export class Translator {
  readonly params: Record<string, DbValue> = {};
  private n = 0;

  constructor(private readonly ctx: ExecContext) {}

  private param(v: DbValue): string {
    const k = `p${this.n++}`;
    this.params[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    return `@${k}`;
  }

  // ---------- SELECT ----------

  topLevel(sel: Select): TranslatedSelect {
    const assigns = sel.cores[0]?.items.some((i) => i.k === 'assign');
    if (assigns) {
      const core = sel.cores[0] as SelectCore;
      if (sel.cores.length > 1 || core.items.some((i) => i.k !== 'assign')) throw E.assignMixed();
    }
    const r = this.select(sel, undefined);
    const a = assigns
      ? (sel.cores[0] as SelectCore).items.map((i) => (i.k === 'assign' ? { variable: i.variable, op: i.op } : { variable: '', op: '=' }))
      : undefined;
    return { sql: r.sql, params: this.params, columns: r.columns, assigns: a };
  }

  select(sel: Select, outer: Scope | undefined, forceNames?: string[]): { sql: string; columns: Column[] } {
    if (sel.cores.length === 1) {
      const c = this.core(sel.cores[0] as SelectCore, outer, sel.orderBy, forceNames);
      return c;
    }
    const parts: string[] = [];
    let columns: Column[] = [];
    sel.cores.forEach((core, i) => {
      const c = this.core(core, outer, [], i === 0 ? forceNames : undefined);
      if (i === 0) columns = c.columns;
      else if (c.columns.length !== columns.length) {
        throw new SqlError(205, 'All queries combined using a UNION, INTERSECT or EXCEPT operator must have an equal number of expressions in their target lists.', {
          abortsBatch: true,
        });
      }
      parts.push(core.top ? `SELECT * FROM (${c.sql})` : c.sql);
      if (i < sel.ops.length) parts.push(sel.ops[i] as string);
    });
    let sql = parts.join(' ');
    if (sel.orderBy.length) {
      sql +=
        ' ORDER BY ' +
        sel.orderBy
          .map((o) => {
            if (o.e.k === 'num') return `${o.e.v}${o.desc ? ' DESC' : ''}`;
            if (o.e.k === 'col' && o.e.parts.length === 1) {
              const name = (o.e.parts[0] as string).toLowerCase();
              const idx = columns.findIndex((c) => c.name.toLowerCase() === name);
              if (idx >= 0) return `${idx + 1} COLLATE NOCASE${o.desc ? ' DESC' : ''}`;
            }
            throw new SqlError(104, 'ORDER BY items must appear in the select list if the statement contains a UNION, INTERSECT or EXCEPT operator.', { abortsBatch: true });
          })
          .join(', ');
    }
    return { sql, columns };
  }

  private core(c: SelectCore, outer: Scope | undefined, orderBy: Select['orderBy'], forceNames?: string[]): { sql: string; columns: Column[] } {
    const scope: Scope = { sources: [], parent: outer };
    const from = c.from.map((ts) => this.source(ts, scope)).join(', ');
    const items: string[] = [];
    const columns: Column[] = [];
    for (const it of c.items) {
      if (it.k === 'star') {
        if (scope.sources.length === 0) throw new SqlError(263, 'Must specify table to select from.', { abortsBatch: true, severity: 15 });
        const srcs = it.qualifier ? scope.sources.filter((s) => s.exposed.toLowerCase() === (it.qualifier as string).toLowerCase()) : scope.sources;
        if (srcs.length === 0) throw E.notBound(it.qualifier as string);
        for (const s of srcs)
          for (const col of s.columns) {
            items.push(`${q(s.sqlAlias)}.${q(col.name)}`);
            columns.push({ name: col.name, type: col.type, nullable: true });
          }
        continue;
      }
      const e = it.e;
      if (isPredicate(e)) throw E.syntax(e.k === 'binop' ? e.op : e.k === 'like' ? 'LIKE' : e.k === 'in' ? 'IN' : '=');
      const o = this.expr(e, scope);
      const name = forceNames?.[columns.length] ?? (it.k === 'expr' ? (it.alias ?? (e.k === 'col' ? (e.parts[e.parts.length - 1] as string) : '')) : '');
      items.push(name ? `${o.sql} AS ${q(name)}` : o.sql);
      columns.push({ name, type: o.type ?? { type: 'int' }, nullable: true });
    }
    this.checkGrouping(c, scope);
    let sql = `SELECT ${c.distinct ? 'DISTINCT ' : ''}${items.join(', ')}`;
    if (from) sql += ` FROM ${from}`;
    if (c.where) sql += ` WHERE ${this.pred(c.where, scope, 'WHERE')}`;
    if (c.groupBy.length) sql += ` GROUP BY ${c.groupBy.map((g) => `${this.expr(g, scope).sql} COLLATE NOCASE`).join(', ')}`;
    if (c.having) sql += ` HAVING ${this.pred(c.having, scope, 'HAVING')}`;
    if (orderBy.length) {
      sql +=
        ' ORDER BY ' +
        orderBy
          .map((o) => {
            let s: string;
            if (o.e.k === 'num') s = o.e.v;
            else if (o.e.k === 'col' && o.e.parts.length === 1 && columns.some((c2) => c2.name.toLowerCase() === (o.e as { parts: string[] }).parts[0]?.toLowerCase())) {
              s = q(o.e.parts[0] as string);
            } else s = this.expr(o.e, scope).sql;
            return `${s} COLLATE NOCASE${o.desc ? ' DESC' : ''}`;
          })
          .join(', ');
    }
    if (c.top) sql += ` LIMIT ${this.expr(c.top, scope).sql}`;
    return { sql, columns };
  }

  private source(ts: TableSource, scope: Scope): string {
    switch (ts.k) {
      case 'table': {
        const r = resolveView(this.ctx, ts.parts);
        const exposed = ts.alias ?? (ts.parts[ts.parts.length - 1] as string);
        this.addSource(scope, { exposed, sqlAlias: exposed, columns: r.def.columns });
        const cols = r.def.columns.map((c) => (r.overrides[c.name] ? `${r.overrides[c.name]} AS ${q(c.name)}` : q(c.name))).join(', ');
        return `(SELECT ${cols} FROM temp.${r.def.sqliteName} WHERE ${r.where}) AS ${q(exposed)}`;
      }
      case 'derived': {
        const inner = this.select(ts.q, undefined);
        const seen = new Set<string>();
        inner.columns.forEach((c, i) => {
          if (!c.name) throw E.noColumnName(i + 1, ts.alias);
          if (seen.has(c.name.toLowerCase())) throw new SqlError(8156, `The column '${c.name}' was specified multiple times for '${ts.alias}'.`, { abortsBatch: true });
          seen.add(c.name.toLowerCase());
        });
        this.addSource(scope, { exposed: ts.alias, sqlAlias: ts.alias, columns: inner.columns.map((c) => ({ name: c.name, type: c.type })) });
        return `(${inner.sql}) AS ${q(ts.alias)}`;
      }
      case 'join': {
        const l = this.source(ts.l, scope);
        const r = this.source(ts.r, scope);
        if (ts.type === 'CROSS') return `${l} CROSS JOIN ${r}`;
        const kind = ts.type === 'INNER' ? 'JOIN' : `${ts.type} JOIN`;
        return `${l} ${kind} ${r} ON ${this.pred(ts.on as Expr, scope, 'ON')}`;
      }
    }
  }

  private addSource(scope: Scope, s: Source): void {
    if (scope.sources.some((x) => x.exposed.toLowerCase() === s.exposed.toLowerCase())) throw E.duplicateExposed(s.exposed);
    scope.sources.push(s);
  }

  // ---------- names ----------

  private resolveColumn(parts: string[], scope: Scope): { source: Source; col: ViewColumn } {
    const colName = (parts[parts.length - 1] as string).toLowerCase();
    if (parts.length >= 2) {
      const qual = (parts[parts.length - 2] as string).toLowerCase();
      for (let s: Scope | undefined = scope; s; s = s.parent) {
        const src = s.sources.find((x) => x.exposed.toLowerCase() === qual);
        if (src) {
          const col = src.columns.find((c) => c.name.toLowerCase() === colName);
          if (!col) throw E.invalidColumn(parts[parts.length - 1] as string);
          return { source: src, col };
        }
      }
      throw E.notBound(parts.join('.'));
    }
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const hits: { source: Source; col: ViewColumn }[] = [];
      for (const src of s.sources) {
        const col = src.columns.find((c) => c.name.toLowerCase() === colName);
        if (col) hits.push({ source: src, col });
      }
      if (hits.length > 1) throw E.ambiguousColumn(parts[0] as string);
      if (hits[0]) return hits[0];
    }
    throw E.invalidColumn(parts[0] as string);
  }

  /** Every column used outside an aggregate must be grouped (SQLite would silently pick a row). */
  private checkGrouping(c: SelectCore, scope: Scope): void {
    const hasAgg = c.items.some((i) => i.k !== 'star' && containsAggregate(i.e)) || c.having !== undefined;
    if (!c.groupBy.length && !hasAgg) return;
    const keyOf = (parts: string[]): string => {
      const r = this.resolveColumn(parts, scope);
      return `${r.source.exposed.toLowerCase()}.${r.col.name.toLowerCase()}`;
    };
    const grouped = new Set<string>();
    const groupedExprs = new Set<string>();
    for (const g of c.groupBy) {
      if (g.k === 'col') grouped.add(keyOf(g.parts));
      groupedExprs.add(JSON.stringify(g));
    }
    const visit = (e: Expr): void => {
      if (groupedExprs.has(JSON.stringify(e))) return;
      switch (e.k) {
        case 'col': {
          const r = this.resolveColumn(e.parts, scope);
          // Outer references are constants here.
          if (!scope.sources.includes(r.source)) return;
          const k = keyOf(e.parts);
          if (!grouped.has(k)) throw E.notInGroupBy(`${r.source.exposed}.${r.col.name}`);
          return;
        }
        case 'func':
          if (FUNCTIONS[e.name]?.aggregate) return;
          e.args.forEach(visit);
          return;
        case 'subquery':
        case 'exists':
          return;
        default:
          for (const child of children(e)) visit(child);
      }
    };
    for (const it of c.items) {
      if (it.k === 'star') {
        if (scope.sources[0]?.columns[0]) throw E.notInGroupBy(`${scope.sources[0].exposed}.${scope.sources[0].columns[0].name}`);
        continue;
      }
      visit(it.e);
    }
    if (c.having) visit(c.having);
  }

  // ---------- expressions ----------

  pred(e: Expr, scope: Scope | undefined, near: string): string {
    if (!isPredicate(e)) throw E.nonBoolean(near);
    return this.expr(e, scope ?? { sources: [], parent: undefined }).sql;
  }

  private value(e: Expr, scope: Scope): Out {
    if (isPredicate(e)) throw E.syntax(e.k === 'binop' ? e.op : e.k.toUpperCase());
    return this.expr(e, scope);
  }

  expr(e: Expr, scope: Scope): Out {
    switch (e.k) {
      case 'num':
        return { sql: e.v, type: numberType(e.v) };
      case 'str':
        return { sql: lit(e.v), type: { type: e.unicode ? 'nvarchar' : 'varchar', length: Math.max(1, e.v.length) } };
      case 'bin':
        return { sql: `X'${e.v.toString('hex')}'`, type: { type: 'varbinary', length: Math.max(1, e.v.length) } };
      case 'null':
        return { sql: 'NULL', type: undefined };
      case 'var': {
        const v = this.ctx.variable(e.name);
        if (!v) throw E.mustDeclare(e.name);
        return { sql: this.param(v.value), type: v.type };
      }
      case 'gvar':
        return { sql: this.param(globalVariable(this.ctx, e.name)), type: GVARS[e.name] };
      case 'col': {
        const r = this.resolveColumn(e.parts, scope);
        return { sql: `${q(r.source.sqlAlias)}.${q(r.col.name)}`, type: r.col.type };
      }
      case 'paren': {
        const o = this.expr(e.e, scope);
        return { sql: `(${o.sql})`, type: o.type };
      }
      case 'unary': {
        if (e.op === 'NOT') return { sql: `(NOT ${this.pred(e.e, scope, 'NOT')})`, type: undefined };
        const o = this.value(e.e, scope);
        if (e.op === '+') return o;
        return { sql: `(${e.op}${o.sql})`, type: o.type };
      }
      case 'binop':
        return this.binop(e, scope);
      case 'isnull':
        return { sql: `(${this.value(e.e, scope).sql} IS ${e.not ? 'NOT ' : ''}NULL)`, type: undefined };
      case 'between': {
        const x = this.value(e.e, scope).sql;
        return { sql: `(${x} ${e.not ? 'NOT ' : ''}BETWEEN ${this.value(e.lo, scope).sql} AND ${this.value(e.hi, scope).sql})`, type: undefined };
      }
      case 'like': {
        const x = this.value(e.e, scope).sql;
        const p = this.value(e.pattern, scope).sql;
        const esc = e.escape ? this.value(e.escape, scope).sql : 'NULL';
        return { sql: `(lab_like(${x}, ${p}, ${esc}) = ${e.not ? 0 : 1})`, type: undefined };
      }
      case 'in': {
        const x = this.value(e.e, scope).sql;
        if (Array.isArray(e.list)) {
          const items = e.list.map((i) => this.value(i, scope).sql).join(', ');
          return { sql: `(${x} COLLATE NOCASE ${e.not ? 'NOT ' : ''}IN (${items}))`, type: undefined };
        }
        const sub = this.select(e.list, scope);
        if (sub.columns.length !== 1) throw E.subqueryColumns();
        return { sql: `(${x} COLLATE NOCASE ${e.not ? 'NOT ' : ''}IN (${sub.sql}))`, type: undefined };
      }
      case 'exists':
        return { sql: `EXISTS (${this.select(e.q, scope).sql})`, type: undefined };
      case 'subquery': {
        const sub = this.select(e.q, scope, ['lab_v']);
        if (sub.columns.length !== 1) throw E.subqueryColumns();
        // SQLite would take the first row; SQL Server fails with 512 when there are more.
        return {
          sql: `(SELECT CASE WHEN count(*) > 1 THEN lab_error(512) ELSE min(lab_v) END FROM (${sub.sql}))`,
          type: sub.columns[0]?.type,
        };
      }
      case 'case': {
        let sql = 'CASE';
        let type: SqlType | undefined;
        if (e.operand) sql += ` ${this.value(e.operand, scope).sql} COLLATE NOCASE`;
        for (const w of e.whens) {
          const when = e.operand ? this.value(w.when, scope).sql : this.pred(w.when, scope, 'WHEN');
          const then = this.value(w.then, scope);
          type ??= then.type;
          sql += ` WHEN ${when} THEN ${then.sql}`;
        }
        if (e.else) {
          const el = this.value(e.else, scope);
          type ??= el.type;
          sql += ` ELSE ${el.sql}`;
        }
        return { sql: sql + ' END', type };
      }
      case 'cast': {
        const v = this.value(e.e, scope).sql;
        const style = e.style ? this.value(e.style, scope).sql : 'NULL';
        return { sql: `lab_cast(${v}, ${lit(typeToString(e.to))}, ${style}, ${e.tryCast ? 1 : 0})`, type: e.to };
      }
      case 'func':
        return this.func(e, scope);
    }
  }

  private binop(e: Extract<Expr, { k: 'binop' }>, scope: Scope): Out {
    if (e.op === 'AND' || e.op === 'OR') {
      return { sql: `(${this.pred(e.l, scope, e.op)} ${e.op} ${this.pred(e.r, scope, e.op)})`, type: undefined };
    }
    const l = this.value(e.l, scope);
    const r = this.value(e.r, scope);
    if (PREDICATE_OPS.has(e.op)) {
      // SQL Server's default collation compares case-insensitively.
      const textual = isStringType(l.type) || isStringType(r.type) || l.type === undefined || r.type === undefined || l.type.type === 'uniqueidentifier';
      return { sql: `(${l.sql} ${e.op} ${r.sql}${textual ? ' COLLATE NOCASE' : ''})`, type: undefined };
    }
    switch (e.op) {
      case '+': {
        if (isStringType(l.type) && isStringType(r.type)) return { sql: `(${l.sql} || ${r.sql})`, type: concatType(l.type, r.type) };
        if (l.type?.type === 'varbinary' && r.type?.type === 'varbinary') return { sql: `lab_add(${l.sql}, ${r.sql})`, type: { type: 'varbinary', length: 'max' } };
        const numeric = l.type && r.type && !isStringType(l.type) && !isStringType(r.type);
        if (numeric) return { sql: `(${l.sql} + ${r.sql})`, type: arithmeticType(l.type, r.type) };
        const t = isStringType(l.type) && isStringType(r.type) ? concatType(l.type, r.type) : (arithmeticType(isStringType(l.type) ? undefined : l.type, isStringType(r.type) ? undefined : r.type) ?? concatType(l.type, r.type));
        return { sql: `lab_add(${l.sql}, ${r.sql})`, type: t };
      }
      case '-':
      case '*':
        return { sql: `(${l.sql} ${e.op} ${r.sql})`, type: arithmeticType(l.type, r.type) };
      case '/':
      case '%':
        return {
          sql: `(CASE WHEN ${r.sql} = 0 THEN lab_error(8134) ELSE ${l.sql} ${e.op} ${r.sql} END)`,
          type: arithmeticType(l.type, r.type),
        };
      case '&':
      case '|':
        return { sql: `(${l.sql} ${e.op} ${r.sql})`, type: arithmeticType(l.type, r.type) };
      case '^':
        return { sql: `((${l.sql} | ${r.sql}) - (${l.sql} & ${r.sql}))`, type: arithmeticType(l.type, r.type) };
      default:
        throw E.syntax(e.op);
    }
  }

  private func(e: Extract<Expr, { k: 'func' }>, scope: Scope): Out {
    if (e.name.includes('.')) {
      throw new SqlError(4121, `Cannot find either column "${e.name.split('.')[0] ?? ''}" or the user-defined function or aggregate "${e.name}", or the name is ambiguous.`, {
        abortsBatch: true,
      });
    }
    const spec = FUNCTIONS[e.name];
    if (!spec) {
      if (KNOWN_UNIMPLEMENTED.has(e.name)) throw E.notImplemented(e.name);
      throw E.unknownFunction(e.name);
    }
    if (e.star) {
      if (e.name !== 'COUNT' && e.name !== 'COUNT_BIG') throw E.syntax('*');
      return { sql: 'count(*)', type: spec.type([]) };
    }
    if (e.args.length < spec.min || e.args.length > spec.max) throw E.argCount(e.name, spec.min);
    const args: string[] = [];
    const types: (SqlType | undefined)[] = [];
    e.args.forEach((a, i) => {
      if (i === 0 && spec.datepart) {
        if (a.k !== 'col' || a.parts.length !== 1) throw E.syntax(',');
        args.push(lit(datePart(a.parts[0] as string)));
        types.push(undefined);
        return;
      }
      const o = this.value(a, scope);
      args.push(o.sql);
      types.push(o.type);
    });
    if (e.distinct) return { sql: `${e.name === 'COUNT_BIG' ? 'count' : e.name.toLowerCase()}(DISTINCT ${args[0] ?? ''})`, type: spec.type(types) };
    return { sql: spec.sql(args, types), type: spec.type(types) };
  }
}

function children(e: Expr): Expr[] {
  switch (e.k) {
    case 'unary':
    case 'paren':
    case 'isnull':
      return [e.e];
    case 'binop':
      return [e.l, e.r];
    case 'in':
      return Array.isArray(e.list) ? [e.e, ...e.list] : [e.e];
    case 'between':
      return [e.e, e.lo, e.hi];
    case 'like':
      return e.escape ? [e.e, e.pattern, e.escape] : [e.e, e.pattern];
    case 'case':
      return [...(e.operand ? [e.operand] : []), ...e.whens.flatMap((w) => [w.when, w.then]), ...(e.else ? [e.else] : [])];
    case 'func':
      return e.args;
    case 'cast':
      return e.style ? [e.e, e.style] : [e.e];
    default:
      return [];
  }
}

function containsAggregate(e: Expr): boolean {
  if (e.k === 'func' && FUNCTIONS[e.name]?.aggregate) return true;
  if (e.k === 'subquery' || e.k === 'exists') return false;
  return children(e).some(containsAggregate);
}
