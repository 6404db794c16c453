import type { ReactNode } from 'react';
import { Card } from '@/components/ui/card';
import { beforeAfterRows } from '@/lib/runbook/history';
import { formatDuration, loadRunbook, type Runbook, type RunbookStep } from '@/lib/runbook/model';
import { STEP_STATUS_LABELS } from '@/lib/steps/registry';
import { DeploymentFrame, loadDeployment } from '../../../_components/deployment-frame';
import { captureStepAction } from './actions';
import { CaptureButton } from './_components/capture-button';
import { ExportButtons } from './_components/export-buttons';

export const dynamic = 'force-dynamic';

/** What was done, step by step, from the records; ?print=1 is the page Chromium prints as the PDF. */
export default async function RunbookPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ print?: string }> }) {
  const { id } = await params;
  const print = (await searchParams).print === '1';
  const { rt } = await loadDeployment(id);
  const rb = loadRunbook(rt, id);
  const body = <RunbookBody rb={rb} print={print} />;
  if (print) return <main className="mx-auto max-w-5xl bg-white p-2 text-slate-900">{body}</main>;
  return <DeploymentFrame id={id}>{() => body}</DeploymentFrame>;
}

function RunbookBody({ rb, print }: { rb: Runbook; print: boolean }) {
  const inv = rb.deployment.inventory;
  const id = rb.deployment.id;
  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 className="text-2xl font-semibold">Runbook: {rb.deployment.name}</h1>
        <p className="mt-1 text-sm text-slate-600">
          Generated {rb.generatedAt} from the wizard&apos;s records. Secrets are masked as ********.
        </p>
        <p className="mt-1 text-sm text-slate-600">
          Cluster {inv.clusterName}; master nodes {inv.masters.map((m) => m.hostName).join(', ')}; availability group {inv.agName}, listener {inv.listenerName},{inv.listenerPort}; master
          endpoint https://{inv.masterDnsName}:{inv.masterPort}; workers {inv.workers.map((w) => w.hostName).join(', ') || 'none'}.
        </p>
      </div>
      {print ? null : (
        <Card title="Export">
          <ExportButtons deploymentId={id} />
        </Card>
      )}
      <Card title="Versions">
        {rb.versions.length ? (
          <Table head={['Node or instance', 'What', 'As read']} rows={rb.versions.map((v) => [v.target, v.what, v.evidence])} />
        ) : (
          <p className="text-sm text-slate-500">No probe has read a version yet.</p>
        )}
      </Card>
      {rb.steps.map((s) => (
        <StepSection key={s.slug} step={s} deploymentId={id} print={print} />
      ))}
      <Card title="Failover drill">
        {rb.drill.jobs.length ? (
          <div className="flex flex-col gap-4">
            {rb.drill.jobs.map((j) => (
              <div key={j.id} className="flex flex-col gap-2">
                <p className="text-sm text-slate-700">
                  Run by {j.actor} at {j.startedAt ?? j.createdAt}: <strong>{j.status}</strong>
                  {j.message ? ` (${j.message})` : ''}
                </p>
                <Table head={['Move', 'Status', 'Duration', 'Result']} rows={j.operations.map((o) => [o.op.summary, o.status, formatDuration(o.durationMs), o.result ?? ''])} />
              </div>
            ))}
          </div>
        ) : (
          <p className="text-sm text-slate-500">The failover drill has not been run.</p>
        )}
      </Card>
    </div>
  );
}

