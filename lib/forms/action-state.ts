import { z } from 'zod';

/** What every server action returns to its form. Never carries a secret or a stack trace. */
export type ActionState =
  | { status: 'idle' }
  | { status: 'invalid'; fieldErrors: Record<string, string[]>; message: string }
  | { status: 'error'; message: string }
  | { status: 'ok'; message?: string };

export const IDLE: ActionState = { status: 'idle' };

/** Field errors keyed by the dotted path react-hook-form uses (masters.0.hostName). */
export function fromZodError(error: z.ZodError, message = 'Some fields need attention'): ActionState {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || 'form';
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return { status: 'invalid', fieldErrors, message };
}
