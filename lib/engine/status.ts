import type { StepStatus } from '@/lib/steps/registry';
import type { Check, Operation } from './types';

/** A step is verified when no check fails; otherwise ready when the wizard can fix it, else failing. */
export function stepStatusFrom(checks: readonly Check[], plan: readonly Operation[]): StepStatus {
  if (checks.length > 0 && checks.every((c) => c.status === 'pass' || c.status === 'warn')) return 'verified';
  return plan.some((op) => op.kind !== 'manual') ? 'ready' : 'failing';
}

/** Replaces every secret value in a text; used on everything a job logs or stores. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const s of [...secrets].filter((x) => x.length > 0).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join('********');
  }
  return out;
}
