// The master account's login and SSISDB user: the operations plan() shows (the exact T-SQL) and
// their apply, which reads again first and runs only what is still missing (idempotent).
import 'server-only';
import type { ApplyContext, Check, Operation } from '@/lib/engine/types';
import { query } from '@/lib/sql';
import { quoteName } from '@/lib/sql/quote';
import type { StepContext } from '@/lib/steps/context';
import { SSISDB } from '../master-address/names';
import { idAt } from '../master-shared/ids';
import { LOGIN_CHECK, loginFactsOf, loginFactsSchema, SSIS_ADMIN, userFactsSchema } from './login-checks';
import { readLogin, readMasterLogins } from './login-read';

type Ctx = Pick<StepContext, 'inventory'>;
const q = (account: string) => quoteName(account, 'master service account');

export const createLoginSql = (account: string) => `CREATE LOGIN ${q(account)} FROM WINDOWS;`;
export const enableLoginSql = (account: string) => `ALTER LOGIN ${q(account)} ENABLE;`;
export const createUserSql = (account: string) => `CREATE USER ${q(account)} FOR LOGIN ${q(account)};`;
export const addMemberSql = (user: string) => `ALTER ROLE ${quoteName(SSIS_ADMIN)} ADD MEMBER ${quoteName(user, 'SSISDB user')};`;

/** Logins (every failing replica, in inventory order), then the SSISDB user on the primary. */
export function loginOps(ctx: Ctx, checks: Check[]): Operation[] {
  const account = ctx.inventory.masterAccount;
  const ops: Operation[] = [];
  for (const m of ctx.inventory.masters) {
    const check = checks.find((c) => c.id === idAt(LOGIN_CHECK.login, m.hostName));
    const facts = check?.status === 'fail' ? loginFactsOf(check, loginFactsSchema) : null;
    if (!facts) continue;
    const create = facts.action === 'create';
    ops.push({
      id: idAt(LOGIN_CHECK.login, m.hostName),
      target: m.hostName,
      kind: 'tsql',
      summary: create ? `Create the Windows login ${account} on ${m.hostName}` : `Enable the login ${account} on ${m.hostName}`,
      script: create ? createLoginSql(account) : enableLoginSql(account),
      risk: 'low',
    });
  }
  const user = checks.find((c) => c.id === LOGIN_CHECK.user);
  const facts = user?.status === 'fail' ? loginFactsOf(user, userFactsSchema) : null;
  if (facts) {
    const name = facts.userName ?? account;
    const lines = [`USE ${quoteName(SSISDB)};`, ...(facts.userName ? [] : [createUserSql(account)]), addMemberSql(name)];
    ops.push({
      id: LOGIN_CHECK.user,
      target: facts.primary,
      kind: 'tsql',
      summary: facts.userName
        ? `Add the SSISDB user ${name} to ${SSIS_ADMIN} on ${facts.primary} (the primary)`
        : `Create the SSISDB user ${account} for its login and add it to ${SSIS_ADMIN} on ${facts.primary} (the primary)`,
      script: lines.join('\n'),
      risk: 'low',
    });
  }
  return ops;
}

async function applyLogin(ctx: StepContext, host: string, run: ApplyContext): Promise<string> {
  const account = ctx.inventory.masterAccount;
  const login = await readLogin(ctx, host, account, run.signal);
  if (login && !login.disabled) return `${host}: the login ${login.name} already exists and is enabled`;
  const text = login ? enableLoginSql(login.name) : createLoginSql(account);
  run.log(host, text);
  await query(ctx.sql(host), text, {}, { signal: run.signal });
  return `${host}: ${login ? `enabled the login ${login.name}` : `created the login ${account}`}`;
}

async function applyUser(ctx: StepContext, run: ApplyContext): Promise<string> {
  const account = ctx.inventory.masterAccount;
  const r = await readMasterLogins(ctx, account);
  const u = r.user;
  if (!u.ok) throw new Error(u.primary ? `SSISDB on ${u.primary} could not be read: ${u.error}` : u.error);
  if (!u.loginOnPrimary) throw new Error(`${u.primary}: there is no login for ${account} yet; create it first (${idAt(LOGIN_CHECK.login, u.primary)}).`);
  const target = ctx.sql(u.primary, SSISDB);
  const done: string[] = [];
  let name = u.user?.name;
  if (!name) {
    run.log(u.primary, createUserSql(account));
    await query(target, createUserSql(account), {}, { signal: run.signal });
    name = account;
    done.push(`created the SSISDB user ${account}`);
  }
  if (!u.user?.roles.some((x) => x.toLowerCase() === SSIS_ADMIN)) {
    run.log(u.primary, addMemberSql(name));
    await query(target, addMemberSql(name), {}, { signal: run.signal });
    done.push(`added ${name} to ${SSIS_ADMIN}`);
  }
  return done.length ? `${u.primary}: ${done.join(', ')}` : `${u.primary}: the SSISDB user ${name} is already in ${SSIS_ADMIN}`;
}

/** The operation's result, or null when it is not one of these. */
export function applyLoginOp(ctx: StepContext, op: Operation, host: string | undefined, run: ApplyContext): Promise<string> | null {
  if (op.id === LOGIN_CHECK.user) return applyUser(ctx, run);
  if (host && op.id === idAt(LOGIN_CHECK.login, host)) return applyLogin(ctx, host, run);
  return null;
}
