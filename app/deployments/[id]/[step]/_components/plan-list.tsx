import type { Operation } from '@/lib/engine/types';

const RISK: Record<Operation['risk'], string> = {
  low: 'bg-slate-100 text-slate-700',
  medium: 'bg-amber-100 text-amber-800',
  high: 'bg-red-100 text-red-800',
};

/** The operations that would make the failing checks pass, grouped by node, with the exact script. */
export function PlanList({ operations }: { operations: readonly Operation[] }) {
  if (operations.length === 0) return <p className="text-sm text-emerald-700">Nothing to do: every check passes.</p>;
  const byTarget = new Map<string, Operation[]>();
  for (const op of operations) byTarget.set(op.target, [...(byTarget.get(op.target) ?? []), op]);
  return (
    <div className="flex flex-col gap-4">
      {[...byTarget].map(([target, ops]) => (
        <section key={target} aria-label={`Plan for ${target}`}>
          <h3 className="mb-2 text-sm font-semibold text-slate-700">{target}</h3>
          <ol className="flex flex-col gap-2">
            {ops.map((op) => (
              <li key={op.id} className="rounded-md border border-slate-200">
                <div className="flex items-center gap-2 border-b border-slate-100 px-3 py-1.5 text-sm">
                  <span className="font-medium">{op.summary}</span>
                  <span className="text-xs text-slate-500">{op.kind === 'manual' ? 'manual: you run it' : op.kind}</span>
                  <span className={`ml-auto rounded px-1.5 py-0.5 text-xs ${RISK[op.risk]}`}>{op.risk} risk</span>
                </div>
                {op.diff ? <pre className="overflow-x-auto bg-slate-50 p-3 text-xs">{op.diff}</pre> : null}
                {op.script ? <pre className="overflow-x-auto whitespace-pre-wrap break-words bg-slate-900 p-3 text-xs text-slate-100">{op.script}</pre> : null}
              </li>
            ))}
          </ol>
        </section>
      ))}
    </div>
  );
}
