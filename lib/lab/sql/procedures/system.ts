/** System procedures the wizard uses: sp_executesql, master-key credentials, the LoginMode registry value, legacy role procedures. */

import type { SqlType } from '@/lib/lab/tds/types';
import { E, SqlError } from '../errors';
import { ExecContext } from '../exec/context';
import { runBatchText } from '../exec/run';
import { Parser } from '../parse/core';
import { convertValue, type DbValue } from '../sqltypes';
import { alterRole } from '../statements/users';
import { alterServerRole } from '../statements/logins';
import { hashPassword } from '../state/crypto';
import { familyGuid } from '../state/ops';
import { tokenize } from '../tokenizer';
import { REQUIRED, str, type CallArg, type ProcDef, type ProcEnv } from './types';

const nv128: SqlType = { type: 'nvarchar', length: 128 };

function text(v: DbValue): string | null {
  return v === null ? null : Buffer.isBuffer(v) ? v.toString('utf16le') : String(v);
}

interface ParamDecl {
  name: string;
  type: SqlType;
  output: boolean;
}

function parseParamDecls(decl: string): ParamDecl[] {
  const p = new Parser(tokenize(decl));
  const out: ParamDecl[] = [];
  while (!p.atEnd()) {
    const t = p.tok;
    if (t.t !== 'var') throw p.error();
    p.next();
    p.acceptKw('AS');
    const type = p.dataType();
    if (p.acceptOp('=')) p.next();
    const output = p.acceptKw('OUTPUT') || p.acceptKw('OUT');
    out.push({ name: t.v, type, output });
    if (!p.acceptOp(',')) break;
  }
  if (!p.atEnd()) throw p.error();
  return out;
}

function executesql(env: ProcEnv): number {
  const raw = env.raw;
  const [stmtArg, declArg, ...rest] = raw;
  // SQL Server binds sp_executesql's first argument by position: tedious names it @statement.
  if (!stmtArg || (stmtArg.name && !['@stmt', '@statement'].includes(stmtArg.name.toLowerCase()))) throw E.missingParam('sp_executesql', '@stmt');
  const sql = text(stmtArg.value);
  if (sql === null) return 0;
  let decls: ParamDecl[] = [];
  let values: readonly CallArg[] = rest;
  if (declArg) {
    if (declArg.name && declArg.name.toLowerCase() !== '@params') {
      // No declaration list: the remaining arguments cannot bind to anything.
      values = [declArg, ...rest];
    } else decls = parseParamDecls(text(declArg.value) ?? '');
  }
  const child = new ExecContext(env.ctx.st, env.ctx.session, env.ctx.inst, '');
  for (const d of decls) child.vars.set(d.name.toLowerCase(), { type: d.type, value: null });
  values.forEach((a, i) => {
    const d = a.name ? decls.find((x) => x.name.toLowerCase() === (a.name as string).toLowerCase()) : decls[i];
    if (!d) {
      if (a.name) throw E.notAParam(a.name, 'sp_executesql');
      throw E.tooManyArgs('sp_executesql');
    }
    if (a.useDefault) return;
    (child.vars.get(d.name.toLowerCase()) as { value: DbValue }).value = convertValue(a.value, d.type);
  });
  for (const d of decls) {
    const supplied = values.some((a, i) => (a.name ? a.name.toLowerCase() === d.name.toLowerCase() : decls[i] === d));
    if (!supplied) throw new SqlError(8178, `The parameterized query '(${text(declArg?.value ?? null) ?? ''})${sql.slice(0, 60)}' expects the parameter '${d.name}', which was not supplied.`);
  }
  runBatchText(child, sql);
  env.ctx.items.push(...child.items);
  env.ctx.rowcount = child.rowcount;
  const offset = raw.length - values.length;
  values.forEach((a, i) => {
    const d = a.name ? decls.find((x) => x.name.toLowerCase() === (a.name as string).toLowerCase()) : decls[i];
    if (d && d.output && a.output) env.outputs.set(a.name ? a.name.replace(/^@/, '').toLowerCase() : `#${i + offset}`, child.vars.get(d.name.toLowerCase())?.value ?? null);
  });
  return 0;
}

const SYSTEM_DBS = ['master', 'model', 'msdb', 'tempdb'];

