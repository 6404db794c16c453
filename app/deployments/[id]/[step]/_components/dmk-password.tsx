'use client';

import { useRef, useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';
import type { SaveSecretResult } from '../actions';

/** Step 4 asks once for the SSISDB master key password; the browser never gets it back. */
export function DmkPasswordForm({ save, isSet }: { save: (password: string) => Promise<SaveSecretResult>; isSet: boolean }) {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState('');
  const [pending, start] = useTransition();
  return (
    <form
      className="flex flex-wrap items-end gap-2 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        const password = input.current?.value ?? '';
        start(async () => {
          const r = await save(password);
          setMessage(r.ok ? 'Stored. The plan now registers it on each secondary.' : r.message);
          if (r.ok && input.current) input.current.value = '';
          router.refresh();
        });
      }}
    >
      <label className="flex flex-col gap-1">
        <span>SSISDB master key password</span>
        <input ref={input} type="password" autoComplete="off" className={inputClass} aria-describedby="dmk-hint" />
      </label>
      <Button type="submit" variant="secondary" disabled={pending}>Save password</Button>
      <span id="dmk-hint" className="text-slate-500" role="status">
        {message || (isSet ? 'Stored: set. Type a new one to replace it.' : 'Stored: not set.')}
      </span>
    </form>
  );
}
