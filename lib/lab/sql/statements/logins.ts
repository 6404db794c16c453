/** CREATE / ALTER / DROP LOGIN and ALTER SERVER ROLE, with SQL Server's permission rules and errors. */

import type { LoginOption, Stmt } from '../ast';
import { E, SqlError } from '../errors';
import type { ExecContext } from '../exec/context';
import { canAlterAnyLogin } from '../exec/security';
import { hashPassword, randomSid, verifyPassword } from '../state/crypto';
import { createServerPrincipal, dropServerPrincipal, setServerRoleMember } from '../state/ops';
import { nowIso } from '../state/store';
import { accountNamed } from '../windows-names';

/** Windows password policy as CHECK_POLICY = ON applies it (length and complexity). */
export function checkPasswordPolicy(password: string, login: string): void {
  if (password.length < 8) throw E.passwordPolicy('is too short');
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(password)).length;
  if (classes < 3 || password.toLowerCase().includes(login.toLowerCase())) throw E.passwordPolicy('is not complex enough');
}

function opt<K extends LoginOption['k']>(options: LoginOption[], k: K): Extract<LoginOption, { k: K }> | undefined {
  return options.find((o) => o.k === k) as Extract<LoginOption, { k: K }> | undefined;
}

function hashedValue(hex: string): Buffer {
  const b = Buffer.from(hex, 'hex');
  if (b.length !== 70 || b[0] !== 0x02) throw new SqlError(15021, 'Invalid value given for parameter PASSWORD. Specify a valid parameter value.');
  return b;
}

export function createLogin(ctx: ExecContext, s: Extract<Stmt, { k: 'create_login' }>): void {
  if (!canAlterAnyLogin(ctx)) throw E.noPermission();
  const inst = ctx.inst.name;
  if (ctx.st.principal(inst, s.name)) throw E.principalExists(s.name);
  const defaultDb = opt(s.options, 'default_database')?.value;
  if (s.windows) {
    if (!s.name.includes('\\')) {
      throw new SqlError(15407, `'${s.name}' is not a valid Windows NT name. Give the complete name: <domain\\username>.`);
    }
    // SQL Server asks Windows on its host (LookupAccountName): the name must resolve there.
    const account = accountNamed(ctx.st.windowsNames(ctx.inst.machine_name), s.name);
    if (!account) throw E.windowsNameNotFound(s.name);
    const sid = account.sid;
    if (ctx.st.principalBySid(inst, sid)) throw new SqlError(15025, `The server principal '${s.name}' already exists.`);
    createServerPrincipal(ctx.st, inst, { name: s.name, type: account.type, sid, ...(defaultDb ? { defaultDatabase: defaultDb } : {}) });
    ctx.changed();
    return;
  }
  const pw = opt(s.options, 'password');
  if (!pw) throw E.syntax(s.name);
  const sidOpt = opt(s.options, 'sid');
  let sid: Buffer;
  if (sidOpt) {
    if (sidOpt.value.length !== 16) throw new SqlError(15419, 'Supplied parameter sid should be binary(16).');
    if (ctx.st.principalBySid(inst, sidOpt.value)) throw E.sidInUse();
    sid = sidOpt.value;
  } else sid = randomSid();
  const checkPolicy = opt(s.options, 'check_policy')?.on ?? true;
  const checkExpiration = opt(s.options, 'check_expiration')?.on ?? false;
  if (pw.mustChange && (!checkPolicy || !checkExpiration)) {
    throw new SqlError(15128, `The CHECK_POLICY and CHECK_EXPIRATION options cannot be turned OFF when MUST_CHANGE is ON.`);
  }
  let hash: Buffer;
  if (pw.hashed) hash = hashedValue(pw.value);
  else {
    if (checkPolicy) checkPasswordPolicy(pw.value, s.name);
    hash = hashPassword(pw.value);
  }
  createServerPrincipal(ctx.st, inst, {
    name: s.name,
    type: 'S',
    sid,
    passwordHash: hash,
    checkPolicy,
    checkExpiration,
    ...(defaultDb ? { defaultDatabase: defaultDb } : {}),
  });
  if (pw.mustChange) ctx.st.db.prepare('UPDATE lab_sql_server_principals SET must_change = 1 WHERE instance = ? AND name = ?').run(inst, s.name);
  ctx.changed();
}

