'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import type { CaptureResult } from '../actions';

export function CaptureButton({ capture, label }: { capture: () => Promise<CaptureResult>; label: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState('');
  return (
    <div className="flex items-center gap-2 text-sm print:hidden">
      <Button
        variant="secondary"
        disabled={pending}
        aria-label={label}
        onClick={() =>
          start(async () => {
            setMessage('');
            const r = await capture();
            if (!r.ok) setMessage(r.message);
            router.refresh();
          })
        }
      >
        {pending ? 'Taking screenshot…' : 'Take screenshot'}
      </Button>
      {message ? <span className="text-red-700">{message}</span> : null}
    </div>
  );
}
