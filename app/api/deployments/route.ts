import { getCurrentUser } from '@/lib/auth/session';
import { getRuntime } from '@/lib/runtime';
import { listDeployments, getStepStatuses } from '@/lib/store/repo';

export async function GET(): Promise<Response> {
  if (!(await getCurrentUser())) return Response.json({ error: 'Sign in first' }, { status: 401 });
  const { db } = await getRuntime();
  // The stored inventory holds no secret (they live encrypted in their own table).
  return Response.json(listDeployments(db).map((d) => ({ ...d, steps: getStepStatuses(db, d.id) })));
}
