'use client';

import { useEffect, useRef, useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import type { RecheckResult } from '../actions';

/** Probes the step on open (unless it was just probed) and on demand, without blocking the page. */
export function Recheck({ recheck, checkedAt }: { recheck: () => Promise<RecheckResult>; checkedAt: string | null }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState('');
  const run = () =>
    start(async () => {
      setMessage('');
      const r = await recheck();
      if (!r.ok) setMessage(r.message);
      router.refresh();
    });
  const once = useRef(false);
  useEffect(() => {
    if (once.current) return;
    once.current = true;
    const fresh = checkedAt && Date.now() - Date.parse(checkedAt) < 15_000;
    if (!fresh) run();
    // Only on first render: later probes are the user's or the apply job's.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <div className="flex items-center gap-3 text-sm">
      <Button variant="secondary" onClick={run} disabled={pending}>
        {pending ? 'Checking every node…' : 'Re-check'}
      </Button>
      <span className="text-slate-500" role="status">
        {pending ? 'Probing…' : checkedAt ? `Last checked ${new Date(checkedAt).toLocaleTimeString()}` : 'Not checked yet'}
      </span>
      {message ? <span className="text-red-700">{message}</span> : null}
    </div>
  );
}
