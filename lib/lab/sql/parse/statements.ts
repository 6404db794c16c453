/**
 * Batch parser: splits a batch into statements (separated by ';' or simply by the next
 * statement's first keyword) and parses each one the lab implements. Statements it
 * recognises but does not implement become `unsupported` and fail when reached.
 */

import type { Declaration, ExecArg, LoginOption, Stmt } from '../ast';
import { E } from '../errors';
import { tokenize, type Token } from '../tokenizer';
import { Parser } from './core';
import { parseExpr } from './expr';
import { parseSelect } from './select';

/** SET options that change nothing the lab models; accepted like a real server accepts them. */
const HARMLESS_ON_OFF = new Set([
  'ANSI_NULLS',
  'QUOTED_IDENTIFIER',
  'ARITHABORT',
  'ARITHIGNORE',
  'NUMERIC_ROUNDABORT',
  'ANSI_WARNINGS',
  'ANSI_PADDING',
  'ANSI_NULL_DFLT_ON',
  'ANSI_NULL_DFLT_OFF',
  'CONCAT_NULL_YIELDS_NULL',
  'CURSOR_CLOSE_ON_COMMIT',
  'ANSI_DEFAULTS',
  'NOCOUNT',
  'XACT_ABORT',
  'IMPLICIT_TRANSACTIONS',
  'NOEXEC',
  'FMTONLY',
  'PARSEONLY',
  'FORCEPLAN',
  'SHOWPLAN_ALL',
  'SHOWPLAN_TEXT',
  'SHOWPLAN_XML',
]);

/** Options that change behaviour when ON and that the lab does not model. */
const UNMODELLED_WHEN_ON = new Set(['IMPLICIT_TRANSACTIONS', 'NOEXEC', 'FMTONLY', 'PARSEONLY', 'SHOWPLAN_ALL', 'SHOWPLAN_TEXT', 'SHOWPLAN_XML', 'FORCEPLAN']);

/** First words of statements T-SQL has and the lab does not implement. */
const KNOWN_UNSUPPORTED = new Set([
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'TRUNCATE',
  'GRANT',
  'DENY',
  'REVOKE',
  'BACKUP',
  'RESTORE',
  'DBCC',
  'KILL',
  'WAITFOR',
  'WHILE',
  'GOTO',
  'OPEN',
  'CLOSE',
  'FETCH',
  'DEALLOCATE',
  'BULK',
  'RECONFIGURE',
  'CHECKPOINT',
  'SHUTDOWN',
  'SAVE',
  'REVERT',
  'BREAK',
  'CONTINUE',
  'ENABLE',
  'DISABLE',
  'WITH',
  'READTEXT',
  'WRITETEXT',
  'UPDATETEXT',
  'SETUSER',
]);

export function parseBatch(sql: string): Stmt[] {
  const p = new Parser(tokenize(sql));
  const out: Stmt[] = [];
  while (!p.atEnd()) {
    if (p.acceptOp(';')) continue;
    const s = parseStatement(p, out.length === 0);
    out.push(s);
    // An unsupported statement ends parsing: the lab cannot know where it stops, and it
    // aborts the batch when reached anyway.
    if (s.k === 'unsupported') break;
  }
  return out;
}

function line(p: Parser): number {
  return p.tok.line;
}

function word(p: Parser): string {
  const t = p.tok;
  return t.t === 'ident' && !t.quoted ? t.v.toUpperCase() : '';
}

