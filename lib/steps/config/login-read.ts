// What the master account has in SQL Server: its Windows login on every replica (read on each
// master node in parallel), and on the instance that holds the writable SSISDB (the AG primary,
// found as step 8 finds it) the SSISDB user mapped to that login's SID and its roles.
// Read-only. ssis-scale-out-ha.md §6 step 2, §9 item 6.
import 'server-only';
import { z } from 'zod';
import { query, queryRows, type Row } from '@/lib/sql';
import type { StepContext } from '@/lib/steps/context';
import { errorText, findCatalogHome, noHomeEvidence } from '../master-address/catalog-home';
import { SSISDB } from '../master-address/names';

export type LoginRow = { name: string; sid: Buffer; disabled: boolean };
export type LoginReading = { host: string; ok: true; login: LoginRow | null } | { host: string; ok: false; error: string };
export type UserRead = { name: string; roles: string[] } | null;
export type UserReading =
  | { ok: true; primary: string; why: string; loginOnPrimary: boolean; user: UserRead }
  | { ok: false; primary: string | null; error: string };
export type LoginReadings = { account: string; logins: LoginReading[]; user: UserReading };

// Windows logins only; the name is compared without regard to case (a case-sensitive server
// collation would otherwise hide LAB\Svc-SSISMaster from LAB\svc-ssismaster).
const LOGIN_SQL = `SELECT name, sid, is_disabled FROM sys.server_principals WHERE type = 'U' AND UPPER(name) = UPPER(@login);`;
const loginRow = z.object({ name: z.string(), sid: z.instanceof(Buffer), is_disabled: z.union([z.boolean(), z.number()]).transform(Boolean) });

const USER_SQL = `
SELECT name FROM sys.database_principals WHERE sid = @sid;
SELECT r.name
  FROM sys.database_role_members m
  JOIN sys.database_principals r ON r.principal_id = m.role_principal_id
  JOIN sys.database_principals u ON u.principal_id = m.member_principal_id
 WHERE u.sid = @sid;`;
const nameRow = z.object({ name: z.string() });

function rows<S extends z.ZodType>(sets: Row[][], i: number, schema: S, what: string): z.infer<S>[] {
  const parsed = z.array(schema).safeParse(sets[i] ?? []);
  if (!parsed.success) throw new Error(`${what}: the result did not have the expected shape (${parsed.error.issues[0]?.message ?? 'unknown'}).`);
  return parsed.data;
}

export async function readLogin(ctx: Pick<StepContext, 'sql'>, host: string, account: string, signal?: AbortSignal): Promise<LoginRow | null> {
  const r = await queryRows(ctx.sql(host), LOGIN_SQL, { login: { type: 'sysname', value: account } }, loginRow, signal ? { signal } : {});
  const row = r[0];
  return row ? { name: row.name, sid: row.sid, disabled: row.is_disabled } : null;
}

export async function readUser(ctx: Pick<StepContext, 'sql'>, primary: string, sid: Buffer, signal?: AbortSignal): Promise<UserRead> {
  const r = await query(ctx.sql(primary, SSISDB), USER_SQL, { sid: { type: 'varbinary', value: sid } }, signal ? { signal } : {});
  const user = rows(r.recordsets, 0, nameRow, primary)[0];
  return user ? { name: user.name, roles: rows(r.recordsets, 1, nameRow, primary).map((x) => x.name) } : null;
}

async function loginAt(ctx: Pick<StepContext, 'sql'>, host: string, account: string): Promise<LoginReading> {
  try {
    return { host, ok: true, login: await readLogin(ctx, host, account) };
  } catch (e) {
    return { host, ok: false, error: errorText(e) };
  }
}

/** Every master node's login and the primary's SSISDB user; a node that cannot be reached is reported, not fatal. */
export async function readMasterLogins(ctx: Pick<StepContext, 'sql' | 'inventory'>, account: string): Promise<LoginReadings> {
  const hosts = ctx.inventory.masters.map((m) => m.hostName);
  const [logins, home] = await Promise.all([Promise.all(hosts.map((h) => loginAt(ctx, h, account))), findCatalogHome(ctx)]);
  if (!home.home) return { account, logins, user: { ok: false, primary: null, error: noHomeEvidence(home, ctx.inventory.agName) } };
  const { node: primary, why } = home.home;
  const at = logins.find((l) => l.host === primary);
  if (!at || !at.ok) return { account, logins, user: { ok: false, primary, error: at && !at.ok ? at.error : `${primary} was not read` } };
  if (!at.login) return { account, logins, user: { ok: true, primary, why, loginOnPrimary: false, user: null } };
  try {
    return { account, logins, user: { ok: true, primary, why, loginOnPrimary: true, user: await readUser(ctx, primary, at.login.sid) } };
  } catch (e) {
    return { account, logins, user: { ok: false, primary, error: errorText(e) } };
  }
}
