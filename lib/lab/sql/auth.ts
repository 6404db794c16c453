/**
 * Login-time checks, in SQL Server's order: authentication mode, login, password,
 * disabled / must-change, then the database (exists, available on this replica, mapped
 * user). The client sees what SQL Server sends (18456 with state 1); the real reason and
 * state go to the lab's error log, as on a real server.
 */

import { randomUUID } from 'node:crypto';
import type { LoginError } from '@/lib/lab/tds/types';
import { LoginErrors, SqlError } from './errors';
import { ExecContext } from './exec/context';
import { checkAvailable, dbUserFor } from './exec/security';
import type { LabSession, SessionOptions } from './session';
import { verifyPassword } from './state/crypto';
import type { Store, ServerPrincipalRow } from './state/store';
import { nowIso } from './state/store';

export type AuthOutcome =
  | { ok: true; session: LabSession; database: string }
  | {
      ok: false;
      /** What the client receives (SQL Server hides the reason: state 1). */
      errors: LoginError[];
      /** The 18456 state SQL Server writes to its error log (5 unknown login, 8 wrong password, 7 disabled, 58 Windows-only server, 38 database). */
      state: number;
      reason: string;
      /** The instance is not running: the connection should be refused outright. */
      unavailable?: boolean;
    };

const REASONS: Record<number, string> = {
  5: 'Could not find a login matching the name provided.',
  7: 'The account is disabled.',
  8: 'Password did not match that for the login provided.',
  18: 'The password of the account must be changed.',
  38: 'Failed to open the explicitly specified database',
  40: "Failed to open the database specified in the login properties.",
  58: 'An attempt to login using SQL authentication failed. Server is configured for Windows authentication only.',
};

function fail(st: Store, instance: string, user: string, state: number, errors: LoginError[], client: string): AuthOutcome {
  const reason = REASONS[state] ?? 'Login failed.';
  st.errorlog(instance, 'Logon', `Error: 18456, Severity: 14, State: ${state}. Login failed for user '${user}'. Reason: ${reason} [CLIENT: ${client}]`);
  return { ok: false, errors, state, reason };
}

let nextSpid = 51;

