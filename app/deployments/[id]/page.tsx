import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { serviceNames, splitList, WINRM_TRANSPORTS } from '@/lib/inventory/schema';
import { STEPS, STEP_STATUS_LABELS } from '@/lib/steps/registry';
import { DeploymentFrame, loadDeployment } from '../../_components/deployment-frame';
import { RecheckAll } from '../_components/recheck-all';
import { recheckAllAction, recheckDrillAction, startDrillAction } from './actions';
import { DrillPanel } from './_components/drill-panel';
import { cancelJobAction } from './[step]/actions';
import { getRuntime } from '@/lib/runtime';
import { DRILL_TIMEOUT_RANGE, getDrillView } from '@/lib/drill/service';

export default async function DeploymentOverviewPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { statuses } = await loadDeployment(id);
  const drill = getDrillView(await getRuntime(), id);
  return (
    <DeploymentFrame id={id}>
      {({ inventory: inv, name }) => {
        const svc = serviceNames(inv.sqlVersion);
        return (
          <div className="flex flex-col gap-4">
            <h1 className="text-2xl font-semibold">{name}</h1>
            <Link href={`/deployments/${id}/runbook`} className="text-sm text-sky-700 underline">
              Runbook and exports
            </Link>
            <Card title="Topology">
              <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm md:grid-cols-2">
                <Item term="Cluster">{inv.clusterName}</Item>
                <Item term="SQL Server">{inv.sqlVersion} (folder {svc.folder}; services {svc.master}, {svc.worker})</Item>
                <Item term="Master nodes">
                  {inv.masters.map((m, i) => `${m.hostName}${m.sqlInstance !== 'MSSQLSERVER' ? `\\${m.sqlInstance}` : ''}${i === 0 ? ' (primary)' : ''}`).join(', ')}
                </Item>
                <Item term="Availability group">{inv.agName}, listener {inv.listenerName},{inv.listenerPort} ({splitList(inv.listenerIps).join(', ')})</Item>
                <Item term="Master endpoint">https://{inv.masterDnsName}:{inv.masterPort} ({inv.masterIp})</Item>
                <Item term="Master service account">{inv.masterAccount}</Item>
                <Item term="Workers">{inv.workers.length ? inv.workers.map((w) => w.hostName).join(', ') : 'none yet'}</Item>
                <Item term="WinRM">{WINRM_TRANSPORTS[inv.winrmTransport].label}</Item>
              </dl>
            </Card>
            <Card title="Steps">
              <RecheckAll recheck={recheckAllAction.bind(null, id)} />
              <ol className="divide-y divide-slate-100 text-sm">
                {STEPS.map((s, i) => (
                  <li key={s.slug} className="flex items-center justify-between py-2">
                    <Link href={`/deployments/${id}/${s.slug}`} className="text-sky-700 underline">
                      {i + 1}. {s.title}
                    </Link>
                    <span className="text-slate-600">{STEP_STATUS_LABELS[statuses[s.slug]]}</span>
                  </li>
                ))}
              </ol>
            </Card>
            {drill ? (
              <Card title="Failover drill">
                <DrillPanel
                  plan={drill.plan}
                  checks={drill.checks}
                  checkedAt={drill.checkedAt}
                  job={drill.job}
                  start={startDrillAction.bind(null, id)}
                  recheck={recheckDrillAction.bind(null, id)}
                  cancel={cancelJobAction}
                  defaultTimeout={DRILL_TIMEOUT_RANGE.default}
                />
              </Card>
            ) : null}
          </div>
        );
      }}
    </DeploymentFrame>
  );
}

function Item({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-slate-500">{term}</dt>
      <dd className="font-medium text-slate-800">{children}</dd>
    </div>
  );
}