export function parseStatement(p: Parser, firstInBatch: boolean): Stmt {
  const ln = line(p);
  const w = word(p);
  switch (w) {
    case 'SELECT':
      return { k: 'select', q: parseSelect(p), line: ln };
    case 'SET':
      return parseSet(p);
    case 'USE':
      p.next();
      return { k: 'use', db: p.ident(), line: ln };
    case 'DECLARE':
      return parseDeclare(p);
    case 'PRINT':
      p.next();
      return { k: 'print', e: parseExpr(p), line: ln };
    case 'IF': {
      p.next();
      const cond = parseExpr(p);
      const then = parseStatement(p, false);
      while (p.acceptOp(';'));
      if (p.acceptKw('ELSE')) return { k: 'if', cond, then, else: parseStatement(p, false), line: ln };
      return { k: 'if', cond, then, line: ln };
    }
    case 'BEGIN':
      return parseBegin(p);
    case 'COMMIT':
    case 'ROLLBACK': {
      p.next();
      if (!p.acceptKw('TRAN') && !p.acceptKw('TRANSACTION')) p.acceptKw('WORK');
      if (p.tok.t === 'ident' && !p.isKw('ELSE') && !p.isKw('END') && !startsStatement(p)) p.next();
      return { k: 'tran', action: w === 'COMMIT' ? 'commit' : 'rollback', line: ln };
    }
    case 'EXEC':
    case 'EXECUTE':
      p.next();
      return parseExec(p, ln);
    case 'THROW': {
      p.next();
      if (startsStatement(p) || p.atEnd() || p.isOp(';')) return { k: 'throw', line: ln };
      const num = parseExpr(p);
      p.expectOp(',');
      const msg = parseExpr(p);
      p.expectOp(',');
      const state = parseExpr(p);
      return { k: 'throw', num, msg, state, line: ln };
    }
    case 'RAISERROR': {
      p.next();
      p.expectOp('(');
      const msg = parseExpr(p);
      p.expectOp(',');
      const severity = parseExpr(p);
      p.expectOp(',');
      const state = parseExpr(p);
      const args = [];
      while (p.acceptOp(',')) args.push(parseExpr(p));
      p.expectOp(')');
      if (p.acceptKw('WITH')) {
        do {
          if (!p.acceptKw('NOWAIT') && !p.acceptKw('LOG') && !p.acceptKw('SETERROR')) throw p.error();
        } while (p.acceptOp(','));
      }
      return { k: 'raiserror', msg, severity, state, args, line: ln };
    }
    case 'RETURN': {
      p.next();
      if (p.atEnd() || p.isOp(';') || startsStatement(p) || p.isKw('END')) return { k: 'return', line: ln };
      return { k: 'return', e: parseExpr(p), line: ln };
    }
    case 'CREATE':
      return parseCreate(p);
    case 'ALTER':
      return parseAlter(p);
    case 'DROP':
      return parseDrop(p);
  }
  if (KNOWN_UNSUPPORTED.has(w)) return { k: 'unsupported', what: w, line: ln };
  if (p.isOp('(')) {
    // (SELECT ...) UNION ... at statement level
    return { k: 'unsupported', what: 'parenthesised query', line: ln };
  }
  const t = p.tok;
  // A bare procedure name is an EXEC, but only as the batch's first statement.
  if (firstInBatch && t.t === 'ident' && (t.quoted || w === '' || !isReservedWord(w))) return parseExec(p, ln);
  throw p.error();
}

function isReservedWord(w: string): boolean {
  return ['ELSE', 'END', 'FROM', 'WHERE', 'AND', 'OR'].includes(w) || w === '';
}

const STATEMENT_WORDS = new Set(['SELECT', 'SET', 'USE', 'DECLARE', 'PRINT', 'IF', 'BEGIN', 'COMMIT', 'ROLLBACK', 'EXEC', 'EXECUTE', 'THROW', 'RAISERROR', 'RETURN', 'CREATE', 'ALTER', 'DROP', ...KNOWN_UNSUPPORTED]);

function startsStatement(p: Parser): boolean {
  return STATEMENT_WORDS.has(word(p));
}

