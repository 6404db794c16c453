'use client';

import { useEffect, useRef, useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';
import type { JobEvent, JobStatus, Operation, OperationStatus } from '@/lib/engine/types';

export type JobView = {
  id: string;
  status: JobStatus;
  message: string | null;
  operations: { summary: string; target: string; status: OperationStatus; result: string | null }[];
  log: Extract<JobEvent, { type: 'log' }>[];
  lastSeq: number;
};

type StartResult = { ok: true; jobId: string } | { ok: false; message: string };

/**
 * Runs the plan as a job after confirmation, then follows it live (server-sent events): a
 * progress bar, each operation's status per node, and the log. Closing the page does not stop
 * the job; reopening it shows where it is.
 */
export function ApplyPanel({
  operations,
  initialJob,
  start,
  cancel,
}: {
  operations: readonly Operation[];
  initialJob: JobView | null;
  start: (confirmations: string[]) => Promise<StartResult>;
  cancel: (jobId: string) => Promise<void>;
}) {
  const router = useRouter();
  const [job, setJob] = useState<JobView | null>(initialJob);
  const [message, setMessage] = useState('');
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [pending, startTransition] = useTransition();
  const dialog = useRef<HTMLDialogElement>(null);
  const risky = operations.filter((op) => op.confirmPhrase);
  const automatable = operations.filter((op) => op.kind !== 'manual');
  const confirmed = risky.every((op) => typed[op.id] === op.confirmPhrase);

  const jobId = job?.id;
  const running = job?.status === 'running';
  useEffect(() => {
    if (!jobId || !running) return;
    const source = new EventSource(`/api/jobs/${jobId}/events?after=${job?.lastSeq ?? 0}`);
    const onEvent = (ev: MessageEvent<string>) => {
      const e = JSON.parse(ev.data) as JobEvent;
      setJob((j) => (j ? applyEvent(j, e) : j));
      if (e.type === 'job') {
        source.close();
        router.refresh();
      }
    };
    for (const type of ['log', 'operation', 'job']) source.addEventListener(type, onEvent as EventListener);
    return () => source.close();
    // Re-subscribe only when another job starts; lastSeq is read once per subscription.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [jobId, running, router]);

  const done = job?.operations.filter((o) => o.status === 'done').length ?? 0;
  const total = job?.operations.length ?? 0;

  return (
    <div className="flex flex-col gap-3">
      {automatable.length > 0 && !running ? (
        <div>
          <Button onClick={() => dialog.current?.showModal()}>Apply {automatable.length} operation{automatable.length === 1 ? '' : 's'}</Button>
        </div>
      ) : null}
      {!job && automatable.length === 0 ? <p className="text-sm text-slate-500">Nothing for the wizard to run.</p> : null}
      {message ? <p role="alert" className="text-sm text-red-700">{message}</p> : null}

      {job ? (
        <div className="flex flex-col gap-2" aria-label="Job progress">
          <div className="flex items-center gap-3 text-sm">
            <span className="font-medium" data-testid="job-status">{statusLabel(job.status)}</span>
            <progress className="h-2 flex-1" max={total || 1} value={done} aria-label="Operations done" />
            <span className="text-slate-500">{done} of {total}</span>
            {running ? (
              <Button variant="secondary" onClick={() => void cancel(job.id)}>Cancel</Button>
            ) : null}
          </div>
          {job.message ? (
            <p
              role={job.status === 'failed' || job.status === 'interrupted' ? 'alert' : undefined}
              className={`text-sm ${job.status === 'failed' || job.status === 'interrupted' ? 'rounded border border-red-200 bg-red-50 p-2 text-red-800' : 'text-slate-700'}`}
              data-testid="job-message"
            >
              {job.message}
            </p>
          ) : null}
          {job.status === 'interrupted' ? (
            <p className="text-sm text-slate-700" data-testid="job-interrupted-hint">
              An interrupted operation may or may not have taken effect on its node, and the checks above were read before this job: re-check to read what every node holds now.
            </p>
          ) : null}
          <ol className="text-sm">
            {job.operations.map((o, i) => (
              <li key={i} className="flex flex-col" data-testid={`job-op-${i}`} data-status={o.status}>
                <div className="flex gap-2">
                  <span className={`w-20 shrink-0 ${o.status === 'failed' || o.status === 'interrupted' ? 'font-semibold text-red-700' : 'text-slate-500'}`}>{o.status}</span>
                  <span>{o.target}: {o.summary}</span>
                </div>
                {o.result && (o.status === 'failed' || o.status === 'done') ? (
                  <span className={`ml-22 text-xs ${o.status === 'failed' ? 'text-red-700' : 'text-slate-500'}`}>{o.result}</span>
                ) : null}
              </li>
            ))}
          </ol>
          <pre aria-label="Job log" className="max-h-64 overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100">
            {job.log.map((l) => `${l.at.slice(11, 19)} ${l.target.padEnd(10)} ${l.text}`).join('\n')}
          </pre>
        </div>
      ) : null}

      <dialog ref={dialog} aria-label="Confirm apply" className="m-auto max-w-2xl rounded-lg p-5 shadow-xl backdrop:bg-black/30">
        <h2 className="font-semibold">Apply these operations?</h2>
        <ol className="my-3 list-decimal pl-5 text-sm">
          {automatable.map((op) => (
            <li key={op.id}>
              {op.target}: {op.summary} <span className="text-slate-500">({op.risk} risk)</span>
            </li>
          ))}
        </ol>
        {risky.map((op) => (
          <label key={op.id} className="mb-2 flex flex-col gap-1 text-sm">
            <span>
              “{op.summary}” on {op.target} is risky. Type <code className="font-semibold">{op.confirmPhrase}</code> to confirm:
            </span>
            <input className={inputClass} value={typed[op.id] ?? ''} onChange={(e) => setTyped((t) => ({ ...t, [op.id]: e.target.value }))} />
          </label>
        ))}
        <div className="mt-4 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => dialog.current?.close()}>Cancel</Button>
          <Button
            disabled={!confirmed || pending}
            onClick={() =>
              startTransition(async () => {
                setMessage('');
                const r = await start(risky.map((op) => typed[op.id] ?? ''));
                dialog.current?.close();
                if (!r.ok) return setMessage(r.message);
                setJob({ id: r.jobId, status: 'running', message: null, operations: automatable.map((op) => ({ summary: op.summary, target: op.target, status: 'pending', result: null })), log: [], lastSeq: 0 });
              })
            }
          >
            {pending ? 'Starting…' : 'Apply'}
          </Button>
        </div>
      </dialog>
    </div>
  );
}

function applyEvent(j: JobView, e: JobEvent): JobView {
  if (e.seq <= j.lastSeq) return j;
  const next = { ...j, lastSeq: e.seq };
  if (e.type === 'log') return { ...next, log: [...j.log, e] };
  if (e.type === 'operation') {
    return { ...next, operations: j.operations.map((o, i) => (i === e.index ? { ...o, status: e.status, result: e.result ?? o.result } : o)) };
  }
  return { ...next, status: e.status, message: e.message ?? null };
}

function statusLabel(s: JobStatus): string {
  return { running: 'Running…', succeeded: 'Finished', failed: 'Failed', cancelled: 'Cancelled', interrupted: 'Interrupted' }[s];
}
