import { secretsSet } from '@/lib/deployments';
import { DeploymentFrame, loadDeployment } from '../../../_components/deployment-frame';
import { InventoryForm } from '../../_components/inventory-form';

export default async function EditInventoryPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { rt } = await loadDeployment(id);
  const set = secretsSet(rt, id);
  return (
    <DeploymentFrame id={id}>
      {(d) => (
        <>
          <h1 className="mb-4 text-2xl font-semibold">Inventory</h1>
          {/* Secret fields start empty: the browser never receives a stored secret. */}
          <InventoryForm
            deploymentId={d.id}
            defaults={{ ...d.inventory, masterAccountPassword: '', winrmPassword: '', sqlPassword: '' }}
            secretsSet={set}
          />
        </>
      )}
    </DeploymentFrame>
  );
}
