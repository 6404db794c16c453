import Link from 'next/link';
import { STEPS, STEP_STATUS_LABELS, type StepSlug, type StepStatus } from '@/lib/steps/registry';

const DOT: Record<StepStatus, string> = {
  'not-checked': 'bg-slate-300',
  failing: 'bg-red-600',
  ready: 'bg-amber-500',
  applied: 'bg-sky-600',
  verified: 'bg-emerald-600',
};

/** The nine steps in the document's order, each with its status; read from the step registry. */
export function Stepper({
  deploymentId,
  statuses,
  current,
}: {
  deploymentId: string;
  statuses: Record<StepSlug, StepStatus>;
  current?: StepSlug;
}) {
  return (
    <nav aria-label="Steps">
      <ol className="flex flex-col gap-1">
        {STEPS.map((step, i) => {
          const status = statuses[step.slug];
          const isCurrent = step.slug === current;
          return (
            <li key={step.slug}>
              <Link
                href={`/deployments/${deploymentId}/${step.slug}`}
                aria-current={isCurrent ? 'step' : undefined}
                className={`flex items-center gap-2 rounded-md px-2 py-1.5 text-sm ${isCurrent ? 'bg-sky-50 font-semibold text-sky-900' : 'text-slate-700 hover:bg-slate-100'}`}
              >
                <span className={`h-2.5 w-2.5 shrink-0 rounded-full ${DOT[status]}`} aria-hidden />
                <span className="flex-1">
                  {i + 1}. {step.title}
                </span>
                <span className="text-xs text-slate-500" data-testid={`status-${step.slug}`}>
                  {STEP_STATUS_LABELS[status]}
                </span>
              </Link>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
