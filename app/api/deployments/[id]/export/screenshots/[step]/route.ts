import fs from 'node:fs';
import { getCurrentUser } from '@/lib/auth/session';
import { screenshotPath } from '@/lib/runbook/storage';
import { getRuntime } from '@/lib/runtime';
import { isStepSlug } from '@/lib/steps/registry';
import { getDeployment } from '@/lib/store/repo';

export const dynamic = 'force-dynamic';

/** A step's screenshot, as the runbook page and its PDF show it. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string; step: string }> }): Promise<Response> {
  if (!(await getCurrentUser())) return Response.json({ error: 'Sign in first' }, { status: 401 });
  const { id, step } = await params;
  const rt = await getRuntime();
  if (!getDeployment(rt.db, id) || !isStepSlug(step)) return Response.json({ error: 'No such deployment or step' }, { status: 404 });
  const file = screenshotPath(rt, id, step);
  if (!fs.existsSync(file)) return Response.json({ error: 'No screenshot of this step yet' }, { status: 404 });
  return new Response(new Uint8Array(fs.readFileSync(file)), { headers: { 'content-type': 'image/png', 'cache-control': 'private, no-cache' } });
}
