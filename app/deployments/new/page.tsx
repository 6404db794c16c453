import { requireUser } from '@/lib/auth/session';
import { emptyInventory } from '@/lib/inventory/schema';
import { AppShell } from '../../_components/app-shell';
import { InventoryForm } from '../_components/inventory-form';

export default async function NewDeploymentPage() {
  const user = await requireUser();
  return (
    <AppShell user={user}>
      <h1 className="mb-1 text-2xl font-semibold">New deployment</h1>
      <p className="mb-4 text-sm text-slate-600">
        Describe the cluster, the availability group and the Scale Out Master you are making highly available. Host names are checked as you leave each field.
      </p>
      <InventoryForm deploymentId={null} defaults={emptyInventory()} secretsSet={{ masterAccountPassword: false, winrmPassword: false, sqlPassword: false }} />
    </AppShell>
  );
}
