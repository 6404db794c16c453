// Builds the three exports, reporting each stage as it goes. Every export passes a last check
// before it leaves: none of the deployment's secret values may appear in any file of it.
import 'server-only';
import fs from 'node:fs';
import type { Runtime } from '@/lib/runtime';
import { createStepContext } from '@/lib/steps/context';
import { STEP_MODULES } from '@/lib/steps/modules';
import { STEPS, type StepSlug } from '@/lib/steps/registry';
import { audit } from '@/lib/store/repo';
import { buildBundle, type DriftInput } from './bundle';
import { captureSteps, printRunbookPdf } from './chromium';
import { baselineFrom } from './drift';
import { recordProbe } from './drift-record';
import { imageName, runbookMarkdown } from './markdown';
import { loadRunbook } from './model';
import { screenshotPath } from './storage';
import { writeZip, type ZipEntry } from './zip';

export type Progress = (stage: string) => void;
export type ExportRequest = { deploymentId: string; actor: string; origin: string; progress?: Progress };
type Rt = Pick<Runtime, 'db' | 'box' | 'env'>;

export class SecretInExportError extends Error {}

/** Refuses an export that holds a secret value (it would be a bug upstream; better no export). */
export function assertNoSecrets(files: readonly ZipEntry[], secrets: readonly string[]): void {
  for (const f of files) {
    const text = typeof f.data === 'string' ? f.data : f.data.toString('latin1');
    const utf8 = typeof f.data === 'string' ? f.data : f.data.toString('utf8');
    if (secrets.some((s) => s.length > 0 && (text.includes(s) || utf8.includes(s)))) {
      throw new SecretInExportError(`The export was stopped: ${f.name} would have contained a secret value.`);
    }
  }
}

const secretsOf = (rt: Rt, id: string) => createStepContext(rt, id).secretValues();

/** Takes the screenshots no step has yet (every step of the registry). */
export async function captureMissing(rt: Rt, req: ExportRequest): Promise<void> {
  const missing = STEPS.map((s) => s.slug).filter((slug) => !fs.existsSync(screenshotPath(rt, req.deploymentId, slug)));
  if (!missing.length) return;
  req.progress?.(`Taking ${missing.length} missing screenshot(s)`);
  await captureSteps(rt, { deploymentId: req.deploymentId, slugs: missing, actor: req.actor, origin: req.origin, reason: 'export', onProgress: req.progress });
}

export async function exportMarkdown(rt: Rt, req: ExportRequest): Promise<Buffer> {
  await captureMissing(rt, req);
  req.progress?.('Writing runbook.md');
  const rb = loadRunbook(rt, req.deploymentId);
  const files: ZipEntry[] = [{ name: 'runbook.md', data: runbookMarkdown(rb) }];
  for (const s of rb.steps) {
    if (s.screenshot) files.push({ name: imageName(s), data: fs.readFileSync(screenshotPath(rt, req.deploymentId, s.slug)) });
  }
  assertNoSecrets(files, secretsOf(rt, req.deploymentId));
  req.progress?.('Packing the zip');
  audit(rt.db, { actor: req.actor, action: 'runbook.export', target: `deployment/${req.deploymentId}`, result: 'ok', detail: 'markdown' });
  return writeZip(files);
}

export async function exportPdf(rt: Rt, req: ExportRequest): Promise<Buffer> {
  await captureMissing(rt, req);
  req.progress?.('Printing the runbook page with Chromium');
  const pdf = await printRunbookPdf(rt, req.deploymentId, req.actor, req.origin);
  audit(rt.db, { actor: req.actor, action: 'runbook.export', target: `deployment/${req.deploymentId}`, result: 'ok', detail: 'pdf' });
  return pdf;
}

/**
 * Drift baselines: each live step probed once more (read-only), recording its WinRM reads. A step
 * whose checks do not all pass gets no baseline: a drift test must start from a healthy state.
 */
export async function recordBaselines(rt: Rt, deploymentId: string, progress?: Progress): Promise<Partial<Record<StepSlug, DriftInput>>> {
  const out: Partial<Record<StepSlug, DriftInput>> = {};
  const ctx = createStepContext(rt, deploymentId);
  const secrets = ctx.secretValues();
  try {
    await Promise.all(
      STEPS.map(async (def) => {
        const stepModule = STEP_MODULES[def.slug];
        if (!stepModule) return;
        progress?.(`Probing "${def.title}" for its drift baseline`);
        try {
          const { checks, calls } = await recordProbe(stepModule, ctx);
          const failing = checks.filter((c) => c.status === 'fail' || c.status === 'unknown');
          if (failing.length) {
            out[def.slug] = { baseline: null, why: `${failing.length} check(s) did not pass when the bundle was made (${failing.map((c) => `${c.title} on ${c.target}`).slice(0, 3).join('; ')}): verify the step first.`, scripts: {} };
            return;
          }
          const baseline = baselineFrom(def, checks, calls, secrets);
          out[def.slug] = {
            baseline,
            why: baseline.entries.length ? '' : 'The step reads nothing over PowerShell (its checks are read through SQL).',
            scripts: Object.fromEntries(calls.map((c) => [c.script, c.scriptText])),
          };
        } catch (e) {
          out[def.slug] = { baseline: null, why: `The probe could not run: ${e instanceof Error ? e.message : String(e)}`, scripts: {} };
        }
      }),
    );
  } finally {
    await ctx.close();
  }
  return out;
}

export async function exportScripts(rt: Rt, req: Omit<ExportRequest, 'origin'>): Promise<Buffer> {
  const drift = await recordBaselines(rt, req.deploymentId, req.progress);
  req.progress?.('Writing the scripts, the ConfigurationFile.ini files and the README');
  const secrets = secretsOf(rt, req.deploymentId);
  // A probe failure message could quote anything: mask before it is written down.
  for (const d of Object.values(drift)) if (d) d.why = secrets.reduce((t, s) => (s ? t.split(s).join('********') : t), d.why);
  const files = buildBundle(loadRunbook(rt, req.deploymentId), drift);
  assertNoSecrets(files, secrets);
  req.progress?.('Packing the zip');
  audit(rt.db, { actor: req.actor, action: 'runbook.export', target: `deployment/${req.deploymentId}`, result: 'ok', detail: 'scripts' });
  return writeZip(files);
}
