'use server';

import { revalidatePath } from 'next/cache';
import { requireUser } from '@/lib/auth/session';
import { captureSteps, selfOrigin } from '@/lib/runbook/chromium';
import { getRuntime } from '@/lib/runtime';
import { isStepSlug } from '@/lib/steps/registry';
import { getDeployment } from '@/lib/store/repo';

export type CaptureResult = { ok: true } | { ok: false; message: string };

/** Takes a step's screenshot now, with the server's own Chromium. */
export async function captureStepAction(deploymentId: string, slug: string): Promise<CaptureResult> {
  const user = await requireUser();
  if (!isStepSlug(slug)) return { ok: false, message: 'Unknown step.' };
  const rt = await getRuntime();
  if (!getDeployment(rt.db, deploymentId)) return { ok: false, message: 'This deployment no longer exists.' };
  const origin = selfOrigin();
  try {
    await captureSteps(rt, { deploymentId, slugs: [slug], actor: user.username, origin, reason: 'on-demand' });
  } catch (e) {
    return { ok: false, message: `The screenshot could not be taken: ${e instanceof Error ? e.message : String(e)}` };
  }
  revalidatePath(`/deployments/${deploymentId}/runbook`);
  return { ok: true };
}
