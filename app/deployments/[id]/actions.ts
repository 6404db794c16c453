'use server';

import { revalidatePath } from 'next/cache';
import { requireUser } from '@/lib/auth/session';
import { getRuntime } from '@/lib/runtime';
import { probeAllSteps } from '@/lib/steps/service';
import { audit, getDeployment } from '@/lib/store/repo';

export async function recheckAllAction(deploymentId: string): Promise<{ ok: boolean; message: string }> {
  const user = await requireUser();
  const rt = await getRuntime();
  if (!getDeployment(rt.db, deploymentId)) return { ok: false, message: 'This deployment no longer exists.' };
  const started = Date.now();
  const results = await probeAllSteps(rt, deploymentId);
  audit(rt.db, { actor: user.username, action: 'probe:all', target: `deployment/${deploymentId}`, result: 'ok' });
  revalidatePath(`/deployments/${deploymentId}`, 'layout');
  const failing = results.reduce((n, r) => n + r.failing, 0);
  const errors = results.filter((r) => r.error).map((r) => `${r.slug}: ${r.error}`);
  return {
    ok: errors.length === 0,
    message: `Checked ${results.length} steps in ${((Date.now() - started) / 1000).toFixed(1)} s: ${failing} check(s) failing or unknown.${errors.length ? ` ${errors.join('; ')}` : ''}`,
  };
}
