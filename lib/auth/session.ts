import 'server-only';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getRuntime } from '@/lib/runtime';
import { verifyPassword, hashPassword } from './password';
import {
  audit,
  countUsers,
  createSession,
  createUser,
  deleteExpiredSessions,
  deleteSession,
  findSessionUser,
  findUserForLogin,
  type User,
} from '@/lib/store/repo';

export const SESSION_COOKIE = 'wizard_session';
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
// A fixed hash to verify against when the user does not exist, so both paths take the same time.
let dummyHash: Promise<string> | undefined;

export async function getCurrentUser(): Promise<User | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  const { db } = await getRuntime();
  return findSessionUser(db, token) ?? null;
}

/** For pages and server actions: the signed-in user, or a redirect to sign-in. */
export async function requireUser(): Promise<User> {
  const user = await getCurrentUser();
  if (!user) redirect(await needsFirstRun() ? '/setup' : '/login');
  return user;
}

export async function needsFirstRun(): Promise<boolean> {
  const { db } = await getRuntime();
  return countUsers(db) === 0;
}

async function cookieSecure(): Promise<boolean> {
  const { env } = await getRuntime();
  if (env.WIZARD_COOKIE_SECURE !== 'auto') return env.WIZARD_COOKIE_SECURE === '1';
  return (await headers()).get('x-forwarded-proto') === 'https';
}

async function startSession(user: User): Promise<void> {
  const { db } = await getRuntime();
  deleteExpiredSessions(db);
  const { token, expiresAt } = createSession(db, user.id, SESSION_TTL_MS);
  (await cookies()).set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: await cookieSecure(),
    path: '/',
    expires: expiresAt,
  });
}

export async function signIn(username: string, password: string): Promise<boolean> {
  const { db } = await getRuntime();
  const user = findUserForLogin(db, username);
  dummyHash ??= hashPassword('not-a-real-password');
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash));
  audit(db, { actor: username, action: 'auth.sign-in', target: `user/${username}`, result: ok && user ? 'ok' : 'refused' });
  if (!ok || !user) return false;
  await startSession({ id: user.id, username: user.username });
  return true;
}

/** First run only: creates the administrator, refusing once any user exists. */
export async function createFirstAdmin(username: string, password: string): Promise<boolean> {
  const { db } = await getRuntime();
  const hash = await hashPassword(password);
  const user = db.transaction(() => (countUsers(db) === 0 ? createUser(db, username, hash) : null))();
  if (!user) return false;
  audit(db, { actor: username, action: 'user.create', target: `user/${username}`, result: 'ok', detail: 'first run' });
  await startSession(user);
  return true;
}

export async function signOut(): Promise<void> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  if (token) deleteSession((await getRuntime()).db, token);
  jar.delete(SESSION_COOKIE);
}
