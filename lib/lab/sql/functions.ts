/**
 * Built-in functions: how each one is typed and written in SQLite, and the SQLite user
 * functions (lab_*) that give them T-SQL semantics. Context-dependent functions
 * (SERVERPROPERTY, SUSER_SNAME, IS_MEMBER...) read the request being executed.
 */

import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { SqlType } from '@/lib/lab/tds/types';
import { E, SqlError } from './errors';
import type { ExecContext } from './exec/context';
import { dbUserFor, isDbRole } from './exec/security';
import { convertValue, isStringType, typeFromString, type DbValue } from './sqltypes';
import { verifyPassword } from './state/crypto';
import { databaseGuid, familyGuid, recoveryForkGuid } from './state/ops';
import type { DatabaseRow } from './state/store';
import { accountNamed, accountWithSid, type WindowsAccount } from './windows-names';

export interface CtxHolder {
  ctx: ExecContext | undefined;
}

/** What context functions need, read before the statement runs. */
export interface Prefetch {
  currentDb: string;
  currentUser: string | null;
  databases: { name: string; id: number; access: boolean }[];
  logins: { name: string; sid: Buffer | null; principalId: number }[];
  /** Server role (lower case) → member principal ids. */
  serverRoles: Map<string, Set<number>>;
  /** Roles of the current database (lower case) and the ones the current user is in. */
  dbRoles: Set<string>;
  memberOf: Set<string>;
  /** The Windows accounts the instance's host resolves (read when SUSER_SID or SUSER_SNAME has an argument). */
  windowsAccounts: readonly WindowsAccount[];
}

/** SUSER_SID(name) and SUSER_SNAME(sid) may ask Windows; without an argument they read the session only. */
export const WINDOWS_LOOKUP_RE = /\blab_suser_s(?:id|name)\((?!\s*\))/;

export function buildPrefetch(ctx: ExecContext, opts: { windows?: boolean } = {}): Prefetch {
  const st = ctx.st;
  const inst = ctx.inst.name;
  const dbs = st.db.prepare('SELECT * FROM lab_sql_databases WHERE instance = ? ORDER BY database_id').all(inst) as DatabaseRow[];
  const logins = st.db.prepare("SELECT name, sid, principal_id FROM lab_sql_server_principals WHERE instance = ? AND type <> 'R'").all(inst) as {
    name: string;
    sid: Buffer | null;
    principal_id: number;
  }[];
  const serverRoles = new Map<string, Set<number>>();
  for (const r of st.db.prepare("SELECT name, principal_id FROM lab_sql_server_principals WHERE instance = ? AND type = 'R'").all(inst) as { name: string; principal_id: number }[]) {
    const members = st.db.prepare('SELECT member_principal_id AS m FROM lab_sql_server_role_members WHERE instance = ? AND role_principal_id = ?').all(inst, r.principal_id) as { m: number }[];
    serverRoles.set(r.name.toLowerCase(), new Set(members.map((x) => x.m)));
  }
  const current = dbs.find((d) => d.name.toLowerCase() === ctx.database.toLowerCase());
  const user = current ? dbUserFor(ctx, current) : undefined;
  const dbRoles = new Set<string>();
  const memberOf = new Set<string>();
  if (current) {
    for (const r of st.db.prepare("SELECT name FROM lab_sql_db_principals WHERE content_id = ? AND type = 'R'").all(current.content_id) as { name: string }[]) {
      dbRoles.add(r.name.toLowerCase());
      if (user && isDbRole(ctx, current, user, r.name)) memberOf.add(r.name.toLowerCase());
    }
  }
  return {
    currentDb: current?.name ?? ctx.database,
    currentUser: user?.name ?? null,
    databases: dbs.map((d) => ({ name: d.name, id: d.database_id, access: dbUserFor(ctx, d) !== undefined })),
    logins: logins.map((l) => ({ name: l.name, sid: l.sid, principalId: l.principal_id })),
    serverRoles,
    dbRoles,
    memberOf,
    windowsAccounts: opts.windows ? ctx.st.windowsNames(ctx.inst.machine_name) : [],
  };
}