export function openSession(st: Store, instance: string, login: ServerPrincipalRow, database: string, opts: SessionOptions, authScheme: 'SQL' | 'NTLM'): LabSession {
  const spid = opts.spid ?? nextSpid++;
  if (nextSpid > 32000) nextSpid = 51;
  const session: LabSession = {
    spid,
    instance,
    loginName: login.name,
    sid: login.sid ?? Buffer.alloc(0),
    principalId: login.principal_id,
    sysadmin: st.isServerRoleMember(instance, 'sysadmin', login.principal_id),
    securityadmin: st.isServerRoleMember(instance, 'securityadmin', login.principal_id),
    encryption: opts.encryption ?? 'off',
    authScheme,
    hostName: opts.hostName ?? '',
    appName: opts.appName ?? '',
    readOnlyIntent: opts.readOnlyIntent ?? false,
    database,
    nocount: false,
    xactAbort: false,
    tranCount: 0,
    changesInTran: 0,
  };
  st.db
    .prepare(
      `INSERT OR REPLACE INTO lab_sql_sessions (session_id, instance, login_name, encrypt_option, auth_scheme, connect_time, client_net_address, client_tcp_port,
         local_tcp_port, net_packet_size, connection_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      spid,
      instance,
      login.name,
      session.encryption === 'on' ? 'TRUE' : 'FALSE',
      authScheme,
      nowIso(),
      opts.clientAddress ?? '127.0.0.1',
      opts.clientPort ?? null,
      opts.localPort ?? null,
      opts.packetSize ?? 4096,
      randomUUID().toUpperCase(),
    );
  return session;
}

/** Checks the login's database the way login does; returns the errors to send, or the database name. */
function openLoginDatabase(st: Store, session: LabSession, requested: string, defaultDb: string | null): { ok: true; name: string } | { ok: false; errors: LoginError[]; state: number } {
  const inst = st.instance(session.instance);
  const name = requested || defaultDb || 'master';
  const explicit = requested !== '';
  const db = st.database(session.instance, name);
  const fail4060 = (): { ok: false; errors: LoginError[]; state: number } => ({
    ok: false,
    errors: explicit ? [LoginErrors.cannotOpenDb(name), LoginErrors.failed(session.loginName)] : [{ number: 4064, class: 11, message: 'Cannot open user default database. Login failed.' }, LoginErrors.failed(session.loginName)],
    state: explicit ? 38 : 40,
  });
  if (!db || !inst) return fail4060();
  const ctx = new ExecContext(st, session, inst);
  try {
    checkAvailable(ctx, db, false, session.readOnlyIntent);
  } catch (err) {
    if (!(err instanceof SqlError)) throw err;
    return { ok: false, errors: [{ number: err.number, class: err.severity, message: err.message }, LoginErrors.failed(session.loginName)], state: 38 };
  }
  // No mapped user (or an orphaned one whose SID matches no login here): the login cannot open it.
  if (!dbUserFor(ctx, db)) return fail4060();
  return { ok: true, name: db.name };
}

export function authenticateSql(st: Store, instance: string, user: string, password: string, database: string, opts: SessionOptions): AuthOutcome {
  const inst = st.instance(instance);
  const client = opts.clientAddress ?? '127.0.0.1';
  if (!inst || !inst.running) {
    return { ok: false, errors: [LoginErrors.failed(user)], state: 0, reason: 'The instance is not running.', unavailable: true };
  }
  if (inst.login_mode === 1) return fail(st, inst.name, user, 58, [LoginErrors.failed(user)], client);
  const login = st.principal(inst.name, user);
  if (!login || login.type !== 'S') return fail(st, inst.name, user, 5, [LoginErrors.failed(user)], client);
  const good = verifyPassword(password, login.password_hash);
  if (login.is_disabled) {
    if (!good) return fail(st, inst.name, user, 7, [LoginErrors.failed(user)], client);
    return fail(st, inst.name, user, 7, [{ number: 18470, state: 1, class: 14, message: `Login failed for user '${login.name}'. Reason: The account is disabled.` }], client);
  }
  if (!good) return fail(st, inst.name, user, 8, [LoginErrors.failed(user)], client);
  if (login.must_change) {
    return fail(st, inst.name, user, 18, [{ number: 18488, state: 1, class: 14, message: `Login failed for user '${login.name}'. Reason: The password of the account must be changed.` }], client);
  }
  return finish(st, inst.name, login, database, opts, 'SQL', client);
}

/** Windows authentication (the lab's domain accounts): the login must exist; no password is checked here. */
export function authenticateWindows(st: Store, instance: string, account: string, database: string, opts: SessionOptions): AuthOutcome {
  const inst = st.instance(instance);
  const client = opts.clientAddress ?? '127.0.0.1';
  if (!inst || !inst.running) return { ok: false, errors: [LoginErrors.failed(account)], state: 0, reason: 'The instance is not running.', unavailable: true };
  const login = st.principal(inst.name, account);
  if (!login || (login.type !== 'U' && login.type !== 'G')) return fail(st, inst.name, account, 5, [LoginErrors.failed(account)], client);
  if (login.is_disabled) return fail(st, inst.name, account, 7, [LoginErrors.failed(account)], client);
  return finish(st, inst.name, login, database, opts, 'NTLM', client);
}

function finish(st: Store, instance: string, login: ServerPrincipalRow, database: string, opts: SessionOptions, scheme: 'SQL' | 'NTLM', client: string): AuthOutcome {
  const session = openSession(st, instance, login, 'master', opts, scheme);
  const db = openLoginDatabase(st, session, database, login.default_database_name);
  if (!db.ok) {
    st.db.prepare('DELETE FROM lab_sql_sessions WHERE instance = ? AND session_id = ?').run(instance, session.spid);
    return fail(st, instance, login.name, db.state, db.errors, client);
  }
  session.database = db.name;
  return { ok: true, session, database: db.name };
}
