'use server';

import { revalidatePath } from 'next/cache';
import { requireUser } from '@/lib/auth/session';
import { getRuntime } from '@/lib/runtime';
import { probeDrillNow, startDrill } from '@/lib/drill/service';
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

export async function startDrillAction(deploymentId: string, confirmations: string[], timeoutS: number): Promise<{ ok: true; jobId: string } | { ok: false; message: string }> {
  const user = await requireUser();
  const rt = await getRuntime();
  if (!Array.isArray(confirmations) || confirmations.some((c) => typeof c !== 'string')) return { ok: false, message: 'Bad confirmation.' };
  const r = startDrill(rt, deploymentId, user.username, confirmations, Number(timeoutS));
  revalidatePath(`/deployments/${deploymentId}`);
  return r;
}

export async function recheckDrillAction(deploymentId: string): Promise<{ ok: boolean; message: string }> {
  const user = await requireUser();
  const rt = await getRuntime();
  if (!getDeployment(rt.db, deploymentId)) return { ok: false, message: 'This deployment no longer exists.' };
  const checks = await probeDrillNow(rt, deploymentId);
  audit(rt.db, { actor: user.username, action: 'probe:drill', target: `deployment/${deploymentId}`, result: 'ok' });
  revalidatePath(`/deployments/${deploymentId}`);
  const failing = checks.filter((c) => c.status === 'fail' || c.status === 'unknown').length;
  return { ok: failing === 0, message: failing ? `${failing} check(s) failing or unknown.` : 'Every part of the chain works.' };
}