function controlDbMasterKeyPassword(env: ProcEnv): void {
  const { ctx } = env;
  if (!ctx.session.sysadmin) throw E.noPermission();
  const dbName = str(env, 'db_name');
  const password = str(env, 'password');
  const action = (str(env, 'action') ?? '').toLowerCase();
  if (dbName === null || password === null) throw E.ssisNullParam('sp_control_dbmasterkey_password');
  if (SYSTEM_DBS.includes(dbName.toLowerCase())) {
    throw new SqlError(15330, `sp_control_dbmasterkey_password cannot be used with the system database '${dbName}'.`);
  }
  const db = ctx.st.database(ctx.inst.name, dbName);
  if (!db) throw E.dbDoesNotExist(dbName);
  const content = ctx.st.content(db.content_id);
  // The credential is matched to the key by hashing with the key verifier's salt; the procedure
  // itself does not check that the password opens the key (documented).
  const salt = content?.dmk_verifier ? content.dmk_verifier.subarray(2, 6) : undefined;
  const verifier = hashPassword(password, salt);
  const existing = ctx.st.db
    .prepare('SELECT credential_id AS id, password_verifier AS v FROM lab_sql_master_key_passwords WHERE instance = ? AND db_name = ?')
    .all(ctx.inst.name, db.name) as { id: number; v: Buffer }[];
  const same = existing.find((r) => r.v.equals(verifier));
  if (action === 'add') {
    if (same) throw new SqlError(15576, `A master key credential with this password already exists for database '${db.name}'.`);
    if (!content?.dmk_verifier) ctx.emit({ kind: 'info', number: 15561, message: `The database '${db.name}' does not have a master key; the credential was added anyway.`, class: 10, state: 1 });
    const next = ((ctx.st.db.prepare('SELECT max(credential_id) AS m FROM lab_sql_master_key_passwords WHERE instance = ?').get(ctx.inst.name) as { m: number | null }).m ?? 65535) + 1;
    ctx.st.db
      .prepare('INSERT INTO lab_sql_master_key_passwords (instance, credential_id, db_name, family_guid, password_verifier) VALUES (?, ?, ?, ?, ?)')
      .run(ctx.inst.name, next, db.name, familyGuid(db.content_id), verifier);
    ctx.changed();
    return;
  }
  if (action === 'drop') {
    if (!same) throw new SqlError(15577, `There is no master key credential with this password for database '${db.name}'.`);
    ctx.st.db.prepare('DELETE FROM lab_sql_master_key_passwords WHERE instance = ? AND credential_id = ?').run(ctx.inst.name, same.id);
    ctx.changed();
    return;
  }
  throw new SqlError(15600, `An invalid parameter or option was specified for procedure 'sp_control_dbmasterkey_password'.`);
}

const LOGIN_MODE_KEY = 'software\\microsoft\\mssqlserver\\mssqlserver';

function regArgs(env: ProcEnv, names: string[]): (DbValue | undefined)[] {
  return names.map((n, i) => {
    const named = env.raw.find((a) => a.name?.toLowerCase() === `@${n}`);
    if (named) return named.value;
    const positional = env.raw[i];
    return positional && !positional.name ? positional.value : undefined;
  });
}

function checkLoginModeKey(root: DbValue | undefined, key: DbValue | undefined, value: DbValue | undefined, proc: string): void {
  const r = String(root ?? '').toUpperCase();
  const k = String(key ?? '').toLowerCase().replace(/^\\+|\\+$/g, '');
  const v = String(value ?? '').toLowerCase();
  if (!['HKEY_LOCAL_MACHINE', 'HKLM'].includes(r) || k !== LOGIN_MODE_KEY || v !== 'loginmode') {
    throw E.notImplemented(`${proc} for '${String(root)}\\${String(key)}\\${String(value)}' (the lab models only the instance LoginMode value)`);
  }
}

function requireSysadminExec(env: ProcEnv, proc: string): void {
  if (!env.ctx.session.sysadmin) throw E.permissionDenied('EXECUTE', proc, 'mssqlsystemresource', 'sys');
}

