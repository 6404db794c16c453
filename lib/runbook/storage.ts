// Where the runbook keeps what it makes: under the data folder, per deployment,
// runbook/<id>/screenshots/<slug>.png (+ .json: when and in which status it was taken) and
// runbook/<id>/exports/<name> (built exports waiting for their download).
import 'server-only';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '@/lib/runtime';
import { isStepSlug, type StepSlug, type StepStatus } from '@/lib/steps/registry';

export type ScreenshotMeta = { slug: StepSlug; capturedAt: string; status: StepStatus; reason: 'verified' | 'on-demand' | 'export'; bytes: number };

const safeId = (id: string) => {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new Error(`Bad deployment id "${id}"`);
  return id;
};

export function runbookDir(rt: Pick<Runtime, 'env'> | { env: { dataDir: string } }, deploymentId: string): string {
  return path.join(rt.env.dataDir, 'runbook', safeId(deploymentId));
}

const dataDirOf = (rt: object): string => {
  const env = (rt as { env?: { dataDir?: string } }).env;
  if (!env?.dataDir) throw new Error('The runtime has no data folder');
  return env.dataDir;
};

export function screenshotPath(rt: object, deploymentId: string, slug: StepSlug): string {
  if (!isStepSlug(slug)) throw new Error(`Unknown step ${String(slug)}`);
  return path.join(dataDirOf(rt), 'runbook', safeId(deploymentId), 'screenshots', `${slug}.png`);
}

export function readScreenshotMeta(rt: object, deploymentId: string, slug: StepSlug): ScreenshotMeta | null {
  try {
    const file = screenshotPath(rt, deploymentId, slug);
    if (!fs.existsSync(file)) return null;
    return JSON.parse(fs.readFileSync(file.replace(/\.png$/, '.json'), 'utf8')) as ScreenshotMeta;
  } catch {
    return null;
  }
}

export function saveScreenshot(rt: object, deploymentId: string, meta: Omit<ScreenshotMeta, 'bytes'>, png: Buffer): ScreenshotMeta {
  const file = screenshotPath(rt, deploymentId, meta.slug);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const full = { ...meta, bytes: png.length };
  // PNG first, then its record: a reader that finds the record finds the whole image.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, png, { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.writeFileSync(file.replace(/\.png$/, '.json'), JSON.stringify(full), { mode: 0o600 });
  return full;
}

export type ExportKind = 'markdown' | 'pdf' | 'scripts';

/** Keeps a built export for its download; the name carries a random part nobody can guess. */
export function storeExport(rt: object, deploymentId: string, kind: ExportKind, data: Buffer): string {
  const dir = path.join(dataDirOf(rt), 'runbook', safeId(deploymentId), 'exports');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Old builds go: an export is fetched right after it is built.
  for (const f of fs.readdirSync(dir)) {
    const at = fs.statSync(path.join(dir, f)).mtimeMs;
    if (Date.now() - at > 60 * 60 * 1000) fs.rmSync(path.join(dir, f), { force: true });
  }
  const name = `${kind}-${crypto.randomBytes(12).toString('hex')}`;
  fs.writeFileSync(path.join(dir, name), data, { mode: 0o600 });
  return name;
}

export function readExport(rt: object, deploymentId: string, kind: ExportKind, name: string): Buffer | null {
  if (!new RegExp(`^${kind}-[0-9a-f]{24}$`).test(name)) return null;
  const file = path.join(dataDirOf(rt), 'runbook', safeId(deploymentId), 'exports', name);
  return fs.existsSync(file) ? fs.readFileSync(file) : null;
}
