'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';

export function RecheckAll({ recheck }: { recheck: () => Promise<{ ok: boolean; message: string }> }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState('');
  return (
    <div className="flex items-center gap-3 text-sm">
      <Button
        variant="secondary"
        disabled={pending}
        onClick={() =>
          start(async () => {
            setMessage('');
            const r = await recheck();
            setMessage(r.message);
            router.refresh();
          })
        }
      >
        {pending ? 'Checking every step on every node…' : 'Re-check all'}
      </Button>
      <span role="status" className="text-slate-600">{message}</span>
    </div>
  );
}
