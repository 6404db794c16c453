'use server';

import { redirect } from 'next/navigation';
import { createFirstAdmin, signIn, signOut } from '@/lib/auth/session';
import { fromZodError, type ActionState } from '@/lib/forms/action-state';
import { firstRunSchema, signInSchema } from './schema';

export async function signInAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const parsed = signInSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return fromZodError(parsed.error);
  if (!(await signIn(parsed.data.username, parsed.data.password))) {
    return { status: 'error', message: 'The user name or password is wrong.' };
  }
  redirect('/deployments');
}

export async function firstRunAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const parsed = firstRunSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return fromZodError(parsed.error);
  if (!(await createFirstAdmin(parsed.data.username, parsed.data.password))) {
    return { status: 'error', message: 'An administrator already exists: sign in instead.' };
  }
  redirect('/deployments');
}

export async function signOutAction(): Promise<void> {
  await signOut();
  redirect('/login');
}
