import Link from 'next/link';
import { requireUser } from '@/lib/auth/session';
import { getRuntime } from '@/lib/runtime';
import { listDeployments, getStepStatuses } from '@/lib/store/repo';
import { STEPS } from '@/lib/steps/registry';
import { AppShell } from '../_components/app-shell';
import { DeleteDeploymentButton } from './delete-button';

export default async function DeploymentsPage() {
  const user = await requireUser();
  const { db } = await getRuntime();
  const deployments = listDeployments(db);
  return (
    <AppShell user={user}>
      <div className="mb-4 flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Deployments</h1>
        <Link href="/deployments/new" className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800">
          New deployment
        </Link>
      </div>
      {deployments.length === 0 ? (
        <p className="text-slate-600">No deployment yet. Create one to describe your cluster, availability group and Scale Out Master.</p>
      ) : (
        <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
          <thead className="bg-slate-100 text-left text-slate-600">
            <tr>
              <th className="px-3 py-2">Name</th>
              <th className="px-3 py-2">Cluster</th>
              <th className="px-3 py-2">Master nodes</th>
              <th className="px-3 py-2">Steps verified</th>
              <th className="px-3 py-2"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {deployments.map((d) => {
              const verified = Object.values(getStepStatuses(db, d.id)).filter((s) => s === 'verified').length;
              return (
                <tr key={d.id} className="border-t border-slate-100">
                  <td className="px-3 py-2">
                    <Link href={`/deployments/${d.id}`} className="font-medium text-sky-700 underline">
                      {d.name}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{d.inventory.clusterName}</td>
                  <td className="px-3 py-2">{d.inventory.masters.map((m) => m.hostName).join(', ')}</td>
                  <td className="px-3 py-2">
                    {verified} of {STEPS.length}
                  </td>
                  <td className="px-3 py-2 text-right">
                    <DeleteDeploymentButton id={d.id} name={d.name} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </AppShell>
  );
}
