import type { Check, CheckStatus } from '@/lib/engine/types';

const BADGE: Record<CheckStatus, string> = {
  pass: 'bg-emerald-100 text-emerald-800',
  warn: 'bg-amber-100 text-amber-800',
  fail: 'bg-red-100 text-red-800',
  unknown: 'bg-slate-200 text-slate-700',
};

/** Every check with what was actually read, and for a failure what it means and how to fix it. */
export function ChecksList({ checks }: { checks: readonly Check[] }) {
  if (checks.length === 0) return <p className="text-sm text-slate-500">Not checked yet.</p>;
  return (
    <ul className="divide-y divide-slate-100">
      {checks.map((c) => (
        <li key={`${c.target}/${c.id}`} className="py-2" data-testid={`check-${c.id}`} data-status={c.status}>
          <div className="flex items-start gap-3">
            <span className={`mt-0.5 w-14 shrink-0 rounded px-1.5 py-0.5 text-center text-xs font-semibold uppercase ${BADGE[c.status]}`}>{c.status}</span>
            <div className="min-w-0 flex-1">
              <p className="text-sm font-medium text-slate-800">
                {c.title} <span className="font-normal text-slate-500">· {c.target}</span>
              </p>
              <p className="break-words font-mono text-xs text-slate-600">{c.evidence}</p>
              {c.status !== 'pass' && c.remediation ? <p className="mt-1 text-xs text-slate-700">{c.remediation}</p> : null}
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}