function StepSection({ step: s, deploymentId, print }: { step: RunbookStep; deploymentId: string; print: boolean }) {
  return (
    <section aria-label={`Step ${s.number}: ${s.title}`} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm print:break-before-page print:border-0 print:shadow-none">
      <h2 className="text-xl font-semibold">
        Step {s.number}: {s.title}
      </h2>
      <p className="mt-1 text-sm text-slate-700">{s.summary}</p>
      <p className="mt-2 text-sm">
        Status: <strong data-testid={`runbook-status-${s.slug}`}>{STEP_STATUS_LABELS[s.status]}</strong>
        {s.live ? null : <span className="text-slate-500"> (this step is not live in the wizard yet)</span>}
      </p>

      <div className="mt-3 flex flex-col gap-2">
        {s.screenshot ? (
          <figure>
            {/* eslint-disable-next-line @next/next/no-img-element -- a private, session-checked image */}
            <img
              src={`/api/deployments/${deploymentId}/export/screenshots/${s.slug}?v=${encodeURIComponent(s.screenshot.capturedAt)}`}
              alt={`Step ${s.number}: ${s.title}, as the wizard showed it`}
              className="max-h-[28rem] w-auto rounded border border-slate-200 object-contain object-top print:max-h-[20cm]"
            />
            <figcaption className="text-xs text-slate-500">
              Taken {s.screenshot.capturedAt} ({s.screenshot.reason}), step {STEP_STATUS_LABELS[s.screenshot.status].toLowerCase()} then.
            </figcaption>
          </figure>
        ) : (
          <p className="text-sm text-slate-500">No screenshot of this step yet.</p>
        )}
        {print ? null : <CaptureButton capture={captureStepAction.bind(null, deploymentId, s.slug)} label={`Take screenshot of step ${s.number}`} />}
      </div>

      <Sub title="Checks">
        {s.checks.length ? (
          <>
            <p className="mb-1 text-xs text-slate-500">Read from the nodes at {s.checkedAt}.</p>
            <Table head={['Check', 'Target', 'Status', 'Evidence']} rows={s.checks.map((c) => [c.title, c.target, c.status, c.evidence])} />
          </>
        ) : (
          <p className="text-sm text-slate-500">{s.live ? 'Not checked yet.' : 'No live checks for this step yet.'}</p>
        )}
      </Sub>

      <Sub title="Operations applied">
        {s.jobs.length ? null : <p className="text-sm text-slate-500">None: the wizard applied nothing for this step.</p>}
        {s.jobs.map((job) => (
          <div key={job.id} className="mb-3">
            <p className="text-sm">
              Job <code>{job.id.slice(0, 8)}</code> <strong>{job.status}</strong>: applied by <strong>{job.actor}</strong>, started {job.startedAt ?? job.createdAt}, finished{' '}
              {job.finishedAt ?? '—'} ({formatDuration(job.durationMs)}). {job.message}
            </p>
            <BeforeAfter job={job} />
            <ol className="mt-1 flex flex-col gap-2">
              {job.operations.map((o) => (
                <li key={o.index} className="text-sm">
                  <p>
                    {o.index + 1}. <strong>{o.op.summary}</strong> on {o.op.target} ({o.op.kind}, risk {o.op.risk}): {o.status}, {formatDuration(o.durationMs)}
                    {o.startedAt ? `, started ${o.startedAt}` : ''}.
                  </p>
                  <Code text={o.op.script} />
                  {o.op.diff ? <Code text={o.op.diff} /> : null}
                  {o.result ? <p className="text-slate-700">Result: {o.result}</p> : null}
                </li>
              ))}
            </ol>
          </div>
        ))}
      </Sub>

      {s.openPlan.length ? (
        <Sub title="Still planned">
          <ul className="flex flex-col gap-2">
            {s.openPlan.map((op) => (
              <li key={op.id} className="text-sm">
                <p>
                  <strong>{op.summary}</strong> on {op.target} ({op.kind === 'manual' ? 'manual: the DBA does it' : op.kind}, risk {op.risk})
                </p>
                <Code text={op.script} />
              </li>
            ))}
          </ul>
        </Sub>
      ) : null}
    </section>
  );
}

function BeforeAfter({ job }: { job: RunbookStep['jobs'][number] }) {
  const rows = beforeAfterRows(job.checksBefore, job.checksAfter);
  if (!rows.length) return null;
  return (
    <div className="mt-2">
      <p className="mb-1 text-xs text-slate-500">
        Checks before ({job.checksBefore?.at}) and after ({job.checksAfter?.at ?? '—'}):
      </p>
      <Table head={['Check', 'Target', 'Before', 'Evidence before', 'After', 'Evidence after']} rows={rows.map((r) => [r.title, r.target, r.before, r.beforeEvidence, r.after, r.afterEvidence])} />
    </div>
  );
}

function Sub({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="mt-4">
      <h3 className="mb-1 text-base font-semibold text-slate-800">{title}</h3>
      {children}
    </div>
  );
}

function Code({ text }: { text: string }) {
  return <pre className="mt-1 overflow-x-auto rounded bg-slate-50 p-2 text-xs whitespace-pre-wrap break-all text-slate-800 print:overflow-visible">{text}</pre>;
}

function Table({ head, rows }: { head: string[]; rows: string[][] }) {
  return (
    <table className="w-full border-collapse text-left text-xs">
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} className="border-b border-slate-300 py-1 pr-2 font-semibold">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i} className="break-inside-avoid align-top">
            {r.map((c, j) => (
              <td key={j} className="border-b border-slate-100 py-1 pr-2 break-words whitespace-pre-wrap">
                {c}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
