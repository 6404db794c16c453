import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Card } from '@/components/ui/card';
import { getStep, isStepSlug, nextStep, prevStep, STEP_STATUS_LABELS, stepIndex } from '@/lib/steps/registry';
import { getStepView } from '@/lib/steps/service';
import { DeploymentFrame, loadDeployment } from '../../../_components/deployment-frame';
import { DMK_SECRET } from '@/lib/steps/always-on';
import { secretNamesSet } from '@/lib/store/repo';
import { applyStepAction, cancelJobAction, recheckStepAction, saveDmkPasswordAction } from './actions';
import { ApplyPanel } from './_components/apply-panel';
import { ChecksList } from './_components/checks-panel';
import { DmkPasswordForm } from './_components/dmk-password';
import { PlanList } from './_components/plan-list';
import { Recheck } from './_components/recheck';

export default async function StepPage({ params }: { params: Promise<{ id: string; step: string }> }) {
  const { id, step: slug } = await params;
  if (!isStepSlug(slug)) notFound();
  const { statuses, rt } = await loadDeployment(id);
  const step = getStep(slug);
  const prev = prevStep(slug);
  const next = nextStep(slug);
  const view = getStepView(rt, id, slug);
  return (
    <DeploymentFrame id={id} current={slug}>
      {() => (
        <div className="flex flex-col gap-4">
          <div>
            <p className="text-sm text-slate-500">
              Step {stepIndex(slug) + 1} · <span data-testid="step-status">{STEP_STATUS_LABELS[statuses[slug]]}</span>
            </p>
            <h1 className="text-2xl font-semibold">{step.title}</h1>
            <p className="mt-2 max-w-3xl text-slate-700">{step.summary}</p>
          </div>
          <Card title="Checks">
            {view.implemented ? (
              <div className="flex flex-col gap-3">
                <Recheck recheck={recheckStepAction.bind(null, id, slug)} checkedAt={view.checkedAt} />
                <ChecksList checks={view.checks} />
              </div>
            ) : (
              <p className="text-sm text-slate-500">Live checks for this step are not built yet.</p>
            )}
          </Card>
          <Card title="Plan">
            {view.implemented ? (
              <div className="flex flex-col gap-3">
                {slug === 'always-on' ? <DmkPasswordForm save={saveDmkPasswordAction.bind(null, id)} isSet={secretNamesSet(rt.db, id).has(DMK_SECRET)} /> : null}
                {view.checks.length ? <PlanList operations={view.plan} /> : <p className="text-sm text-slate-500">The plan follows from the checks.</p>}
              </div>
            ) : (
              <p className="text-sm text-slate-500">The exact T-SQL and PowerShell for each node will be listed here before anything runs.</p>
            )}
          </Card>
          <Card title="Apply">
            {view.implemented ? (
              <ApplyPanel
                operations={view.plan}
                initialJob={view.job}
                start={applyStepAction.bind(null, id, slug)}
                cancel={cancelJobAction}
              />
            ) : (
              <p className="text-sm text-slate-500">Applying the plan, with live progress per node, will happen here after your confirmation.</p>
            )}
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
