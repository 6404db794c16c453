// Check snapshots over time, so the runbook can show each job's checks before and after it.
// One JSON line per probe in <data>/runbook/<id>/checks/<slug>.jsonl, masked before it is written.
// The step service and the engine call recordChecks after each probe and verify.
import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { maskSecrets } from '@/lib/engine/status';
import type { Check } from '@/lib/engine/types';
import { isStepSlug, type StepSlug } from '@/lib/steps/registry';
import { runbookDir } from './storage';

export type ChecksSnapshot = { at: string; phase: 'probe' | 'verify'; checks: Pick<Check, 'id' | 'title' | 'target' | 'status' | 'evidence'>[] };

/** The runtime's data folder, if this runtime has one (tests often pass only db and box). */
const envOf = (rt: object): { dataDir: string } | undefined => {
  const env = (rt as { env?: { dataDir?: unknown } }).env;
  return typeof env?.dataDir === 'string' ? { dataDir: env.dataDir } : undefined;
};

const fileOf = (rt: { env: { dataDir: string } }, deploymentId: string, slug: StepSlug) => {
  if (!isStepSlug(slug)) throw new Error(`Unknown step ${String(slug)}`);
  return path.join(runbookDir(rt, deploymentId), 'checks', `${slug}.jsonl`);
};

/** Appends what a probe read (masked). Never throws: the runbook must not break a probe. */
export function recordChecks(
  rt: object,
  deploymentId: string,
  slug: StepSlug,
  phase: ChecksSnapshot['phase'],
  checks: readonly Check[],
  secrets: readonly string[],
): void {
  const env = envOf(rt);
  if (!env) return;
  try {
    const file = fileOf({ env }, deploymentId, slug);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const snap: ChecksSnapshot = {
      at: new Date().toISOString(),
      phase,
      checks: checks.map((c) => ({ id: c.id, title: c.title, target: c.target, status: c.status, evidence: maskSecrets(c.evidence, secrets) })),
    };
    fs.appendFileSync(file, `${JSON.stringify(snap)}\n`, { mode: 0o600 });
  } catch {
    // best effort
  }
}

export function readChecksHistory(rt: object, deploymentId: string, slug: StepSlug): ChecksSnapshot[] {
  const env = envOf(rt);
  if (!env) return [];
  try {
    return fs
      .readFileSync(fileOf({ env }, deploymentId, slug), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ChecksSnapshot);
  } catch {
    return [];
  }
}

/** The last snapshot taken at or before `at`, and the first after `after` (the job's verify). */
export function aroundJob(history: readonly ChecksSnapshot[], startedAt: string, finishedAt: string | null) {
  const before = [...history].reverse().find((s) => s.at <= startedAt) ?? null;
  const after = finishedAt ? (history.find((s) => s.at >= startedAt && s.phase === 'verify') ?? history.find((s) => s.at >= finishedAt) ?? null) : null;
  return { before, after };
}

export type BeforeAfterRow = { id: string; title: string; target: string; before: string; beforeEvidence: string; after: string; afterEvidence: string };

/** The checks a job was about (those not passing before it), as they read before and after. */
export function beforeAfterRows(before: ChecksSnapshot | null, after: ChecksSnapshot | null): BeforeAfterRow[] {
  if (!before) return [];
  const afterById = new Map((after?.checks ?? []).map((c) => [`${c.id}|${c.target}`, c]));
  return before.checks
    .filter((c) => c.status !== 'pass')
    .map((c) => {
      const a = afterById.get(`${c.id}|${c.target}`);
      return { id: c.id, title: c.title, target: c.target, before: c.status, beforeEvidence: c.evidence, after: a?.status ?? '—', afterEvidence: a?.evidence ?? (after ? 'not read' : 'no verification recorded') };
    });
}
