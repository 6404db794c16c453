'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';
import type { Check, Operation } from '@/lib/engine/types';
import { ApplyPanel, type JobView } from '../[step]/_components/apply-panel';
import { ChecksList } from '../[step]/_components/checks-panel';

type Start = (confirmations: string[], timeoutS: number) => Promise<{ ok: true; jobId: string } | { ok: false; message: string }>;

/**
 * The failover drill on the overview: the chain's checks now, how long to wait for recovery
 * after each move, and the three moves run as a job with live progress.
 */
export function DrillPanel({
  plan,
  checks,
  checkedAt,
  job,
  start,
  recheck,
  cancel,
  defaultTimeout,
}: {
  plan: Operation[];
  checks: Check[];
  checkedAt: string | null;
  job: JobView | null;
  start: Start;
  recheck: () => Promise<{ ok: boolean; message: string }>;
  cancel: (jobId: string) => Promise<void>;
  defaultTimeout: number;
}) {
  const router = useRouter();
  const [timeoutS, setTimeoutS] = useState(String(defaultTimeout));
  const [message, setMessage] = useState('');
  const [pending, startTransition] = useTransition();
  return (
    <div className="flex flex-col gap-3 text-sm">
      <p className="text-slate-600">
        Moves the master&apos;s cluster role to another node, fails the availability group over, then both together. After each move it waits until the
        master endpoint serves the shared certificate, the master heartbeat advances, every worker is online again and the logging login signs in
        through the listener, and reports how long each took. Run it in a maintenance window.
      </p>
      <div className="flex items-center gap-3">
        <Button
          type="button"
          variant="secondary"
          disabled={pending}
          onClick={() =>
            startTransition(async () => {
              const r = await recheck();
              setMessage(r.message);
              router.refresh();
            })
          }
        >
          {pending ? 'Checking…' : 'Check the chain now'}
        </Button>
        <span className="text-slate-500" role="status">
          {message || (checkedAt ? `Checked ${new Date(checkedAt).toLocaleString()}` : 'Not checked yet')}
        </span>
      </div>
      <ChecksList checks={checks} />
      <label className="flex items-center gap-2">
        <span className="text-slate-700">Wait for recovery after each move (seconds)</span>
        <input className={`${inputClass} w-24`} inputMode="numeric" value={timeoutS} onChange={(e) => setTimeoutS(e.target.value)} aria-label="Wait for recovery (seconds)" />
      </label>
      <ApplyPanel operations={plan} initialJob={job} start={(c) => start(c, Number(timeoutS))} cancel={cancel} />
    </div>
  );
}