function parseSet(p: Parser): Stmt {
  const ln = line(p);
  p.expectKw('SET');
  const t = p.tok;
  if (t.t === 'var') {
    p.next();
    const op = p.tok;
    if (op.t !== 'op' || !['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^='].includes(op.v)) throw p.error();
    p.next();
    return { k: 'set_var', name: t.v, op: op.v, e: parseExpr(p), line: ln };
  }
  const w = word(p);
  if (w === 'TRANSACTION') {
    p.next();
    p.expectKw('ISOLATION');
    p.expectKw('LEVEL');
    if (p.acceptKw('READ')) {
      if (!p.acceptKw('COMMITTED') && !p.acceptKw('UNCOMMITTED')) throw p.error();
    } else if (p.acceptKw('REPEATABLE')) p.expectKw('READ');
    else if (!p.acceptKw('SERIALIZABLE') && !p.acceptKw('SNAPSHOT')) throw p.error();
    return { k: 'set_option', name: 'TRANSACTION ISOLATION LEVEL', line: ln };
  }
  if (['TEXTSIZE', 'DATEFIRST', 'LOCK_TIMEOUT', 'QUERY_GOVERNOR_COST_LIMIT'].includes(w)) {
    p.next();
    p.acceptOp('-');
    if (p.tok.t === 'number' || p.tok.t === 'var') p.next();
    else throw p.error();
    return { k: 'set_option', name: w, line: ln };
  }
  if (w === 'ROWCOUNT') {
    p.next();
    const n = p.tok;
    if (n.t === 'number' && Number(n.v) === 0) {
      p.next();
      return { k: 'set_option', name: w, line: ln };
    }
    return { k: 'unsupported', what: 'SET ROWCOUNT', line: ln };
  }
  if (['LANGUAGE', 'DATEFORMAT', 'DEADLOCK_PRIORITY', 'CONTEXT_INFO'].includes(w)) {
    p.next();
    const v = p.tok;
    if (v.t === 'ident' || v.t === 'string' || v.t === 'number' || v.t === 'var' || v.t === 'binary') p.next();
    else throw p.error();
    if (w === 'LANGUAGE' && v.t !== 'var' && !['us_english', 'english'].includes(String((v as { v: unknown }).v).toLowerCase())) {
      return { k: 'unsupported', what: `SET LANGUAGE ${String((v as { v: unknown }).v)}`, line: ln };
    }
    return { k: 'set_option', name: w, line: ln };
  }
  if (w === 'STATISTICS') {
    p.next();
    const what = word(p);
    p.next();
    if (p.acceptKw('ON')) return { k: 'unsupported', what: `SET STATISTICS ${what} ON`, line: ln };
    p.expectKw('OFF');
    return { k: 'set_option', name: `STATISTICS ${what}`, line: ln };
  }
  const names: string[] = [];
  do {
    const n = word(p);
    if (!HARMLESS_ON_OFF.has(n)) {
      if (n === 'IDENTITY_INSERT') return { k: 'unsupported', what: 'SET IDENTITY_INSERT', line: ln };
      throw p.error();
    }
    p.next();
    names.push(n);
  } while (p.acceptOp(','));
  const on = p.acceptKw('ON');
  if (!on) p.expectKw('OFF');
  if (on) {
    const bad = names.find((n) => UNMODELLED_WHEN_ON.has(n));
    if (bad) return { k: 'unsupported', what: `SET ${bad} ON`, line: ln };
  }
  if (names.length === 1 && (names[0] === 'NOCOUNT' || names[0] === 'XACT_ABORT')) return { k: 'set_option', name: `${names[0]} ${on ? 'ON' : 'OFF'}`, line: ln };
  return { k: 'set_option', name: names.join(','), line: ln };
}

function parseDeclare(p: Parser): Stmt {
  const ln = line(p);
  p.expectKw('DECLARE');
  const decls: Declaration[] = [];
  do {
    const t = p.tok;
    if (t.t !== 'var' || t.v.startsWith('@@')) {
      if (t.t === 'ident' && p.isKw('CURSOR', p.peek())) return { k: 'unsupported', what: 'DECLARE CURSOR', line: ln };
      throw p.error();
    }
    p.next();
    p.acceptKw('AS');
    if (p.isKw('TABLE')) return { k: 'unsupported', what: 'DECLARE ... TABLE', line: ln };
    const type = p.dataType();
    const d: Declaration = { name: t.v, type };
    if (p.acceptOp('=')) d.init = parseExpr(p);
    decls.push(d);
  } while (p.acceptOp(','));
  return { k: 'declare', decls, line: ln };
}

