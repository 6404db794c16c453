import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { LabEndpoints } from '../lib/lab/topology';
import { STEPS, type StepSlug } from '../lib/steps/registry';
import { E2E_DATA_DIR } from '../playwright.config';
import { expect, test } from './fixtures';
import { SCREENSHOT_DIR } from './fixtures';

// The demo deployment the wizard made from the running lab (scenario fresh).
test.describe.configure({ mode: 'serial' });
const lab = (): LabEndpoints => JSON.parse(fs.readFileSync(path.join(E2E_DATA_DIR, 'lab', 'endpoints.json'), 'utf8')) as LabEndpoints;

async function control(route: string, body: unknown) {
  const e = lab();
  const res = await fetch(`${e.control.url}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${e.control.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function openDemo(page: Page) {
  await page.goto('/deployments');
  await page.getByRole('link', { name: /^Demo: built-in lab/ }).click();
  await expect(page).toHaveURL(/\/deployments\/[a-z0-9]+$/);
}

async function probed(page: Page, slug: StepSlug) {
  const index = STEPS.findIndex((s) => s.slug === slug);
  await page.getByRole('navigation', { name: 'Steps' }).getByRole('link', { name: new RegExp(`^${index + 1}\\. `) }).click();
  await expect(page.getByRole('heading', { level: 1, name: STEPS[index]!.title })).toBeVisible();
  await expect(page.getByText(/^Last checked/)).toBeVisible({ timeout: 120_000 });
}

/** Probes again now (the page only re-probes on open when its checks are older than 15 s). */
async function recheck(page: Page) {
  await page.getByRole('button', { name: 'Re-check' }).click();
  await expect(page.getByRole('button', { name: 'Checking every node…' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Re-check' })).toBeEnabled({ timeout: 120_000 });
}

test('steps 1 to 3 are verified on the fresh lab, with the evidence read from each node', async ({ signedIn: page }) => {
  test.setTimeout(300_000);
  await openDemo(page);
  for (const slug of ['prereqs', 'primary', 'secondary'] as const) {
    await test.step(slug, async () => {
      await probed(page, slug);
      await expect(page.getByTestId('step-status')).toHaveText('Verified');
      await expect(page.getByText('Nothing to do: every check passes.')).toBeVisible();
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `lab-${slug}.png`), fullPage: true });
    });
  }
  // Evidence is what was read: the certificate bound on the primary, by thumbprint.
  await probed(page, 'primary');
  await expect(page.getByTestId('check-cert-covers-dns-name@SQLNODE1')).toContainText(/Bound certhash [0-9A-F]{40} names SSISMASTER/);
});

test('step 4 on the fresh lab: no availability group yet, so the plan is the DBA’s manual work', async ({ signedIn: page }) => {
  test.setTimeout(180_000);
  await openDemo(page);
  await probed(page, 'always-on');
  await expect(page.getByTestId('step-status')).toHaveText('Failing');
  await expect(page.getByText(/^Create availability group SSISDB-AG with SSISDB/)).toBeVisible();
  await expect(page.getByText('manual: you run it').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /^Apply / })).toHaveCount(0);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'lab-always-on.png'), fullPage: true });
});

test('Re-check all probes every step with live checks at once and updates the stepper', async ({ signedIn: page }) => {
  test.setTimeout(180_000);
  await openDemo(page);
  await page.getByRole('button', { name: 'Re-check all' }).click();
  await expect(page.getByRole('region', { name: 'Steps' }).getByRole('status')).toHaveText(/^Checked 4 steps in [\d.]+ s: \d+ check\(s\) failing or unknown\.$/, { timeout: 150_000 });
  const stepper = page.getByRole('navigation', { name: 'Steps' });
  for (const slug of ['prereqs', 'primary', 'secondary']) await expect(stepper.getByTestId(`status-${slug}`)).toHaveText('Verified');
  await expect(stepper.getByTestId('status-always-on')).toHaveText('Failing');
});

test('a planted fault fails by name, and applying the plan with its confirmation fixes it live', async ({ signedIn: page }) => {
  test.setTimeout(420_000);
  await control('/reset', { scenario: 'misconfigured' });
  await openDemo(page);
  await probed(page, 'primary');
  await recheck(page);
  await expect(page.getByTestId('step-status')).toHaveText('Ready to apply');
  const covers = page.getByTestId('check-cert-covers-dns-name@SQLNODE1');
  await expect(covers).toContainText(/fail/i);
  await expect(covers).toContainText('SSISMASTER is not among them');

  await page.getByRole('button', { name: /^Apply \d+ operation/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Confirm apply' });
  // Risky operations (rebinding the certificate) each ask for their phrase to be typed.
  const phrases = await dialog.locator('code').allTextContents();
  expect(phrases.length).toBeGreaterThan(0);
  for (const [i, phrase] of phrases.entries()) await dialog.getByRole('textbox').nth(i).fill(phrase);
  await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(page.getByTestId('job-status')).toHaveText('Running…');
  await expect(page.getByRole('region', { name: 'Apply' }).getByLabel('Job log')).toContainText('Started:', { timeout: 60_000 });
  await expect(page.getByTestId('job-status')).toHaveText('Finished', { timeout: 300_000 });
  await expect(page.getByTestId('job-message')).toHaveText('Applied and verified.');
  await page.reload();
  await expect(page.getByTestId('step-status')).toHaveText('Verified');
  await expect(page.getByTestId('check-cert-covers-dns-name@SQLNODE1')).toContainText(/pass/i);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'lab-primary-applied.png'), fullPage: true });
  await control('/reset', { scenario: 'fresh' });
});
