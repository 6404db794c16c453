/**
 * Who may do what: database access (user mapping by SID, guest, dbo for sysadmin),
 * availability of AG databases on this replica, and role checks.
 */

import { E, SqlError } from '../errors';
import type { DatabaseRow } from '../state/store';
import type { ExecContext } from './context';

export interface DbUser {
  name: string;
  principalId: number;
}

/** The database user the session's login maps to in `db`, or undefined (no access). */
export function dbUserFor(ctx: ExecContext, db: DatabaseRow): DbUser | undefined {
  const s = ctx.session;
  // sysadmin members and the database owner enter every database as dbo.
  if (s.sysadmin || (db.owner_sid && db.owner_sid.equals(s.sid))) return { name: 'dbo', principalId: 1 };
  const u = ctx.st.dbUserBySid(db.content_id, s.sid);
  if (u) return { name: u.name, principalId: u.principal_id };
  const content = ctx.st.content(db.content_id);
  if (content?.guest_enabled) return { name: 'guest', principalId: 2 };
  return undefined;
}

export type Availability = 'rw' | 'ro' | 'ro-intent' | 'none' | 'resolving';

/** How this instance may use an AG database right now (a non-AG database is read-write unless READ_ONLY). */
export function availability(ctx: ExecContext, db: DatabaseRow): Availability {
  const ag = ctx.st.agOfDatabase(db);
  if (!ag) return db.is_read_only ? 'ro' : 'rw';
  const primary = ag.primary_instance ? ctx.st.instance(ag.primary_instance) : undefined;
  if (ag.primary_instance === db.instance && primary?.running) return 'rw';
  if (!primary?.running) return 'resolving';
  const rep = ctx.st.replicaOn(ag.group_id, db.instance);
  if (!rep) return 'none';
  return rep.secondary_role_allow_connections === 2 ? 'ro' : rep.secondary_role_allow_connections === 1 ? 'ro-intent' : 'none';
}

export function readIntentError(db: string): SqlError {
  return new SqlError(
    978,
    `The target database ('${db}') is in an availability group and is currently accessible for connections when the application intent is set to read only. For more information about application intent, see SQL Server Books Online.`,
    { severity: 14 },
  );
}

/** Throws what SQL Server raises when `db` cannot be read (or written) on this replica. */
export function checkAvailable(ctx: ExecContext, db: DatabaseRow, write: boolean, readOnlyIntent = ctx.session.readOnlyIntent): void {
  const a = availability(ctx, db);
  if (a === 'resolving') throw E.notPrimaryOrSecondary(db.name);
  if (a === 'none') throw E.notReadable(db.name);
  if (a === 'ro-intent' && !readOnlyIntent) throw readIntentError(db.name);
  if (write && a !== 'rw') throw E.readOnlyDb(db.name);
}

/** Database by name on this instance; undefined when it does not exist. */
export function findDb(ctx: ExecContext, name: string): DatabaseRow | undefined {
  return ctx.st.database(ctx.inst.name, name);
}

/** Opens `name` for the session: exists, available on this replica, and the login maps to a user. */
export function openDb(ctx: ExecContext, name: string, write: boolean, missing: () => SqlError): { db: DatabaseRow; user: DbUser } {
  const db = findDb(ctx, name);
  if (!db) throw missing();
  checkAvailable(ctx, db, write);
  const user = dbUserFor(ctx, db);
  if (!user) throw E.cannotAccessDb(ctx.session.loginName, db.name);
  return { db, user };
}

export function isDbRole(ctx: ExecContext, db: DatabaseRow, user: DbUser, role: string): boolean {
  if (user.principalId === 1 && role.toLowerCase() === 'db_owner') return true;
  return ctx.st.isDbRoleMember(db.content_id, role, user.principalId);
}

/** ALTER ANY LOGIN: sysadmin and securityadmin have it. */
export function canAlterAnyLogin(ctx: ExecContext): boolean {
  return ctx.session.sysadmin || ctx.session.securityadmin;
}