/** Functions that need the prefetched context. */
export const CONTEXT_FUNCTIONS = new Set([
  'lab_db_name',
  'lab_db_id',
  'lab_suser_sname',
  'lab_suser_sid',
  'lab_user_name',
  'lab_is_srvrolemember',
  'lab_is_member',
  'lab_has_dbaccess',
]);

// The snapshot of the statement running now, whichever context runs it (a batch, or the child
// context of sp_executesql / EXEC('...'), which shares the session but not the holder's context).
let activePrefetch: Prefetch | undefined;
export function activatePrefetch(p: Prefetch | undefined): void {
  activePrefetch = p;
}

function prefetched(h: CtxHolder): Prefetch {
  const pf = activePrefetch ?? need(h).prefetch;
  if (!pf) throw new Error('context function used without a prefetched context');
  return pf;
}

type T = SqlType | undefined;

export interface FnSpec {
  min: number;
  max: number;
  type: (args: T[]) => SqlType;
  sql: (args: string[], types: T[]) => string;
  aggregate?: boolean;
  /** First argument is a date part keyword (DATEADD(minute, ...)). */
  datepart?: boolean;
}

const nv = (n: number | 'max' = 128): SqlType => ({ type: 'nvarchar', length: n });
const int: SqlType = { type: 'int' };
const first = (a: T[]): SqlType => a[0] ?? int;
const call = (fn: string) => (a: string[]) => `${fn}(${a.join(', ')})`;

