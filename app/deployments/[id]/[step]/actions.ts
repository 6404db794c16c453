'use server';

import { revalidatePath } from 'next/cache';
import { requireUser } from '@/lib/auth/session';
import { cancelJob } from '@/lib/engine/runner';
import { getJob } from '@/lib/engine/jobs';
import { getRuntime } from '@/lib/runtime';
import { isStepSlug } from '@/lib/steps/registry';
import { probeStep, startStepApply, type StartApplyResult } from '@/lib/steps/service';
import { saveDmkPassword } from '@/lib/steps/always-on';
import { audit, getDeployment } from '@/lib/store/repo';

export type RecheckResult = { ok: true } | { ok: false; message: string };

export async function recheckStepAction(deploymentId: string, slug: string): Promise<RecheckResult> {
  const user = await requireUser();
  if (!isStepSlug(slug)) return { ok: false, message: 'Unknown step.' };
  const rt = await getRuntime();
  if (!getDeployment(rt.db, deploymentId)) return { ok: false, message: 'This deployment no longer exists.' };
  await probeStep(rt, deploymentId, slug);
  audit(rt.db, { actor: user.username, action: `probe:${slug}`, target: `deployment/${deploymentId}`, result: 'ok' });
  revalidatePath(`/deployments/${deploymentId}`, 'layout');
  return { ok: true };
}

export async function applyStepAction(deploymentId: string, slug: string, confirmations: string[]): Promise<StartApplyResult> {
  const user = await requireUser();
  if (!isStepSlug(slug)) return { ok: false, message: 'Unknown step.' };
  const rt = await getRuntime();
  if (!getDeployment(rt.db, deploymentId)) return { ok: false, message: 'This deployment no longer exists.' };
  if (!Array.isArray(confirmations) || confirmations.some((c) => typeof c !== 'string')) return { ok: false, message: 'Bad confirmation.' };
  return startStepApply(rt, deploymentId, slug, user.username, confirmations);
}

export async function cancelJobAction(jobId: string): Promise<void> {
  const user = await requireUser();
  const rt = await getRuntime();
  const job = getJob(rt.db, jobId);
  if (!job) return;
  cancelJob(jobId);
  audit(rt.db, { actor: user.username, action: `cancel:${job.step}`, target: `deployment/${job.deploymentId}`, result: 'requested' });
}

export type SaveSecretResult = { ok: true } | { ok: false; message: string };

/** Stores the SSISDB master key password (encrypted, never shown again) and checks step 4 again. */
export async function saveDmkPasswordAction(deploymentId: string, password: string): Promise<SaveSecretResult> {
  const user = await requireUser();
  const rt = await getRuntime();
  if (!getDeployment(rt.db, deploymentId)) return { ok: false, message: 'This deployment no longer exists.' };
  if (typeof password !== 'string' || password.length === 0) return { ok: false, message: 'SSISDB master key password: type the password.' };
  // sp_control_dbmasterkey_password takes the password as nvarchar(128).
  if (password.length > 128) return { ok: false, message: 'SSISDB master key password: at most 128 characters.' };
  saveDmkPassword(rt, deploymentId, password);
  audit(rt.db, { actor: user.username, action: 'secret:ssisdbMasterKeyPassword', target: `deployment/${deploymentId}`, result: 'set' });
  await probeStep(rt, deploymentId, 'always-on');
  revalidatePath(`/deployments/${deploymentId}`, 'layout');
  return { ok: true };
}
