'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { IDLE, type ActionState } from '@/lib/forms/action-state';

type Props = {
  action: (prev: ActionState, form: FormData) => Promise<ActionState>;
  submitLabel: string;
  confirm?: boolean;
};

/** The sign-in and first-run forms: plain posts, so they work before any JavaScript loads. */
export function CredentialsForm({ action, submitLabel, confirm = false }: Props) {
  const [state, dispatch, pending] = useActionState(action, IDLE);
  const err = (f: string) => (state.status === 'invalid' ? state.fieldErrors[f]?.[0] : undefined);
  return (
    <form action={dispatch} className="flex flex-col gap-3" noValidate>
      <Field id="username" label="User name" error={err('username')}>
        <input id="username" name="username" autoComplete="username" className={inputClass} aria-invalid={!!err('username')} aria-describedby="username-error" />
      </Field>
      <Field id="password" label="Password" error={err('password')}>
        <input id="password" name="password" type="password" autoComplete={confirm ? 'new-password' : 'current-password'} className={inputClass} aria-invalid={!!err('password')} aria-describedby="password-error" />
      </Field>
      {confirm ? (
        <Field id="confirm" label="Repeat the password" error={err('confirm')}>
          <input id="confirm" name="confirm" type="password" autoComplete="new-password" className={inputClass} aria-invalid={!!err('confirm')} aria-describedby="confirm-error" />
        </Field>
      ) : null}
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-red-700">
        {state.status === 'error' ? state.message : ''}
      </p>
      <Button type="submit" disabled={pending}>
        {pending ? 'Please wait…' : submitLabel}
      </Button>
    </form>
  );
}
