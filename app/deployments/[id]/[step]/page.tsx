import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Card } from '@/components/ui/card';
import { getStep, isStepSlug, nextStep, prevStep, STEP_STATUS_LABELS, stepIndex } from '@/lib/steps/registry';
import { DeploymentFrame, loadDeployment } from '../../../_components/deployment-frame';

export default async function StepPage({ params }: { params: Promise<{ id: string; step: string }> }) {
  const { id, step: slug } = await params;
  if (!isStepSlug(slug)) notFound();
  const { statuses } = await loadDeployment(id);
  const step = getStep(slug);
  const prev = prevStep(slug);
  const next = nextStep(slug);
  return (
    <DeploymentFrame id={id} current={slug}>
      {() => (
        <div className="flex flex-col gap-4">
          <div>
            <p className="text-sm text-slate-500">
              Step {stepIndex(slug) + 1} · {STEP_STATUS_LABELS[statuses[slug]]}
            </p>
            <h1 className="text-2xl font-semibold">{step.title}</h1>
            <p className="mt-2 max-w-3xl text-slate-700">{step.summary}</p>
          </div>
          <Card title="Checks">
            <p className="text-sm text-slate-500">Not checked yet. Live checks of every node arrive with the step engine.</p>
          </Card>
          <Card title="Plan">
            <p className="text-sm text-slate-500">The exact T-SQL and PowerShell for each node will be listed here before anything runs.</p>
          </Card>
          <Card title="Apply">
            <p className="text-sm text-slate-500">Applying the plan, with live progress per node, will happen here after your confirmation.</p>
          </Card>
          <div className="flex justify-between text-sm">
            {prev ? <Link className="text-sky-700 underline" href={`/deployments/${id}/${prev.slug}`}>← {prev.title}</Link> : <span />}
            {next ? <Link className="text-sky-700 underline" href={`/deployments/${id}/${next.slug}`}>{next.title} →</Link> : <span />}
          </div>
        </div>
      )}
    </DeploymentFrame>
  );
}
