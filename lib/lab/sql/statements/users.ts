/** CREATE / ALTER / DROP USER and ALTER ROLE in the current database (SSISDB content replicates with the AG). */

import type { Stmt } from '../ast';
import { E } from '../errors';
import type { ExecContext } from '../exec/context';
import { checkAvailable, dbUserFor, findDb, isDbRole } from '../exec/security';
import { randomSid } from '../state/crypto';
import { createDbPrincipal, dropDbPrincipal, setDbRoleMember } from '../state/ops';
import { accountNamed } from '../windows-names';
import type { DatabaseRow } from '../state/store';

/** The current database, writable, and the caller's right to manage principals in it. */
function currentDbForSecurity(ctx: ExecContext, role: 'db_accessadmin' | 'db_securityadmin'): DatabaseRow {
  const db = findDb(ctx, ctx.database);
  if (!db) throw E.dbNotExist(ctx.database);
  checkAvailable(ctx, db, true);
  const user = dbUserFor(ctx, db);
  if (!user || !(isDbRole(ctx, db, user, 'db_owner') || isDbRole(ctx, db, user, role))) throw E.noPermission();
  return db;
}

export function createUser(ctx: ExecContext, s: Extract<Stmt, { k: 'create_user' }>): void {
  const db = currentDbForSecurity(ctx, 'db_accessadmin');
  if (ctx.st.dbPrincipal(db.content_id, s.name)) throw E.userExists(s.name);
  if (s.withoutLogin) {
    createDbPrincipal(ctx.st, db.content_id, { name: s.name, type: 'S', sid: randomSid(), authenticationType: 0, defaultSchema: s.defaultSchema ?? 'dbo' });
    ctx.changed();
    return;
  }
  // Without FOR LOGIN the user maps to the login of the same name.
  const loginName = s.login ?? s.name;
  const login = ctx.st.principal(ctx.inst.name, loginName);
  if (!login && s.login === undefined && s.name.includes('\\')) {
    // A Windows principal needs no login of its own (it may connect through a group's login):
    // SQL Server asks Windows on its host for the name's SID.
    const account = accountNamed(ctx.st.windowsNames(ctx.inst.machine_name), s.name);
    if (!account) throw E.windowsNameNotFound(s.name);
    if (ctx.st.dbUserBySid(db.content_id, account.sid)) throw E.loginHasUser();
    createDbPrincipal(ctx.st, db.content_id, { name: s.name, type: 'U', sid: account.sid, defaultSchema: s.defaultSchema ?? 'dbo' });
    ctx.changed();
    return;
  }
  if (!login || login.type === 'R' || !login.sid) throw E.notValidLogin(loginName);
  if (ctx.st.dbUserBySid(db.content_id, login.sid) || (db.owner_sid && db.owner_sid.equals(login.sid))) throw E.loginHasUser();
  createDbPrincipal(ctx.st, db.content_id, { name: s.name, type: login.type === 'S' ? 'S' : 'U', sid: login.sid, defaultSchema: s.defaultSchema ?? 'dbo' });
  ctx.changed();
}

export function alterUser(ctx: ExecContext, s: Extract<Stmt, { k: 'alter_user' }>): void {
  const db = currentDbForSecurity(ctx, 'db_accessadmin');
  const user = ctx.st.dbPrincipal(db.content_id, s.name);
  if (!user || user.type === 'R' || user.principal_id < 5) throw E.cannotAlterUser(s.name);
  if (s.login !== undefined) {
    // WITH LOGIN remaps the user to the login's SID: the documented fix for an orphaned user.
    const login = ctx.st.principal(ctx.inst.name, s.login);
    if (!login || login.type === 'R' || !login.sid) throw E.notValidLogin(s.login);
    const other = ctx.st.dbUserBySid(db.content_id, login.sid);
    if (other && other.principal_id !== user.principal_id) throw E.loginHasUser();
    ctx.st.db.prepare('UPDATE lab_sql_db_principals SET sid = ?, modify_date = ? WHERE content_id = ? AND principal_id = ?').run(login.sid, new Date().toISOString(), db.content_id, user.principal_id);
    ctx.changed();
  }
}

export function dropUser(ctx: ExecContext, s: Extract<Stmt, { k: 'drop_user' }>): void {
  const db = currentDbForSecurity(ctx, 'db_accessadmin');
  const user = ctx.st.dbPrincipal(db.content_id, s.name);
  if (!user || user.type === 'R' || user.principal_id < 5) throw E.cannotDropUser(s.name);
  dropDbPrincipal(ctx.st, db.content_id, user.principal_id);
  ctx.changed();
}

export function alterRole(ctx: ExecContext, s: Extract<Stmt, { k: 'alter_role' }>): void {
  const db = findDb(ctx, ctx.database);
  if (!db) throw E.dbNotExist(ctx.database);
  checkAvailable(ctx, db, true);
  const caller = dbUserFor(ctx, db);
  const role = ctx.st.dbPrincipal(db.content_id, s.role);
  const ownerRole = role?.name.toLowerCase() === 'db_owner';
  const allowed = caller !== undefined && (isDbRole(ctx, db, caller, 'db_owner') || (!ownerRole && isDbRole(ctx, db, caller, 'db_securityadmin')));
  if (!role || role.type !== 'R' || role.name === 'public' || !allowed) throw E.cannotAlterRole(s.role);
  const member = ctx.st.dbPrincipal(db.content_id, s.member);
  if (!member) throw E.cannotAddPrincipal(s.member);
  setDbRoleMember(ctx.st, db.content_id, role.principal_id, member.principal_id, s.action === 'add');
  ctx.changed();
}
