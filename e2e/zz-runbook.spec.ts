// After steps.spec.ts (specs run in file order, one worker): the runbook of the demo deployment
// those steps verified, and its three exports, checked as a DBA would receive them.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Download, Page } from '@playwright/test';
import { readZip } from '../lib/runbook/zip';
import { STEPS } from '../lib/steps/registry';
import { E2E_DATA_DIR } from '../playwright.config';
import { expect, test } from './fixtures';

test.describe.configure({ mode: 'serial' });

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-runbook-'));
const exported: { markdown?: Map<string, Buffer>; pdfText?: string; scripts?: Map<string, Buffer> } = {};
let deploymentId = '';

async function openRunbook(page: Page) {
  await page.goto('/deployments');
  await page.getByRole('link', { name: /^Demo: built-in lab/ }).click();
  await expect(page).toHaveURL(/\/deployments\/[a-z0-9]+$/);
  deploymentId = /\/deployments\/([a-z0-9]+)$/.exec(page.url())![1]!;
  await page.getByRole('link', { name: 'Runbook and exports' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Runbook: Demo: built-in lab/ })).toBeVisible();
}

/** Clicks an export, watches its progress, and saves the download. */
async function exportFile(page: Page, label: string, file: string): Promise<string> {
  const download = page.waitForEvent('download', { timeout: 480_000 });
  await page.getByRole('button', { name: `Export ${label}` }).click();
  const progress = page.getByLabel('Export progress').getByRole('status');
  await expect(progress).toBeVisible();
  await expect(page.getByRole('button', { name: `Export ${label}` })).toBeDisabled();
  const d: Download = await download;
  await expect(progress).toHaveText('Export ready: the download has started.');
  const target = path.join(out, file);
  await d.saveAs(target);
  return target;
}

/** Every secret the demo deployment holds, decrypted from the wizard's own store. */
function deploymentSecrets(id: string): string[] {
  const key = Buffer.from(fs.readFileSync(path.join(E2E_DATA_DIR, 'secret.key'), 'utf8').trim(), 'hex');
  const db = new Database(path.join(E2E_DATA_DIR, 'wizard.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT name, ciphertext FROM secrets WHERE deployment_id = ?').all(id) as { name: string; ciphertext: string }[];
    return rows.map(({ name, ciphertext }) => {
      const [, iv, tag, ct] = ciphertext.split(':');
      const d = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv!, 'base64'));
      d.setAAD(Buffer.from(`deployment:${id}:secret:${name}`));
      d.setAuthTag(Buffer.from(tag!, 'base64'));
      return Buffer.concat([d.update(Buffer.from(ct!, 'base64')), d.final()]).toString('utf8');
    });
  } finally {
    db.close();
  }
}