export const FUNCTIONS: Record<string, FnSpec> = {
  ISNULL: { min: 2, max: 2, type: first, sql: call('coalesce') },
  COALESCE: { min: 2, max: 100, type: (a) => a.find((t) => t !== undefined) ?? int, sql: call('coalesce') },
  NULLIF: { min: 2, max: 2, type: first, sql: call('nullif') },
  UPPER: { min: 1, max: 1, type: first, sql: call('upper') },
  LOWER: { min: 1, max: 1, type: first, sql: call('lower') },
  LEN: { min: 1, max: 1, type: () => int, sql: call('lab_len') },
  DATALENGTH: { min: 1, max: 1, type: () => int, sql: (a, t) => `lab_datalength(${a[0]}, ${t[0]?.type === 'nvarchar' || t[0]?.type === 'nchar' ? 1 : 0})` },
  LTRIM: { min: 1, max: 1, type: first, sql: (a) => `ltrim(${a[0]}, ' ')` },
  RTRIM: { min: 1, max: 1, type: first, sql: (a) => `rtrim(${a[0]}, ' ')` },
  TRIM: { min: 1, max: 1, type: first, sql: (a) => `trim(${a[0]}, ' ')` },
  SUBSTRING: { min: 3, max: 3, type: first, sql: (a) => `substr(${a[0]}, max(${a[1]}, 1), ${a[2]} + min(${a[1]} - 1, 0))` },
  LEFT: { min: 2, max: 2, type: first, sql: (a) => `substr(${a[0]}, 1, ${a[1]})` },
  RIGHT: { min: 2, max: 2, type: first, sql: call('lab_right') },
  CHARINDEX: { min: 2, max: 3, type: () => int, sql: call('lab_charindex') },
  REPLACE: { min: 3, max: 3, type: first, sql: call('lab_replace') },
  CONCAT: { min: 2, max: 254, type: () => nv(4000), sql: call('lab_concat') },
  QUOTENAME: { min: 1, max: 2, type: () => nv(258), sql: call('lab_quotename') },
  REPLICATE: { min: 2, max: 2, type: first, sql: call('lab_replicate') },
  ABS: { min: 1, max: 1, type: first, sql: call('abs') },
  ROUND: { min: 2, max: 2, type: first, sql: call('round') },
  FLOOR: { min: 1, max: 1, type: first, sql: (a) => `floor(${a[0]})` },
  CEILING: { min: 1, max: 1, type: first, sql: (a) => `ceil(${a[0]})` },
  NEWID: { min: 0, max: 0, type: () => ({ type: 'uniqueidentifier' }), sql: () => 'lab_newid()' },
  GETDATE: { min: 0, max: 0, type: () => ({ type: 'datetime' }), sql: () => 'lab_now()' },
  CURRENT_TIMESTAMP: { min: 0, max: 0, type: () => ({ type: 'datetime' }), sql: () => 'lab_now()' },
  GETUTCDATE: { min: 0, max: 0, type: () => ({ type: 'datetime' }), sql: () => 'lab_now()' },
  SYSDATETIME: { min: 0, max: 0, type: () => ({ type: 'datetime2', scale: 7 }), sql: () => 'lab_now()' },
  SYSUTCDATETIME: { min: 0, max: 0, type: () => ({ type: 'datetime2', scale: 7 }), sql: () => 'lab_now()' },
  SYSDATETIMEOFFSET: { min: 0, max: 0, type: () => ({ type: 'datetimeoffset', scale: 7 }), sql: () => 'lab_now()' },
  DATEADD: { min: 3, max: 3, datepart: true, type: (a) => a[2] ?? { type: 'datetime' }, sql: call('lab_dateadd') },
  DATEDIFF: { min: 3, max: 3, datepart: true, type: () => int, sql: call('lab_datediff') },
  SERVERPROPERTY: { min: 1, max: 1, type: () => ({ type: 'sql_variant' }), sql: call('lab_serverproperty') },
  DB_NAME: { min: 0, max: 1, type: () => nv(128), sql: call('lab_db_name') },
  DB_ID: { min: 0, max: 1, type: () => int, sql: call('lab_db_id') },
  SUSER_SNAME: { min: 0, max: 1, type: () => nv(128), sql: call('lab_suser_sname') },
  SUSER_NAME: { min: 0, max: 0, type: () => nv(128), sql: () => 'lab_suser_sname()' },
  SYSTEM_USER: { min: 0, max: 0, type: () => nv(128), sql: () => 'lab_suser_sname()' },
  ORIGINAL_LOGIN: { min: 0, max: 0, type: () => nv(128), sql: () => 'lab_suser_sname()' },
  SUSER_SID: { min: 0, max: 1, type: () => ({ type: 'varbinary', length: 85 }), sql: call('lab_suser_sid') },
  USER_NAME: { min: 0, max: 0, type: () => nv(128), sql: () => 'lab_user_name()' },
  CURRENT_USER: { min: 0, max: 0, type: () => nv(128), sql: () => 'lab_user_name()' },
  SESSION_USER: { min: 0, max: 0, type: () => nv(128), sql: () => 'lab_user_name()' },
  USER: { min: 0, max: 0, type: () => nv(128), sql: () => 'lab_user_name()' },
  IS_SRVROLEMEMBER: { min: 1, max: 2, type: () => int, sql: call('lab_is_srvrolemember') },
  IS_MEMBER: { min: 1, max: 1, type: () => int, sql: call('lab_is_member') },
  IS_ROLEMEMBER: { min: 1, max: 1, type: () => int, sql: call('lab_is_member') },
  HAS_DBACCESS: { min: 1, max: 1, type: () => int, sql: call('lab_has_dbaccess') },
  PWDCOMPARE: { min: 2, max: 2, type: () => int, sql: call('lab_pwdcompare') },
  HOST_NAME: { min: 0, max: 0, type: () => nv(128), sql: () => 'lab_host_name()' },
  APP_NAME: { min: 0, max: 0, type: () => nv(128), sql: () => 'lab_app_name()' },
  COUNT: { min: 1, max: 1, aggregate: true, type: () => int, sql: call('count') },
  COUNT_BIG: { min: 1, max: 1, aggregate: true, type: () => ({ type: 'bigint' }), sql: call('count') },
  SUM: { min: 1, max: 1, aggregate: true, type: first, sql: call('sum') },
  AVG: { min: 1, max: 1, aggregate: true, type: first, sql: call('avg') },
  MIN: { min: 1, max: 1, aggregate: true, type: first, sql: call('min') },
  MAX: { min: 1, max: 1, aggregate: true, type: first, sql: call('max') },
};

