/**
 * Runs parsed statements with T-SQL's error semantics: most errors end only their
 * statement, compile/conversion errors (and any error under XACT_ABORT ON) end the batch.
 */

import type { SqlType } from '@/lib/lab/tds/types';
import type { Expr, Stmt } from '../ast';
import { E, SqlError } from '../errors';
import { parseBatch } from '../parse/statements';
import { convertValue, type DbValue } from '../sqltypes';
import { addListener, failoverStatement, modifyListener, modifyReplica } from '../statements/ag';
import { alterLogin, alterServerRole, createLogin, dropLogin } from '../statements/logins';
import { alterRole, alterUser, createUser, dropUser } from '../statements/users';
import { activatePrefetch, buildPrefetch, CONTEXT_FUNCTIONS, WINDOWS_LOOKUP_RE } from '../functions';
import { Translator } from '../translate';
import { execStatement } from './call';
import { ExecContext } from './context';
import { checkAvailable, dbUserFor, findDb } from './security';
import { toSqlValue } from './values';

/** Maps what SQLite reports to what SQL Server would (the translator resolves names first, so these are rare). */
export function mapSqliteError(e: unknown): SqlError {
  if (e instanceof SqlError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  let m = /no such column: (?:\w+\.)?(\S+)/.exec(msg);
  if (m) return E.invalidColumn(m[1] as string);
  m = /ambiguous column name: (?:\w+\.)?(\S+)/.exec(msg);
  if (m) return E.ambiguousColumn(m[1] as string);
  if (/misuse of aggregate/.test(msg)) {
    return new SqlError(147, 'An aggregate may not appear in the WHERE clause unless it is in a subquery contained in a HAVING clause or a select list, and the column being aggregated is an outer reference.', {
      abortsBatch: true,
      severity: 15,
    });
  }
  return new SqlError(8630, `Internal Query Processor Error: The query processor encountered an unexpected error during execution (lab: ${msg}).`, { abortsBatch: true });
}

export function emitError(ctx: ExecContext, e: SqlError, line: number): void {
  for (const p of e.preceding) emitError(ctx, p, line);
  if (!e.procedure && ctx.procedure) e.procedure = ctx.procedure;
  ctx.emit({ kind: 'error', ...e.toMessage(line) });
  ctx.error = e.number;
}

/** Runs a statement list; false when the batch was aborted. */
export function runStatements(ctx: ExecContext, stmts: readonly Stmt[]): boolean {
  for (const s of stmts) {
    if (ctx.returned) return true;
    if (!runStatement(ctx, s)) return false;
  }
  return true;
}

export function runBatchText(ctx: ExecContext, sql: string): boolean {
  let stmts: Stmt[];
  try {
    stmts = parseBatch(sql);
  } catch (e) {
    // A syntax error anywhere means nothing in the batch runs (it is compiled as a whole).
    emitError(ctx, mapSqliteError(e), 1);
    return false;
  }
  return runStatements(ctx, stmts);
}

function runStatement(ctx: ExecContext, s: Stmt): boolean {
  try {
    // Each statement is atomic: a failing one leaves no partial change behind (a savepoint when nested).
    return ctx.st.db.transaction(() => execute(ctx, s))();
  } catch (e) {
    const err = mapSqliteError(e);
    emitError(ctx, err, s.line);
    return !(err.abortsBatch || ctx.session.xactAbort);
  }
}

const CONTEXT_RE = new RegExp(`\\b(${[...CONTEXT_FUNCTIONS].join('|')})\\(`);

/** Runs translated SQL; context functions get their snapshot first (SQLite cannot be queried from inside them). */
export function runSql(ctx: ExecContext, sql: string, params: Record<string, DbValue>): unknown[][] {
  ctx.prefetch = CONTEXT_RE.test(sql) ? buildPrefetch(ctx, { windows: WINDOWS_LOOKUP_RE.test(sql) }) : undefined;
  activatePrefetch(ctx.prefetch);
  try {
    return ctx.st.db.prepare(sql).raw(true).all(params) as unknown[][];
  } finally {
    activatePrefetch(undefined);
  }
}

/** Evaluates a scalar expression (no FROM) with T-SQL semantics. */
export function evalExpr(ctx: ExecContext, e: Expr): { value: DbValue; type: SqlType | undefined } {
  const tr = new Translator(ctx);
  const o = tr.expr(e, { sources: [], parent: undefined });
  const row = runSql(ctx, `SELECT ${o.sql}`, tr.params)[0] ?? [];
  return { value: (row[0] ?? null) as DbValue, type: o.type };
}

export function evalCondition(ctx: ExecContext, e: Expr): boolean {
  const tr = new Translator(ctx);
  const sql = tr.pred(e, undefined, 'IF');
  const row = runSql(ctx, `SELECT CASE WHEN ${sql} THEN 1 ELSE 0 END`, tr.params)[0] ?? [];
  return row[0] === 1;
}

function setVariable(ctx: ExecContext, name: string, op: string, value: DbValue): void {
  const v = ctx.variable(name);
  if (!v) throw E.mustDeclare(name);
  let next = value;
  if (op !== '=') {
    const cur = v.value;
    if (cur === null || value === null) next = null;
    else if (op === '+=' && typeof cur === 'string') next = cur + String(value);
    else {
      const a = Number(cur);
      const b = Number(value);
      next = op === '+=' ? a + b : op === '-=' ? a - b : op === '*=' ? a * b : op === '/=' ? Math.trunc(a / b) : op === '%=' ? a % b : op === '&=' ? a & b : op === '|=' ? a | b : a ^ b;
    }
  }
  v.value = convertValue(next, v.type);
}

function format(msg: string, args: DbValue[]): string {
  let i = 0;
  return msg.replace(/%[-+ 0#]*\d*(?:\.\d+)?[sdiuxXoS]/g, () => String(args[i++] ?? '(null)'));
}

function execute(ctx: ExecContext, s: Stmt): boolean {
  switch (s.k) {
    case 'select': {
      const tr = new Translator(ctx).topLevel(s.q);
      const rows = runSql(ctx, tr.sql, tr.params);
      ctx.rowcount = rows.length;
      if (tr.assigns) {
        const last = rows[rows.length - 1];
        if (last) tr.assigns.forEach((a, i) => setVariable(ctx, a.variable, a.op, (last[i] ?? null) as DbValue));
        return true;
      }
      ctx.emit({ kind: 'rows', columns: tr.columns, rows: rows.map((r) => r.map((v, i) => toSqlValue(v, (tr.columns[i] as { type: SqlType }).type))) });
      return true;
    }
    case 'set_option':
      if (s.name === 'NOCOUNT ON') ctx.session.nocount = true;
      if (s.name === 'NOCOUNT OFF') ctx.session.nocount = false;
      if (s.name === 'XACT_ABORT ON') ctx.session.xactAbort = true;
      if (s.name === 'XACT_ABORT OFF') ctx.session.xactAbort = false;
      ctx.emit({ kind: 'done' });
      return true;
    case 'set_var':
      setVariable(ctx, s.name, s.op, evalExpr(ctx, s.e).value);
      return true;
    case 'declare':
      for (const d of s.decls) {
        if (ctx.variable(d.name)) throw E.alreadyDeclared(d.name);
        ctx.vars.set(d.name.toLowerCase(), { type: d.type, value: null });
        if (d.init) setVariable(ctx, d.name, '=', evalExpr(ctx, d.init).value);
      }
      return true;
    case 'use': {
      const db = findDb(ctx, s.db);
      if (!db) throw E.dbNotExist(s.db);
      checkAvailable(ctx, db, false);
      if (!dbUserFor(ctx, db)) throw E.cannotAccessDb(ctx.session.loginName, db.name);
      ctx.session.database = db.name;
      ctx.emit({ kind: 'database', name: db.name });
      return true;
    }
    case 'print': {
      const v = evalExpr(ctx, s.e).value;
      ctx.emit({ kind: 'info', number: 0, message: v === null ? '' : Buffer.isBuffer(v) ? v.toString('latin1') : String(v), class: 0, state: 1, line: s.line });
      return true;
    }
    case 'if':
      if (evalCondition(ctx, s.cond)) return runStatement(ctx, s.then);
      return s.else ? runStatement(ctx, s.else) : true;
    case 'block':
      return runStatements(ctx, s.body);
    case 'tran':
      return transaction(ctx, s.action);
    case 'exec':
      execStatement(ctx, s);
      return true;
    case 'exec_dynamic': {
      const text = s.parts.map((p) => evalExpr(ctx, p).value ?? '').join('');
      // Dynamic SQL has its own variable scope; USE inside it does not outlive it.
      const saved = ctx.session.database;
      const child = new ExecContext(ctx.st, ctx.session, ctx.inst, '');
      const ok = runBatchText(child, String(text));
      ctx.items.push(...child.items);
      if (ctx.session.database !== saved) {
        ctx.session.database = saved;
        ctx.emit({ kind: 'database', name: saved });
      }
      // Errors inside EXEC (...) end only the dynamic batch.
      void ok;
      return true;
    }
    case 'throw': {
      if (!s.num) throw new SqlError(10704, 'To rethrow an error, a THROW statement must be used inside a CATCH block. Insert the THROW statement inside a CATCH block, or add error parameters to the THROW statement.', { abortsBatch: true, severity: 15 });
      const num = Number(evalExpr(ctx, s.num).value);
      if (num < 50000) throw new SqlError(35100, `Error number ${num} in the THROW statement is outside the valid range. Specify an error number in the valid range of 50000 to 2147483647.`, { abortsBatch: true });
      const msg = String(evalExpr(ctx, s.msg as Expr).value ?? '');
      const state = Number(evalExpr(ctx, s.state as Expr).value);
      throw new SqlError(num, msg, { state, severity: 16, abortsBatch: true });
    }
    case 'raiserror': {
      const msgV = evalExpr(ctx, s.msg).value;
      const sev = Number(evalExpr(ctx, s.severity).value);
      const state = Number(evalExpr(ctx, s.state).value);
      const args = s.args.map((a) => evalExpr(ctx, a).value);
      const [num, text] = typeof msgV === 'number' ? [msgV, `Error ${msgV} (message text is not in the lab's sys.messages)`] : [50000, format(String(msgV ?? ''), args)];
      if (sev <= 10) {
        ctx.emit({ kind: 'info', number: num, message: text, class: sev, state, line: s.line });
        return true;
      }
      throw new SqlError(num, text, { state, severity: Math.min(sev, 18) });
    }
    case 'return':
      ctx.returned = true;
      ctx.returnStatus = s.e ? Number(evalExpr(ctx, s.e).value ?? 0) : 0;
      return true;
    case 'create_login':
      createLogin(ctx, s);
      return true;
    case 'alter_login':
      alterLogin(ctx, s);
      return true;
    case 'drop_login':
      dropLogin(ctx, s);
      return true;
    case 'create_user':
      createUser(ctx, s);
      return true;
    case 'alter_user':
      alterUser(ctx, s);
      return true;
    case 'drop_user':
      dropUser(ctx, s);
      return true;
    case 'alter_role':
      if (s.server) alterServerRole(ctx, s);
      else alterRole(ctx, s);
      return true;
    case 'ag_add_listener':
      addListener(ctx, s);
      return true;
    case 'ag_modify_listener':
      modifyListener(ctx, s);
      return true;
    case 'ag_failover':
      failoverStatement(ctx, s);
      return true;
    case 'ag_modify_replica':
      modifyReplica(ctx, s);
      return true;
    case 'unsupported': {
      const e = E.notImplemented(s.what);
      throw new SqlError(e.number, e.message, { abortsBatch: true });
    }
  }
}

function transaction(ctx: ExecContext, action: 'begin' | 'commit' | 'rollback'): boolean {
  const sess = ctx.session;
  ctx.emit({ kind: 'transaction', action });
  if (action === 'begin') {
    if (sess.tranCount === 0) sess.changesInTran = 0;
    sess.tranCount++;
    return true;
  }
  if (sess.tranCount === 0) return true; // the TDS session reports 3902/3903
  if (action === 'commit') {
    sess.tranCount--;
    if (sess.tranCount === 0) sess.changesInTran = 0;
    return true;
  }
  const changes = sess.changesInTran;
  sess.tranCount = 0;
  sess.changesInTran = 0;
  if (changes > 0) throw E.rollbackNotUndone(changes);
  return true;
}