export const SYSTEM_PROCEDURES: ProcDef[] = [
  { key: 'sys.sp_executesql', home: 'system', params: [], rawArgs: true, run: executesql },
  {
    key: 'sys.sp_control_dbmasterkey_password',
    home: 'system',
    params: [
      { name: 'db_name', type: nv128, default: REQUIRED },
      { name: 'password', type: nv128, default: REQUIRED },
      { name: 'action', type: { type: 'nvarchar', length: 10 }, default: REQUIRED },
    ],
    run: controlDbMasterKeyPassword,
  },
  {
    key: 'sys.xp_instance_regwrite',
    home: 'system',
    params: [],
    rawArgs: true,
    run(env) {
      requireSysadminExec(env, 'xp_instance_regwrite');
      const [root, key, valueName, type, value] = regArgs(env, ['rootkey', 'key', 'value_name', 'type', 'value']);
      checkLoginModeKey(root, key, valueName, 'xp_instance_regwrite');
      if (String(type ?? '').toUpperCase() !== 'REG_DWORD') throw E.notImplemented(`xp_instance_regwrite type ${String(type)}`);
      const mode = Number(value);
      // Written to the registry only: SQL Server reads LoginMode at startup.
      env.ctx.st.db.prepare('UPDATE lab_sql_instances SET login_mode_registry = ? WHERE name = ?').run(mode, env.ctx.inst.name);
      env.ctx.changed();
      return 0;
    },
  },
  {
    key: 'sys.xp_instance_regread',
    home: 'system',
    params: [],
    rawArgs: true,
    run(env) {
      const [root, key, valueName] = regArgs(env, ['rootkey', 'key', 'value_name']);
      checkLoginModeKey(root, key, valueName, 'xp_instance_regread');
      const current = env.ctx.st.instance(env.ctx.inst.name);
      const mode = current?.login_mode_registry ?? 1;
      const out = env.raw[3];
      if (out?.output) {
        env.outputs.set(out.name ? out.name.replace(/^@/, '').toLowerCase() : '#3', mode);
        return 0;
      }
      env.ctx.emit({
        kind: 'rows',
        columns: [
          { name: 'Value', type: { type: 'nvarchar', length: 128 }, nullable: true },
          { name: 'Data', type: { type: 'int' }, nullable: true },
        ],
        rows: [['LoginMode', mode]],
      });
      return 0;
    },
  },
  {
    key: 'sys.sp_addsrvrolemember',
    home: 'system',
    params: [
      { name: 'loginame', type: nv128, default: REQUIRED },
      { name: 'rolename', type: nv128, default: REQUIRED },
    ],
    run(env) {
      alterServerRole(env.ctx, { k: 'alter_role', role: str(env, 'rolename') ?? '', member: str(env, 'loginame') ?? '', action: 'add', server: true, line: 1 });
      return 0;
    },
  },
  {
    key: 'sys.sp_addrolemember',
    home: 'system',
    params: [
      { name: 'rolename', type: nv128, default: REQUIRED },
      { name: 'membername', type: nv128, default: REQUIRED },
    ],
    run(env) {
      alterRole(env.ctx, { k: 'alter_role', role: str(env, 'rolename') ?? '', member: str(env, 'membername') ?? '', action: 'add', server: false, line: 1 });
      return 0;
    },
  },
];

/** Real system procedures the lab knows by name but does not implement. */
export const KNOWN_UNIMPLEMENTED_PROCS = new Set(
  [
    'sp_configure',
    'sp_who',
    'sp_who2',
    'sp_helplogins',
    'sp_help_revlogin',
    'sp_helpdb',
    'sp_help',
    'sp_procoption',
    'sp_readerrorlog',
    'xp_readerrorlog',
    'xp_regread',
    'xp_regwrite',
    'xp_cmdshell',
    'sp_prepare',
    'sp_execute',
    'sp_prepexec',
    'sp_unprepare',
    'sp_cursoropen',
    'sp_set_session_context',
    'sp_droprolemember',
    'sp_dropsrvrolemember',
    'sp_change_users_login',
    'sp_validatelogins',
    'sp_addlogin',
    'sp_password',
    'sp_server_diagnostics',
    'sp_describe_first_result_set',
    'sp_reset_connection',
  ].map((s) => s.toLowerCase()),
);