/** Real built-ins the lab does not implement: fail with "not implemented" rather than 195. */
export const KNOWN_UNIMPLEMENTED = new Set(
  (
    'OBJECT_ID OBJECT_NAME SCHEMA_NAME SCHEMA_ID TYPE_NAME COL_LENGTH HAS_PERMS_BY_NAME FORMAT STRING_AGG STRING_SPLIT ROW_NUMBER RANK DENSE_RANK ' +
    'NTILE LAG LEAD FIRST_VALUE LAST_VALUE DATEPART DATENAME EOMONTH DATEFROMPARTS ISNUMERIC ISDATE JSON_VALUE JSON_QUERY OPENJSON ' +
    'CONNECTIONPROPERTY LOGINPROPERTY DATABASEPROPERTYEX FILEPROPERTY OBJECTPROPERTY COLUMNPROPERTY ERROR_MESSAGE ERROR_NUMBER ' +
    'ERROR_SEVERITY ERROR_STATE ERROR_LINE ERROR_PROCEDURE SCOPE_IDENTITY IDENT_CURRENT CHECKSUM HASHBYTES ENCRYPTBYKEY DECRYPTBYKEY ' +
    'STUFF PATINDEX SOUNDEX DIFFERENCE REVERSE SPACE STR CHAR NCHAR ASCII UNICODE TRANSLATE CONCAT_WS IIF CHOOSE TRY_PARSE PARSE ' +
    'SESSION_CONTEXT CONTEXT_INFO XACT_STATE FULLTEXTSERVICEPROPERTY SQL_VARIANT_PROPERTY'
  ).split(' '),
);

// ---- runtime helpers ----

function need(h: CtxHolder): ExecContext {
  if (!h.ctx) throw new Error('lab SQL function called outside a request');
  return h.ctx;
}