function parseBegin(p: Parser): Stmt {
  const ln = line(p);
  p.expectKw('BEGIN');
  if (p.acceptKw('TRAN') || p.acceptKw('TRANSACTION')) {
    if (p.tok.t === 'ident' && !startsStatement(p) && !p.isKw('WITH') && !p.isKw('END') && !p.isKw('ELSE')) p.next();
    else if (p.tok.t === 'var') p.next();
    if (p.isKw('WITH')) return { k: 'unsupported', what: 'BEGIN TRANSACTION WITH MARK', line: ln };
    return { k: 'tran', action: 'begin', line: ln };
  }
  if (p.isKw('DISTRIBUTED')) return { k: 'unsupported', what: 'BEGIN DISTRIBUTED TRANSACTION', line: ln };
  if (p.isKw('TRY')) return { k: 'unsupported', what: 'BEGIN TRY', line: ln };
  if (p.isKw('CONVERSATION') || p.isKw('DIALOG')) return { k: 'unsupported', what: 'BEGIN DIALOG', line: ln };
  const body: Stmt[] = [];
  for (;;) {
    while (p.acceptOp(';'));
    if (p.acceptKw('END')) break;
    if (p.atEnd()) throw p.error();
    const s = parseStatement(p, false);
    body.push(s);
    if (s.k === 'unsupported') return s;
  }
  return { k: 'block', body, line: ln };
}

function parseExec(p: Parser, ln: number): Stmt {
  if (p.isOp('(')) {
    p.next();
    const parts = [parseExpr(p)];
    while (p.acceptOp('+')) parts.push(parseExpr(p));
    p.expectOp(')');
    if (p.isKw('AT') || p.isKw('AS')) return { k: 'unsupported', what: 'EXEC (...) AT/AS', line: ln };
    return { k: 'exec_dynamic', parts, line: ln };
  }
  if (p.isKw('AS')) return { k: 'unsupported', what: 'EXECUTE AS', line: ln };
  let returnVar: string | undefined;
  const t = p.tok;
  if (t.t === 'var' && p.isOp('=', p.peek())) {
    returnVar = t.v;
    p.next();
    p.next();
  }
  if (p.tok.t === 'var') return { k: 'unsupported', what: 'EXEC @procedure_name_variable', line: ln };
  const proc = p.multipartName();
  if (p.acceptOp(';')) {
    // ';1' procedure numbers are obsolete; treat as end of statement.
    p.i--;
  }
  const args: ExecArg[] = [];
  if (!p.atEnd() && !p.isOp(';') && !startsStatement(p) && !p.isKw('END') && !p.isKw('ELSE')) {
    do {
      const a: Token = p.peek(0);
      let name: string | undefined;
      if (a.t === 'var' && !a.v.startsWith('@@') && p.isOp('=', p.peek())) {
        name = a.v;
        p.next();
        p.next();
      }
      let value: ExecArg['value'];
      if (p.isKw('DEFAULT')) {
        p.next();
        value = { k: 'default' };
      } else {
        const v = p.tok;
        // Unquoted words are allowed as string arguments (EXEC sp_configure show, ...).
        if (v.t === 'ident' && !v.quoted && !p.isOp('(', p.peek()) && !p.isOp('.', p.peek()) && !['NULL'].includes(v.v.toUpperCase())) {
          p.next();
          value = { k: 'str', v: v.v, unicode: false };
        } else value = parseExpr(p);
      }
      const output = p.acceptKw('OUTPUT') || p.acceptKw('OUT');
      args.push(name ? { name, value, output } : { value, output });
    } while (p.acceptOp(','));
  }
  if (p.isKw('WITH')) return { k: 'unsupported', what: 'EXEC ... WITH', line: ln };
  return returnVar ? { k: 'exec', proc, args, returnVar, line: ln } : { k: 'exec', proc, args, line: ln };
}

