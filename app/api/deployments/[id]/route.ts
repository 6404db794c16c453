import { getCurrentUser } from '@/lib/auth/session';
import { secretsSet } from '@/lib/deployments';
import { getRuntime } from '@/lib/runtime';
import { getDeployment, getStepStatuses } from '@/lib/store/repo';

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  if (!(await getCurrentUser())) return Response.json({ error: 'Sign in first' }, { status: 401 });
  const { id } = await params;
  const rt = await getRuntime();
  const d = getDeployment(rt.db, id);
  if (!d) return Response.json({ error: 'No such deployment' }, { status: 404 });
  return Response.json({ ...d, steps: getStepStatuses(rt.db, id), secretsSet: secretsSet(rt, id) });
}
