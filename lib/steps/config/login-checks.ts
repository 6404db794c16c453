// The master account's access to SSISDB, from what login-read.ts read. Pure. Per replica: a
// Windows login for the account, enabled; on the primary: a user in SSISDB mapped to that
// login's SID, member of ssis_admin (ssis-scale-out-ha.md §6 step 2, §9 item 6).
import 'server-only';
import { z } from 'zod';
import type { Check } from '@/lib/engine/types';
import { idAt } from '../master-shared/ids';
import type { LoginReadings } from './login-read';

export const LOGIN_CHECK = { login: 'master-login', user: 'master-user' } as const;
export const SSIS_ADMIN = 'ssis_admin';

/** CREATE LOGIN … FROM WINDOWS takes DOMAIN\user only; a UPN has no login name the wizard can derive. */
export const isNtName = (account: string) => /^[^\\@]+\\[^\\@]+$/.test(account);

/** What plan() needs from a failing check: create or enable the login; create the user (no name yet) or only add it to the role. */
export const loginFactsSchema = z.object({ kind: z.literal('login'), host: z.string(), action: z.enum(['create', 'enable']) });
export const userFactsSchema = z.object({ kind: z.literal('user'), primary: z.string(), userName: z.string().nullable() });
export type LoginFacts = z.infer<typeof loginFactsSchema>;
export type UserFacts = z.infer<typeof userFactsSchema>;

export function loginFactsOf<S extends z.ZodType>(check: Check, schema: S): z.infer<S> | null {
  if (!('facts' in check)) return null;
  const parsed = schema.safeParse(check.facts);
  return parsed.success ? parsed.data : null;
}

const loginTitle = (account: string) => `A Windows login for ${account} exists and is enabled`;
const userTitle = (account: string) => `${account} has a user in SSISDB, member of ${SSIS_ADMIN}`;
const sidHex = (sid: Buffer) => `0x${sid.toString('hex').toUpperCase()}`;

const WHY =
  'The master signs in to SSISDB through the listener as its service account, on whichever replica is primary; the login must exist on every replica (a Windows login has the same SID everywhere).';

export function loginChecks(r: LoginReadings): Check[] {
  const { account } = r;
  const title = loginTitle(account);
  return r.logins.map((l): Check & { facts?: LoginFacts } => {
    const base = { id: idAt(LOGIN_CHECK.login, l.host), title, target: l.host };
    if (!l.ok) return { ...base, status: 'unknown', evidence: `${l.host} could not be read: ${l.error}`, remediation: 'Check that the instance is up and the wizard can sign in (Prerequisites step), then probe again.' };
    if (!l.login) return { ...base, status: 'fail', evidence: `No Windows login named ${account} in sys.server_principals on ${l.host}`, remediation: `${WHY} The plan runs CREATE LOGIN … FROM WINDOWS here.`, facts: { kind: 'login', host: l.host, action: 'create' } satisfies LoginFacts };
    const evidence = `${l.login.name} (type U, SID ${sidHex(l.login.sid)}) is ${l.login.disabled ? 'disabled' : 'enabled'} on ${l.host}`;
    if (l.login.disabled) return { ...base, status: 'fail', evidence, remediation: `${WHY} The plan runs ALTER LOGIN … ENABLE here.`, facts: { kind: 'login', host: l.host, action: 'enable' } satisfies LoginFacts };
    return { ...base, status: 'pass', evidence };
  });
}

export function userCheck(r: LoginReadings): Check & { facts?: UserFacts } {
  const { account, user: u } = r;
  const base = { id: LOGIN_CHECK.user, title: userTitle(account), target: u.primary ?? 'SSISDB' };
  if (!u.ok) return { ...base, status: 'unknown', evidence: u.primary ? `SSISDB on ${u.primary} could not be read: ${u.error}` : u.error, remediation: 'SSISDB can be read and written on the primary only; make sure it is reachable (step 4), then probe again.' };
  const fix = `The master's heartbeats and the scale out catalog procedures need ${SSIS_ADMIN} in SSISDB. The plan creates the user on ${u.primary} (${u.why}); the availability group replicates it.`;
  if (!u.loginOnPrimary) {
    return { ...base, status: 'fail', evidence: `No login for ${account} on ${u.primary} (${u.why}), so no SSISDB user maps to it yet`, remediation: `${fix} The login is created first (master-login@${u.primary.toUpperCase()}).`, facts: { kind: 'user', primary: u.primary, userName: null } satisfies UserFacts };
  }
  if (!u.user) return { ...base, status: 'fail', evidence: `No user in SSISDB on ${u.primary} has the SID of the login ${account}`, remediation: fix, facts: { kind: 'user', primary: u.primary, userName: null } satisfies UserFacts };
  const evidence = `SSISDB user ${u.user.name} on ${u.primary}, roles: ${u.user.roles.length ? u.user.roles.join(', ') : '(none)'}`;
  if (!u.user.roles.some((x) => x.toLowerCase() === SSIS_ADMIN)) return { ...base, status: 'fail', evidence, remediation: fix, facts: { kind: 'user', primary: u.primary, userName: u.user.name } satisfies UserFacts };
  return { ...base, status: 'pass', evidence };
}

/** A UPN master account: no check can be made; the remediation says what to do by hand. */
export function upnChecks(hosts: string[], account: string): Check[] {
  const evidence = `The master account is given as ${account}; a Windows login is named DOMAIN\\user, which the wizard cannot derive from it`;
  const remediation = 'Enter the master account as DOMAIN\\user in the inventory, or create its login on every replica and its user in ssis_admin in SSISDB by hand.';
  return [
    ...hosts.map((h): Check => ({ id: idAt(LOGIN_CHECK.login, h), title: loginTitle(account), target: h, status: 'unknown', evidence, remediation })),
    { id: LOGIN_CHECK.user, title: userTitle(account), target: 'SSISDB', status: 'unknown', evidence, remediation },
  ];
}