function parseLoginOptions(p: Parser, forAlter: boolean): LoginOption[] {
  const opts: LoginOption[] = [];
  do {
    const w = word(p);
    p.next();
    p.expectOp('=');
    switch (w) {
      case 'PASSWORD': {
        const t = p.tok;
        let value: string;
        let hashed = false;
        if (t.t === 'string') {
          p.next();
          value = t.v;
        } else if (t.t === 'binary') {
          p.next();
          value = t.v.toString('hex');
          if (!p.isKw('HASHED')) throw p.error();
        } else throw p.error();
        const o: LoginOption = { k: 'password', value, hashed: false, mustChange: false, unlock: false };
        for (;;) {
          if (p.acceptKw('HASHED')) hashed = true;
          else if (p.acceptKw('MUST_CHANGE')) o.mustChange = true;
          else if (forAlter && p.acceptKw('UNLOCK')) o.unlock = true;
          else if (forAlter && p.isKw('OLD_PASSWORD')) {
            p.next();
            p.expectOp('=');
            o.oldPassword = p.string();
          } else break;
        }
        o.hashed = hashed;
        opts.push(o);
        break;
      }
      case 'SID': {
        const t = p.tok;
        if (t.t !== 'binary') throw p.error();
        p.next();
        opts.push({ k: 'sid', value: t.v });
        break;
      }
      case 'CHECK_POLICY':
      case 'CHECK_EXPIRATION': {
        const on = p.acceptKw('ON');
        if (!on) p.expectKw('OFF');
        opts.push({ k: w === 'CHECK_POLICY' ? 'check_policy' : 'check_expiration', on });
        break;
      }
      case 'DEFAULT_DATABASE':
        opts.push({ k: 'default_database', value: p.ident() });
        break;
      case 'DEFAULT_LANGUAGE':
        opts.push({ k: 'default_language', value: p.ident() });
        break;
      case 'NAME':
        if (!forAlter) throw p.error();
        opts.push({ k: 'name', value: p.ident() });
        break;
      default:
        throw E.notImplemented(`LOGIN option ${w}`);
    }
  } while (p.acceptOp(','));
  return opts;
}

function parseCreate(p: Parser): Stmt {
  const ln = line(p);
  p.expectKw('CREATE');
  if (p.acceptKw('LOGIN')) {
    const name = p.ident();
    if (p.acceptKw('FROM')) {
      if (!p.acceptKw('WINDOWS')) return { k: 'unsupported', what: 'CREATE LOGIN FROM CERTIFICATE/ASYMMETRIC KEY/EXTERNAL PROVIDER', line: ln };
      const options = p.acceptKw('WITH') ? parseLoginOptions(p, false) : [];
      if (options.some((o) => o.k === 'password' || o.k === 'sid' || o.k === 'check_policy')) throw p.error();
      return { k: 'create_login', name, windows: true, options, line: ln };
    }
    p.expectKw('WITH');
    const options = parseLoginOptions(p, false);
    if (!options.some((o) => o.k === 'password')) throw p.error();
    return { k: 'create_login', name, windows: false, options, line: ln };
  }
  if (p.acceptKw('USER')) {
    const name = p.ident();
    const s: Extract<Stmt, { k: 'create_user' }> = { k: 'create_user', name, withoutLogin: false, line: ln };
    if (p.acceptKw('FOR') || p.acceptKw('FROM')) {
      if (!p.acceptKw('LOGIN')) return { k: 'unsupported', what: 'CREATE USER FROM CERTIFICATE/ASYMMETRIC KEY', line: ln };
      s.login = p.ident();
    } else if (p.acceptKw('WITHOUT')) {
      p.expectKw('LOGIN');
      s.withoutLogin = true;
    }
    if (p.acceptKw('WITH')) {
      do {
        const w = word(p);
        p.next();
        p.expectOp('=');
        if (w === 'DEFAULT_SCHEMA') s.defaultSchema = p.ident();
        else if (w === 'PASSWORD') return { k: 'unsupported', what: 'CREATE USER WITH PASSWORD (contained users)', line: ln };
        else throw E.notImplemented(`CREATE USER option ${w}`);
      } while (p.acceptOp(','));
    }
    return s;
  }
  const next = p.peek();
  const what = ['CREATE', word(p), next.t === 'ident' && !next.quoted ? next.v.toUpperCase() : ''].filter(Boolean).join(' ');
  return { k: 'unsupported', what, line: ln };
}