test('the runbook page lists the nine steps and takes a screenshot on demand', async ({ signedIn: page }) => {
  test.setTimeout(240_000);
  await openRunbook(page);
  for (const [i, s] of STEPS.entries()) await expect(page.getByRole('region', { name: `Step ${i + 1}: ${s.title}` })).toBeVisible();
  await expect(page.getByTestId('runbook-status-primary')).toHaveText('Verified');
  // The primary was applied by the steps spec: who, and the exact script.
  const primary = page.getByRole('region', { name: `Step 2: ${STEPS[1]!.title}` });
  await expect(primary.getByText(/applied by admin/).first()).toBeVisible();
  await expect(primary.getByText(/# master-rebind\.ps1 on SQLNODE1, parameters:/).first()).toBeVisible();

  const prereqs = page.getByRole('region', { name: `Step 1: ${STEPS[0]!.title}` });
  await prereqs.getByRole('button', { name: 'Take screenshot of step 1' }).click();
  await expect(prereqs.getByRole('button', { name: 'Take screenshot of step 1' })).toHaveText('Taking screenshot…');
  const img = prereqs.getByRole('img', { name: /^Step 1: Prerequisites, as the wizard showed it/ });
  await expect(img).toBeVisible({ timeout: 180_000 });
  expect(await img.evaluate((e: HTMLImageElement) => e.naturalWidth)).toBe(1280);
});

test('Markdown export: one section per step, each with its screenshot, and the scripts applied', async ({ signedIn: page }) => {
  test.setTimeout(600_000);
  await openRunbook(page);
  const file = await exportFile(page, 'Markdown (zip)', 'runbook.zip');
  const zip = readZip(fs.readFileSync(file));
  exported.markdown = zip;
  const md = zip.get('runbook.md')!.toString('utf8');
  const sections = md.split(/^## Step /m).slice(1);
  expect(sections.map((s) => s.split('\n')[0])).toEqual(STEPS.map((s, i) => `${i + 1}: ${s.title}`));
  for (const [i, s] of STEPS.entries()) {
    const image = `images/${String(i + 1).padStart(2, '0')}-${s.slug}.png`;
    expect(sections[i], s.slug).toContain(`](${image})`);
    expect(zip.get(image)?.subarray(0, 8).toString('hex'), image).toBe('89504e470d0a1a0a');
  }
  // Step 2: the job the steps spec ran, with its exact scripts. Any step with a job or an open
  // plan shows each operation's script in a fenced block.
  expect(sections[1]).toMatch(/Applied by \*\*admin\*\*/);
  expect(sections[1]).toContain('# master-rebind.ps1 on SQLNODE1, parameters:');
  expect(sections[1]).toContain('```powershell');
  for (const [i, section] of sections.entries()) {
    const ops = (section.match(/^\d+\. \*\*|^- \*\*/gm) ?? []).length;
    expect((section.match(/^```(powershell|sql|text)$/gm) ?? []).length, STEPS[i]!.slug).toBeGreaterThanOrEqual(ops);
  }
});

test('PDF export: Chromium prints the runbook; every page renders and every step title is in it', async ({ signedIn: page }) => {
  test.setTimeout(600_000);
  await openRunbook(page);
  const file = await exportFile(page, 'PDF', 'runbook.pdf');
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
  // Each step starts a page in print.
  expect(pages).toBeGreaterThanOrEqual(STEPS.length + 1);
  execFileSync('pdftoppm', ['-r', '40', '-png', file, path.join(out, 'page')]);
  const images = fs.readdirSync(out).filter((f) => /^page-\d+\.png$/.test(f));
  expect(images).toHaveLength(pages);
  for (const f of images) expect(fs.statSync(path.join(out, f)).size).toBeGreaterThan(1000);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  exported.pdfText = text;
  for (const [i, s] of STEPS.entries()) expect(text.replace(/\s+/g, ' ')).toContain(`Step ${i + 1}: ${s.title}`);
});

test('script bundle export: per node, numbered, with the ini files, a README and the drift tests', async ({ signedIn: page }) => {
  test.setTimeout(600_000);
  await openRunbook(page);
  const file = await exportFile(page, 'Script bundle (zip)', 'scripts.zip');
  const zip = readZip(fs.readFileSync(file));
  exported.scripts = zip;
  const names = [...zip.keys()];
  expect(names).toEqual(expect.arrayContaining(['README.md', 'SQLNODE1/ConfigurationFile.ini', 'SQLNODE2/ConfigurationFile.ini', 'drift/Drift.ps1']));
  expect(names.some((n) => /^SQLNODE1\/\d+-primary-rebind_SQLNODE1\.ps1$/.test(n))).toBe(true);
  for (const [i, s] of STEPS.entries()) expect(names).toContain(`drift/${String(i + 1).padStart(2, '0')}-${s.slug}.Tests.ps1`);
  expect(names.some((n) => n.startsWith('drift/baseline/02-primary'))).toBe(true);
});

test('no export holds any secret value the deployment holds', async () => {
  expect(exported.markdown && exported.pdfText && exported.scripts).toBeTruthy();
  const secrets = deploymentSecrets(deploymentId);
  expect(secrets.length).toBeGreaterThanOrEqual(3);
  for (const secret of secrets) {
    for (const [kind, zip] of [['markdown', exported.markdown!], ['scripts', exported.scripts!]] as const) {
      for (const [name, data] of zip) expect(data.toString('utf8').includes(secret) || data.toString('latin1').includes(secret), `${kind}: ${name}`).toBe(false);
    }
    expect(exported.pdfText!.includes(secret), 'pdf text').toBe(false);
  }
});

test('the export and screenshot routes refuse a request without a session', async ({ request }) => {
  const id = deploymentId || 'any';
  for (const kind of ['markdown', 'pdf', 'scripts']) {
    expect((await request.get(`/api/deployments/${id}/export/${kind}`)).status(), kind).toBe(401);
    expect((await request.post(`/api/deployments/${id}/export/${kind}`)).status(), kind).toBe(401);
  }
  expect((await request.get(`/api/deployments/${id}/export/screenshots/prereqs`)).status()).toBe(401);
});
