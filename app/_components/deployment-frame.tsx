import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { requireUser } from '@/lib/auth/session';
import { getRuntime } from '@/lib/runtime';
import { getDeployment, getStepStatuses, type Deployment } from '@/lib/store/repo';
import type { StepSlug } from '@/lib/steps/registry';
import { AppShell } from './app-shell';
import { Stepper } from './stepper';

/** Loads a deployment for a page (after the session check) or answers 404. */
export async function loadDeployment(id: string) {
  const user = await requireUser();
  const rt = await getRuntime();
  const deployment = getDeployment(rt.db, id);
  if (!deployment) notFound();
  return { user, rt, deployment, statuses: getStepStatuses(rt.db, id) };
}

export async function DeploymentFrame({
  id,
  current,
  children,
}: {
  id: string;
  current?: StepSlug;
  children: (d: Deployment) => ReactNode;
}) {
  const { user, deployment, statuses } = await loadDeployment(id);
  return (
    <AppShell user={user}>
      <div className="mb-4 text-sm text-slate-500">
        <Link href="/deployments" className="underline">
          Deployments
        </Link>{' '}
        / <Link href={`/deployments/${deployment.id}`} className="underline">{deployment.name}</Link>
      </div>
      <div className="grid grid-cols-1 gap-6 md:grid-cols-[20rem_1fr]">
        <aside className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
          <Link href={`/deployments/${deployment.id}`} className="mb-2 block px-2 text-sm font-semibold text-slate-800">
            Overview
          </Link>
          <Stepper deploymentId={deployment.id} statuses={statuses} current={current} />
          <Link href={`/deployments/${deployment.id}/inventory`} className="mt-3 block px-2 text-sm text-sky-700 underline">
            Edit inventory
          </Link>
        </aside>
        <div className="min-w-0">{children(deployment)}</div>
      </div>
    </AppShell>
  );
}