function parseAlter(p: Parser): Stmt {
  const ln = line(p);
  p.expectKw('ALTER');
  if (p.acceptKw('LOGIN')) {
    const name = p.ident();
    if (p.acceptKw('ENABLE')) return { k: 'alter_login', name, options: [], enable: true, line: ln };
    if (p.acceptKw('DISABLE')) return { k: 'alter_login', name, options: [], enable: false, line: ln };
    if (p.isKw('ADD') || p.isKw('DROP')) return { k: 'unsupported', what: 'ALTER LOGIN ... CREDENTIAL', line: ln };
    p.expectKw('WITH');
    const options = parseLoginOptions(p, true);
    if (options.some((o) => o.k === 'sid')) throw p.error();
    return { k: 'alter_login', name, options, line: ln };
  }
  if (p.acceptKw('USER')) {
    const name = p.ident();
    p.expectKw('WITH');
    let login: string | undefined;
    do {
      const w = word(p);
      p.next();
      p.expectOp('=');
      if (w === 'LOGIN') login = p.ident();
      else throw E.notImplemented(`ALTER USER option ${w}`);
    } while (p.acceptOp(','));
    return login !== undefined ? { k: 'alter_user', name, login, line: ln } : { k: 'alter_user', name, line: ln };
  }
  const server = p.isKw('SERVER') && p.isKw('ROLE', p.peek());
  if (server) p.next();
  if (p.acceptKw('ROLE')) {
    const role = p.ident();
    let action: 'add' | 'drop';
    if (p.acceptKw('ADD')) action = 'add';
    else if (p.acceptKw('DROP')) action = 'drop';
    else if (p.isKw('WITH')) return { k: 'unsupported', what: 'ALTER ROLE ... WITH NAME', line: ln };
    else throw p.error();
    p.expectKw('MEMBER');
    return { k: 'alter_role', role, action, member: p.ident(), server, line: ln };
  }
  if (p.isKw('AVAILABILITY') && p.isKw('GROUP', p.peek())) {
    p.next();
    p.next();
    return parseAlterAg(p, ln);
  }
  return { k: 'unsupported', what: ['ALTER', word(p)].filter(Boolean).join(' '), line: ln };
}

function parseIpList(p: Parser): { ip: string; mask?: string }[] {
  const ips: { ip: string; mask?: string }[] = [];
  p.expectOp('(');
  do {
    p.expectOp('(');
    const ip = p.string();
    if (p.acceptOp(',')) ips.push({ ip, mask: p.string() });
    else ips.push({ ip });
    p.expectOp(')');
  } while (p.acceptOp(','));
  p.expectOp(')');
  return ips;
}

