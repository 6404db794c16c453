'use server';

import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { requireUser } from '@/lib/auth/session';
import { getRuntime } from '@/lib/runtime';
import { saveDeployment } from '@/lib/deployments';
import { inventorySchema } from '@/lib/inventory/schema';
import { fromZodError, type ActionState } from '@/lib/forms/action-state';
import { audit, deleteDeployment, getDeployment } from '@/lib/store/repo';

/** Create (id null) or update a deployment's inventory. The schema here is the authority. */
export async function saveInventoryAction(id: string | null, input: unknown): Promise<ActionState> {
  const user = await requireUser();
  const parsed = inventorySchema.safeParse(input);
  if (!parsed.success) return fromZodError(parsed.error, 'Nothing was saved: some fields need attention.');
  const rt = await getRuntime();
  if (id !== null && !getDeployment(rt.db, id)) return { status: 'error', message: 'This deployment no longer exists.' };
  const deployment = saveDeployment(rt, id, parsed.data);
  audit(rt.db, {
    actor: user.username,
    action: id === null ? 'deployment.create' : 'deployment.update',
    target: `deployment/${deployment.id}`,
    result: 'ok',
  });
  revalidatePath('/deployments');
  redirect(`/deployments/${deployment.id}`);
}

export async function deleteDeploymentAction(id: string): Promise<ActionState> {
  const user = await requireUser();
  const rt = await getRuntime();
  const removed = deleteDeployment(rt.db, id);
  audit(rt.db, { actor: user.username, action: 'deployment.delete', target: `deployment/${id}`, result: removed ? 'ok' : 'not-found' });
  revalidatePath('/deployments');
  return removed ? { status: 'ok', message: 'Deleted.' } : { status: 'error', message: 'This deployment no longer exists.' };
}
