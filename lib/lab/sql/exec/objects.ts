/**
 * Name resolution for FROM: 1/2/3-part names to catalog views, with the database checks
 * (existence, replica availability, user mapping) and the documented visibility rules.
 */

import { E, SqlError } from '../errors';
import { VIEWS, type ViewDef } from '../state/views';
import type { ExecContext } from './context';
import { checkAvailable, dbUserFor, findDb, isDbRole } from './security';

export interface ResolvedView {
  def: ViewDef;
  /** SQLite condition on the view: perspective plus visibility. */
  where: string;
  /** Column expressions replacing the plain column (values the caller may not see). */
  overrides: Record<string, string>;
}

const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

const AG_CATALOG = new Set([
  'sys.availability_groups',
  'sys.availability_replicas',
  'sys.availability_group_listeners',
  'sys.availability_group_listener_ip_addresses',
  'sys.availability_databases_cluster',
  'sys.master_key_passwords',
]);

export function resolveView(ctx: ExecContext, parts: string[]): ResolvedView {
  const written = parts.join('.');
  if (parts.length < 2) throw E.invalidObject(written);
  const obj = parts[parts.length - 1] as string;
  const schema = (parts[parts.length - 2] as string) || 'dbo';
  const dbName = parts.length === 3 && parts[0] ? parts[0] : ctx.database;
  const def = VIEWS.get(`${schema}.${obj}`.toLowerCase());
  if (!def) throw E.invalidObject(written);
  const db = findDb(ctx, dbName);
  if (!db) throw E.invalidObject(written);
  checkAvailable(ctx, db, false);
  const user = dbUserFor(ctx, db);
  if (!user) throw E.cannotAccessDb(ctx.session.loginName, db.name);
  const content = ctx.st.content(db.content_id);
  if (def.scope === 'ssisdb' && content?.name.toUpperCase() !== 'SSISDB') throw E.invalidObject(written);

  const s = ctx.session;
  const conds: string[] = [];
  const overrides: Record<string, string> = {};
  if (def.scope === 'server') conds.push(`lab_instance = ${lit(ctx.inst.name)}`);
  else conds.push(`lab_content = ${lit(db.content_id)}`);

  const key = def.key;
  if (key.startsWith('sys.dm_') && !s.sysadmin) throw E.viewServerState();
  if (key.startsWith('internal.') && !s.sysadmin && !isDbRole(ctx, db, user, 'db_owner')) {
    throw new SqlError(229, `The SELECT permission was denied on the object '${obj}', database '${db.name}', schema 'internal'.`, { severity: 14 });
  }
  if (key === 'sys.server_principals' || key === 'sys.sql_logins') {
    // Metadata visibility: without ALTER ANY LOGIN a login sees itself, sa and the fixed roles.
    if (!s.sysadmin && !s.securityadmin) conds.push(`(principal_id = ${s.principalId} OR name = 'sa' OR (type = 'R' AND is_fixed_role = 1))`);
    // The hash needs CONTROL SERVER.
    if (key === 'sys.sql_logins' && !s.sysadmin) overrides.password_hash = 'NULL';
  }
  if (key === 'sys.server_role_members' && !s.sysadmin && !s.securityadmin) conds.push(`member_principal_id = ${s.principalId}`);
  if (AG_CATALOG.has(key) && !s.sysadmin) conds.push('0');
  if (key === 'sys.database_principals' && !isDbRole(ctx, db, user, 'db_owner')) conds.push(`(type = 'R' OR principal_id = ${user.principalId})`);
  if (key === 'sys.database_role_members' && !isDbRole(ctx, db, user, 'db_owner')) conds.push(`member_principal_id = ${user.principalId}`);
  // Metadata visibility: a procedure shows to its owner or a grantee; the lab grants none, so dbo's.
  if (key === 'sys.procedures' && !s.sysadmin && !isDbRole(ctx, db, user, 'db_owner')) conds.push('0');
  if (key === 'catalog.worker_agents') {
    // The view filters rather than failing: only ssis_admin, ssis_cluster_executor and sysadmin see rows.
    const sees = s.sysadmin || isDbRole(ctx, db, user, 'ssis_admin') || isDbRole(ctx, db, user, 'ssis_cluster_executor');
    if (!sees) conds.push('0');
  }
  return { def, where: conds.join(' AND '), overrides };
}