function parseAlterAg(p: Parser, ln: number): Stmt {
  const ag = p.ident();
  if (p.acceptKw('FAILOVER')) return { k: 'ag_failover', ag, force: false, line: ln };
  if (p.acceptKw('FORCE_FAILOVER_ALLOW_DATA_LOSS')) return { k: 'ag_failover', ag, force: true, line: ln };
  if (p.isKw('ADD') && p.isKw('LISTENER', p.peek())) {
    p.next();
    p.next();
    const dns = p.identOrString();
    p.expectOp('(');
    p.expectKw('WITH');
    let dhcp = false;
    let ips: { ip: string; mask?: string }[] = [];
    if (p.acceptKw('DHCP')) {
      dhcp = true;
      if (p.acceptKw('ON')) parseIpList(p);
    } else {
      p.expectKw('IP');
      ips = parseIpList(p);
    }
    let port: number | undefined;
    if (p.acceptOp(',')) {
      p.expectKw('PORT');
      p.expectOp('=');
      port = p.integer();
    }
    p.expectOp(')');
    const s: Stmt = { k: 'ag_add_listener', ag, dns, ips, dhcp, line: ln };
    if (port !== undefined) s.port = port;
    return s;
  }
  if (p.isKw('MODIFY') && p.isKw('LISTENER', p.peek())) {
    p.next();
    p.next();
    const dns = p.identOrString();
    p.expectOp('(');
    const s: Extract<Stmt, { k: 'ag_modify_listener' }> = { k: 'ag_modify_listener', ag, dns, addIps: [], line: ln };
    if (p.acceptKw('ADD')) {
      p.expectKw('IP');
      p.expectOp('(');
      p.expectOp('(');
      const ip = p.string();
      const mask = p.acceptOp(',') ? p.string() : undefined;
      p.expectOp(')');
      p.expectOp(')');
      s.addIps.push(mask !== undefined ? { ip, mask } : { ip });
    } else {
      p.expectKw('PORT');
      p.expectOp('=');
      s.port = p.integer();
    }
    p.expectOp(')');
    return s;
  }
  if (p.isKw('MODIFY') && p.isKw('REPLICA', p.peek())) {
    p.next();
    p.next();
    p.expectKw('ON');
    const server = p.identOrString();
    p.expectKw('WITH');
    p.expectOp('(');
    const s: Extract<Stmt, { k: 'ag_modify_replica' }> = { k: 'ag_modify_replica', ag, server, line: ln };
    const w = word(p);
    p.next();
    if (w === 'SECONDARY_ROLE') {
      p.expectOp('(');
      p.expectKw('ALLOW_CONNECTIONS');
      p.expectOp('=');
      if (p.acceptKw('NO')) s.secondaryAllow = 0;
      else if (p.acceptKw('READ_ONLY')) s.secondaryAllow = 1;
      else if (p.acceptKw('ALL')) s.secondaryAllow = 2;
      else throw p.error();
      p.expectOp(')');
    } else if (w === 'FAILOVER_MODE') {
      p.expectOp('=');
      if (p.acceptKw('AUTOMATIC')) s.failoverMode = 0;
      else if (p.acceptKw('MANUAL')) s.failoverMode = 1;
      else throw p.error();
    } else if (w === 'AVAILABILITY_MODE') {
      p.expectOp('=');
      if (p.acceptKw('ASYNCHRONOUS_COMMIT')) s.availabilityMode = 0;
      else if (p.acceptKw('SYNCHRONOUS_COMMIT')) s.availabilityMode = 1;
      else throw p.error();
    } else return { k: 'unsupported', what: `ALTER AVAILABILITY GROUP ... MODIFY REPLICA ... ${w}`, line: ln };
    p.expectOp(')');
    return s;
  }
  return { k: 'unsupported', what: `ALTER AVAILABILITY GROUP ... ${word(p)}`.trim(), line: ln };
}

function parseDrop(p: Parser): Stmt {
  const ln = line(p);
  p.expectKw('DROP');
  if (p.acceptKw('LOGIN')) return { k: 'drop_login', name: p.ident(), line: ln };
  if (p.acceptKw('USER')) {
    if (p.isKw('IF') && p.isKw('EXISTS', p.peek())) return { k: 'unsupported', what: 'DROP USER IF EXISTS', line: ln };
    return { k: 'drop_user', name: p.ident(), line: ln };
  }
  return { k: 'unsupported', what: ['DROP', word(p)].filter(Boolean).join(' '), line: ln };
}