function likeToRegex(pattern: string, escape: string | null): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (escape !== null && c === escape) {
      const n = pattern[i + 1];
      if (n !== undefined) re += n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      let neg = false;
      if (body.startsWith('^')) {
        neg = true;
        body = body.slice(1);
      }
      re += `[${neg ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

function toText(v: unknown): string {
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  return String(v);
}

function isoNow(): string {
  return new Date().toISOString();
}

const PARTS: Record<string, string> = {
  year: 'year', yy: 'year', yyyy: 'year', quarter: 'quarter', qq: 'quarter', q: 'quarter', month: 'month', mm: 'month', m: 'month',
  dayofyear: 'day', dy: 'day', y: 'day', day: 'day', dd: 'day', d: 'day', week: 'week', wk: 'week', ww: 'week', weekday: 'day', dw: 'day',
  hour: 'hour', hh: 'hour', minute: 'minute', mi: 'minute', n: 'minute', second: 'second', ss: 'second', s: 'second',
  millisecond: 'millisecond', ms: 'millisecond',
};

export function datePart(word: string): string {
  const p = PARTS[word.toLowerCase()];
  if (!p) throw new SqlError(155, `'${word}' is not a recognized datediff option.`, { abortsBatch: true, severity: 15 });
  return p;
}

function toDate(v: unknown): Date {
  const iso = convertValue(v as DbValue, { type: 'datetime2', scale: 7 });
  return new Date(String(iso));
}

const MS: Record<string, number> = { millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

function dateAdd(part: string, n: number, d: Date): Date {
  const r = new Date(d.getTime());
  if (part === 'year') r.setUTCFullYear(r.getUTCFullYear() + n);
  else if (part === 'quarter') r.setUTCMonth(r.getUTCMonth() + 3 * n);
  else if (part === 'month') r.setUTCMonth(r.getUTCMonth() + n);
  else r.setTime(r.getTime() + n * (MS[part] ?? 0));
  return r;
}

function dateDiff(part: string, a: Date, b: Date): number {
  if (part === 'year') return b.getUTCFullYear() - a.getUTCFullYear();
  if (part === 'quarter') return b.getUTCFullYear() * 4 + Math.floor(b.getUTCMonth() / 3) - (a.getUTCFullYear() * 4 + Math.floor(a.getUTCMonth() / 3));
  if (part === 'month') return b.getUTCFullYear() * 12 + b.getUTCMonth() - (a.getUTCFullYear() * 12 + a.getUTCMonth());
  // Boundaries crossed, as DATEDIFF counts them.
  const unit = MS[part] ?? 1;
  return Math.floor(b.getTime() / unit) - Math.floor(a.getTime() / unit);
}

export function serverProperty(ctx: ExecContext, name: string): DbValue {
  const i = ctx.inst;
  switch (name.toLowerCase()) {
    case 'servername':
      return i.name;
    case 'machinename':
    case 'computernamephysicalnetbios':
      return i.machine_name;
    case 'instancename':
      return i.instance_name;
    case 'productversion':
      return i.product_version;
    case 'productmajorversion':
      return i.product_version.split('.')[0] ?? null;
    case 'productminorversion':
      return i.product_version.split('.')[1] ?? null;
    case 'productbuild':
      return i.product_version.split('.')[2] ?? null;
    case 'productlevel':
      return i.product_level;
    case 'edition':
      return i.edition;
    case 'engineedition':
      return 3;
    case 'ishadrenabled':
      return i.hadr_enabled;
    case 'hadrmanagerstatus':
      return i.hadr_enabled ? 1 : 0;
    case 'isintegratedsecurityonly':
      return i.login_mode === 1 ? 1 : 0;
    case 'isclustered':
      return 0;
    case 'collation':
      return 'SQL_Latin1_General_CP1_CI_AS';
    case 'issingleuser':
      return 0;
    case 'processid':
      return 4242;
    default:
      // SQL Server answers NULL for a property name it does not know.
      return null;
  }
}

export function registerFunctions(db: Database.Database, h: CtxHolder): void {
  const opts = { deterministic: false, varargs: false } as const;
  db.function('lab_cast', opts, (v: unknown, type: unknown, style: unknown, tryCast: unknown) => {
    try {
      return convertValue(v as DbValue, typeFromString(String(type)), style === null ? undefined : Number(style));
    } catch (e) {
      if (tryCast && e instanceof SqlError) return null;
      throw e;
    }
  });
  db.function('lab_add', opts, (a: unknown, b: unknown) => {
    if (a === null || b === null) return null;
    if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return Buffer.concat([a, b]);
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    // Mixed string and number: the string converts to the number's type (int wins over varchar).
    const num = (v: unknown): number => {
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      const s = String(v).trim();
      if (!/^[+-]?\d+(\.\d+)?$/.test(s)) throw E.convert(String(v), 'varchar', 'int');
      return Number(s);
    };
    return num(a) + num(b);
  });
  db.function('lab_like', opts, (v: unknown, p: unknown, esc: unknown) => {
    if (v === null || p === null) return null;
    return likeToRegex(toText(p), esc === null ? null : toText(esc)).test(toText(v)) ? 1 : 0;
  });
  db.function('lab_error', opts, (n: unknown) => {
    if (Number(n) === 512) throw E.subqueryMany();
    if (Number(n) === 8134) throw new SqlError(8134, 'Divide by zero error encountered.', { abortsBatch: true });
    throw new SqlError(Number(n), 'error');
  });
  // The GUIDs of sys.database_recovery_status, computed the way state/ops computes them for credentials.
  db.function('lab_family_guid', { deterministic: true, varargs: false }, (c: unknown) => (c === null ? null : familyGuid(String(c))));
  db.function('lab_recovery_fork_guid', { deterministic: true, varargs: false }, (c: unknown) => (c === null ? null : recoveryForkGuid(String(c))));
  db.function('lab_database_guid', { deterministic: true, varargs: false }, (i: unknown, c: unknown) => (i === null || c === null ? null : databaseGuid(String(i), String(c))));
  db.function('lab_len', opts, (v: unknown) => (v === null ? null : toText(v).replace(/ +$/, '').length));
  db.function('lab_datalength', opts, (v: unknown, unicode: unknown) => {
    if (v === null) return null;
    if (Buffer.isBuffer(v)) return v.length;
    if (typeof v === 'string') return unicode ? v.length * 2 : Buffer.byteLength(v, 'latin1');
    return 4;
  });
  db.function('lab_right', opts, (v: unknown, n: unknown) => (v === null || n === null ? null : Number(n) <= 0 ? '' : toText(v).slice(-Number(n))));
  db.function('lab_charindex', { deterministic: false, varargs: true }, (...a: unknown[]) => {
    const [find, s, start] = a;
    if (find === null || s === null) return null;
    const from = start === undefined || start === null ? 0 : Math.max(0, Number(start) - 1);
    return toText(s).toLowerCase().indexOf(toText(find).toLowerCase(), from) + 1;
  });
  db.function('lab_replace', opts, (s: unknown, a: unknown, b: unknown) => {
    if (s === null || a === null || b === null) return null;
    const find = toText(a);
    if (find === '') return toText(s);
    return toText(s).replace(new RegExp(find.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), toText(b).replace(/\$/g, '$$$$'));
  });
  db.function('lab_concat', { deterministic: false, varargs: true }, (...a: unknown[]) => a.map((v) => (v === null ? '' : toText(v))).join(''));
  db.function('lab_quotename', { deterministic: false, varargs: true }, (...a: unknown[]) => {
    const [s, q] = a;
    if (s === null) return null;
    const text = toText(s);
    if (text.length > 128) return null;
    const quote = q === undefined || q === null ? '[' : toText(q);
    if (quote === '[' || quote === ']') return `[${text.replace(/]/g, ']]')}]`;
    if (quote === "'") return `'${text.replace(/'/g, "''")}'`;
    if (quote === '"') return `"${text.replace(/"/g, '""')}"`;
    return null;
  });
  db.function('lab_replicate', opts, (s: unknown, n: unknown) => (s === null || n === null ? null : toText(s).repeat(Math.max(0, Number(n)))));
  db.function('lab_newid', opts, () => randomUUID().toUpperCase());
  db.function('lab_now', opts, () => isoNow());
  db.function('lab_dateadd', opts, (part: unknown, n: unknown, d: unknown) =>
    n === null || d === null ? null : dateAdd(datePart(String(part)), Number(n), toDate(d)).toISOString(),
  );
  db.function('lab_datediff', opts, (part: unknown, a: unknown, b: unknown) => (a === null || b === null ? null : dateDiff(datePart(String(part)), toDate(a), toDate(b))));
  db.function('lab_serverproperty', opts, (name: unknown) => (name === null ? null : serverProperty(need(h), toText(name))));
  // Context functions read a snapshot taken before the statement runs: SQLite cannot be
  // queried from inside a user function while the statement is executing.
  db.function('lab_db_name', { deterministic: false, varargs: true }, (...a: unknown[]) => {
    const pf = prefetched(h);
    if (a.length === 0) return pf.currentDb;
    if (a[0] === null || a[0] === undefined) return null;
    return pf.databases.find((d) => d.id === Number(a[0]))?.name ?? null;
  });
  db.function('lab_db_id', { deterministic: false, varargs: true }, (...a: unknown[]) => {
    const pf = prefetched(h);
    const name = a.length === 0 ? pf.currentDb : a[0] === null ? null : toText(a[0]).toLowerCase();
    if (name === null) return null;
    return pf.databases.find((d) => d.name.toLowerCase() === name.toLowerCase())?.id ?? null;
  });
  db.function('lab_suser_sname', { deterministic: false, varargs: true }, (...a: unknown[]) => {
    const ctx = need(h);
    if (a.length === 0) return ctx.session.loginName;
    const sid = a[0];
    if (!Buffer.isBuffer(sid)) return null;
    // A login's name first; else the Windows account of that SID (LookupAccountSid), else NULL.
    const pf = prefetched(h);
    return pf.logins.find((l) => l.sid?.equals(sid))?.name ?? accountWithSid(pf.windowsAccounts, sid)?.name ?? null;
  });
  db.function('lab_suser_sid', { deterministic: false, varargs: true }, (...a: unknown[]) => {
    const ctx = need(h);
    if (a.length === 0) return ctx.session.sid;
    if (a[0] === null) return null;
    const name = toText(a[0]);
    // A login's SID first; else a DOMAIN\name resolved by Windows (LookupAccountName) even
    // without a login; a SQL login that does not exist, or a name Windows does not know, is NULL.
    const pf = prefetched(h);
    const login = pf.logins.find((l) => l.name.toLowerCase() === name.toLowerCase());
    if (login) return login.sid;
    return name.includes('\\') ? (accountNamed(pf.windowsAccounts, name)?.sid ?? null) : null;
  });
  db.function('lab_user_name', opts, () => prefetched(h).currentUser);
  db.function('lab_is_srvrolemember', { deterministic: false, varargs: true }, (...a: unknown[]) => {
    const ctx = need(h);
    const pf = prefetched(h);
    const role = toText(a[0]).toLowerCase();
    const members = pf.serverRoles.get(role);
    if (!members) return null;
    if (a.length < 2 || a[1] === undefined) {
      // The session's own token: fixed roles as they were at login.
      if (role === 'sysadmin') return ctx.session.sysadmin ? 1 : 0;
      if (role === 'securityadmin') return ctx.session.securityadmin || ctx.session.sysadmin ? 1 : 0;
      if (role === 'public') return 1;
      return members.has(ctx.session.principalId) ? 1 : 0;
    }
    if (a[1] === null) return null;
    const loginName = toText(a[1]).toLowerCase();
    const login = pf.logins.find((l) => l.name.toLowerCase() === loginName);
    if (!login) return null;
    return members.has(login.principalId) ? 1 : 0;
  });
  db.function('lab_is_member', opts, (r: unknown) => {
    if (r === null) return null;
    const pf = prefetched(h);
    const role = toText(r).toLowerCase();
    if (!pf.dbRoles.has(role)) return null;
    return pf.memberOf.has(role) ? 1 : 0;
  });
  db.function('lab_has_dbaccess', opts, (name: unknown) => {
    if (name === null) return null;
    const d = prefetched(h).databases.find((x) => x.name.toLowerCase() === toText(name).toLowerCase());
    return d ? (d.access ? 1 : 0) : null;
  });
  db.function('lab_pwdcompare', opts, (clear: unknown, hash: unknown) => {
    if (clear === null || !Buffer.isBuffer(hash)) return hash === null ? null : 0;
    return verifyPassword(toText(clear), hash) ? 1 : 0;
  });
  db.function('lab_host_name', opts, () => need(h).session.hostName);
  db.function('lab_app_name', opts, () => need(h).session.appName);
}

export function isStringish(t: T): boolean {
  return isStringType(t);
}