export function alterLogin(ctx: ExecContext, s: Extract<Stmt, { k: 'alter_login' }>): void {
  const inst = ctx.inst.name;
  const login = ctx.st.principal(inst, s.name);
  const self = login !== undefined && login.principal_id === ctx.session.principalId;
  const pw = opt(s.options, 'password');
  // Without ALTER ANY LOGIN a login may only change its own password, giving the old one.
  const onlyOwnPassword = self && pw?.oldPassword !== undefined && s.options.length === 1 && s.enable === undefined;
  if (!login || login.type === 'R' || (!canAlterAnyLogin(ctx) && !onlyOwnPassword)) throw E.cannotAlterLogin(s.name);
  const targetIsSysadmin = ctx.st.isServerRoleMember(inst, 'sysadmin', login.principal_id);
  if (targetIsSysadmin && !ctx.session.sysadmin && !self) throw E.noPermission();
  const sets: string[] = [];
  const args: (string | number | Buffer | null)[] = [];
  if (s.enable !== undefined) {
    sets.push('is_disabled = ?');
    args.push(s.enable ? 0 : 1);
  }
  if (pw) {
    if (login.type !== 'S') throw new SqlError(15080, 'Cannot use parameter PASSWORD for a Windows login.');
    if (pw.oldPassword !== undefined && !verifyPassword(pw.oldPassword, login.password_hash)) throw E.cannotAlterLogin(s.name);
    let hash: Buffer;
    if (pw.hashed) hash = hashedValue(pw.value);
    else {
      const policy = opt(s.options, 'check_policy')?.on ?? login.is_policy_checked === 1;
      if (policy) checkPasswordPolicy(pw.value, login.name);
      hash = hashPassword(pw.value);
    }
    sets.push('password_hash = ?', 'must_change = ?');
    args.push(hash, pw.mustChange ? 1 : 0);
  }
  const cp = opt(s.options, 'check_policy');
  if (cp) {
    sets.push('is_policy_checked = ?');
    args.push(cp.on ? 1 : 0);
  }
  const ce = opt(s.options, 'check_expiration');
  if (ce) {
    sets.push('is_expiration_checked = ?');
    args.push(ce.on ? 1 : 0);
  }
  const dd = opt(s.options, 'default_database');
  if (dd) {
    sets.push('default_database_name = ?');
    args.push(dd.value);
  }
  const nm = opt(s.options, 'name');
  if (nm) {
    if (ctx.st.principal(inst, nm.value)) throw E.principalExists(nm.value);
    sets.push('name = ?');
    args.push(nm.value);
  }
  if (!sets.length) return;
  sets.push('modify_date = ?');
  args.push(nowIso());
  ctx.st.db.prepare(`UPDATE lab_sql_server_principals SET ${sets.join(', ')} WHERE instance = ? AND principal_id = ?`).run(...args, inst, login.principal_id);
  ctx.changed();
}

export function dropLogin(ctx: ExecContext, s: Extract<Stmt, { k: 'drop_login' }>): void {
  const inst = ctx.inst.name;
  const login = ctx.st.principal(inst, s.name);
  if (!login || login.type === 'R' || !canAlterAnyLogin(ctx)) throw E.cannotDropLogin(s.name);
  const connected = ctx.st.db.prepare('SELECT 1 FROM lab_sql_sessions WHERE instance = ? AND login_name = ?').get(inst, login.name);
  if (connected) throw new SqlError(15434, `Could not drop login '${login.name}' as the user is currently logged in.`);
  dropServerPrincipal(ctx.st, inst, login.principal_id);
  ctx.changed();
}

export function alterServerRole(ctx: ExecContext, s: Extract<Stmt, { k: 'alter_role' }>): void {
  const inst = ctx.inst.name;
  const role = ctx.st.principal(inst, s.role);
  const allowed = ctx.session.sysadmin || (ctx.session.securityadmin && role?.name.toLowerCase() !== 'sysadmin');
  if (!role || role.type !== 'R' || !allowed) throw E.cannotAlterServerRole(s.role);
  const member = ctx.st.principal(inst, s.member);
  if (!member) throw E.cannotAddPrincipal(s.member);
  setServerRoleMember(ctx.st, inst, role.principal_id, member.principal_id, s.action === 'add');
  ctx.changed();
}
