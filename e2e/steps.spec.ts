import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { LAB_DMK_PASSWORD } from '../lib/lab/sql/scenarios';
import type { LabEndpoints } from '../lib/lab/topology';
import { STEPS, type StepSlug } from '../lib/steps/registry';
import { E2E_DATA_DIR } from '../playwright.config';
import { expect, test } from './fixtures';
import { SCREENSHOT_DIR } from './fixtures';

// The demo deployment the wizard made from the running lab (scenario fresh).
test.describe.configure({ mode: 'serial' });
const lab = (): LabEndpoints => JSON.parse(fs.readFileSync(path.join(E2E_DATA_DIR, 'lab', 'endpoints.json'), 'utf8')) as LabEndpoints;

async function control(route: string, body: unknown): Promise<Record<string, unknown>> {
  const e = lab();
  const res = await fetch(`${e.control.url}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${e.control.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** Applies the plan's automatable operations, typing each risky operation's phrase, and waits for the job. */
async function applyPlan(page: Page, message: string | RegExp) {
  await page.getByRole('button', { name: /^Apply \d+ operation/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Confirm apply' });
  const phrases = await dialog.locator('code').allTextContents();
  for (const [i, phrase] of phrases.entries()) await dialog.getByRole('textbox').nth(i).fill(phrase);
  await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  // Ended either way; a failure shows its message (and the log) at once.
  await expect(page.getByTestId('job-status')).toHaveText(/^(Finished|Failed|Cancelled|Interrupted)$/, { timeout: 600_000 });
  const log = await page.getByRole('region', { name: 'Apply' }).getByLabel('Job log').textContent();
  await expect(page.getByTestId('job-status'), log ?? '').toHaveText('Finished', { timeout: 1 });
  await expect(page.getByTestId('job-message')).toHaveText(message);
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
  // "Checking every node…" can come and go between two polls: wait for the new time instead.
  const before = await page.getByText(/^Last checked/).textContent();
  await page.waitForTimeout(1100); // the time shown has whole seconds
  await page.getByRole('button', { name: 'Re-check' }).click();
  await expect(page.getByText(/^Last checked/)).not.toHaveText(before ?? '', { timeout: 120_000 });
  await expect(page.getByRole('button', { name: 'Re-check' })).toBeEnabled({ timeout: 120_000 });
}

/** Step 2 on the fresh lab: only Scale Out in the catalog is missing; its apply enables it, then it is verified. */
async function enableScaleOutFromStep2(page: Page) {
  await probed(page, 'primary');
  await recheck(page);
  await expect(page.getByTestId('check-scaleout-enabled@SQLNODE1')).toHaveAttribute('data-status', 'fail');
  await applyPlan(page, 'Applied and verified.');
  await page.reload();
  await expect(page.getByTestId('step-status')).toHaveText('Verified');
}

test('steps 1 to 3 on the fresh lab: 1 and 3 verified; step 2 enables Scale Out in the catalog, once, then is verified', async ({ signedIn: page }) => {
  test.setTimeout(420_000);
  await openDemo(page);
  for (const slug of ['prereqs', 'secondary'] as const) {
    await test.step(slug, async () => {
      await probed(page, slug);
      await expect(page.getByTestId('step-status')).toHaveText('Verified');
      await expect(page.getByText('Nothing to do: every check passes.')).toBeVisible();
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `lab-${slug}.png`), fullPage: true });
    });
  }
  await test.step('primary', async () => {
    await probed(page, 'primary');
    // Evidence is what was read: the certificate bound on the primary, by thumbprint...
    await expect(page.getByTestId('check-cert-covers-dns-name@SQLNODE1')).toContainText(/Bound certhash [0-9A-F]{40} names SSISMASTER/);
    await expect(page.getByTestId('check-cert-covers-dns-name@SQLNODE1')).toHaveAttribute('data-status', 'pass');
    // ...and the fresh lab's catalog, created without "Enable this server as SSIS scale out master".
    const catalog = page.getByTestId('check-scaleout-enabled@SQLNODE1');
    await expect(catalog).toHaveAttribute('data-status', 'fail');
    await expect(catalog).toContainText("SSISDB.catalog.master_properties on SQLNODE1: IS_SCALEOUT_ENABLED = 'FALSE'.");
    await expect(page.getByTestId('step-status')).toHaveText('Ready to apply');
    const plan = page.getByRole('region', { name: 'Plan for SQLNODE1' });
    await expect(plan.getByText('Enable Scale Out in SSISDB on SQLNODE1 (catalog.enable_scaleout, once, before HA)')).toBeVisible();
    await expect(plan).toContainText('Once only, and before HA');
    await expect(plan).toContainText('EXEC SSISDB.catalog.enable_scaleout;');
    await expect(page.getByRole('button', { name: /^Apply 1 operation/ })).toBeVisible();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'lab-primary-fresh.png'), fullPage: true });

    await applyPlan(page, 'Applied and verified.');
    await page.reload();
    await expect(page.getByTestId('step-status')).toHaveText('Verified');
    await expect(page.getByTestId('check-scaleout-enabled@SQLNODE1')).toContainText("IS_SCALEOUT_ENABLED = 'TRUE'");
    await expect(page.getByText('Nothing to do: every check passes.')).toBeVisible();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'lab-primary.png'), fullPage: true });
  });
});

test('step 4 on the fresh lab: no availability group yet, so the plan is the DBA’s manual work', async ({ signedIn: page }) => {
  test.setTimeout(180_000);
  await openDemo(page);
  await probed(page, 'always-on');
  await expect(page.getByTestId('step-status')).toHaveText('Failing');
  await expect(page.getByText(/^Create availability group SSISDB-AG with SSISDB/)).toBeVisible();
  await expect(page.getByText('manual: you run it').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /^Apply / })).toHaveCount(0);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'lab-always-on-fresh.png'), fullPage: true });
});

// Every step with live checks (4 at first; more as later steps get theirs).
test('Re-check all probes every step with live checks at once and updates the stepper', async ({ signedIn: page }) => {
  test.setTimeout(180_000);
  await openDemo(page);
  await page.getByRole('button', { name: 'Re-check all' }).click();
  await expect(page.getByRole('region', { name: 'Steps' }).getByRole('status')).toHaveText(/^Checked \d+ steps in [\d.]+ s: \d+ check\(s\) failing or unknown\.$/, { timeout: 150_000 });
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
  await expect(covers).toHaveAttribute('data-status', 'fail');
  await expect(covers).toContainText('SSISMASTER is not among them');

  await page.getByRole('button', { name: /^Apply \d+ operation/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Confirm apply' });
  // Risky operations (rebinding the certificate) each ask for their phrase to be typed.
  const phrases = await dialog.locator('code').allTextContents();
  expect(phrases.length).toBeGreaterThan(0);
  for (const [i, phrase] of phrases.entries()) await dialog.getByRole('textbox').nth(i).fill(phrase);
  await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
  // Starting the job is a server action: slow on a loaded machine.
  await expect(page.getByTestId('job-status')).toHaveText('Running…', { timeout: 60_000 });
  await expect(page.getByRole('region', { name: 'Apply' }).getByLabel('Job log')).toContainText('Started:', { timeout: 60_000 });
  await expect(page.getByTestId('job-status')).toHaveText('Finished', { timeout: 300_000 });
  await expect(page.getByTestId('job-message')).toHaveText('Applied and verified.');
  await page.reload();
  await expect(page.getByTestId('step-status')).toHaveText('Verified');
  await expect(page.getByTestId('check-cert-covers-dns-name@SQLNODE1')).toHaveAttribute('data-status', 'pass');
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'lab-primary-applied.png'), fullPage: true });
  await control('/reset', { scenario: 'fresh' });
});

test('step 4 reaches verified from the fresh lab: the DBA’s SSMS work through the control API, the wizard’s T-SQL applied', async ({ signedIn: page }) => {
  test.setTimeout(600_000);
  await control('/reset', { scenario: 'fresh' });
  await openDemo(page);
  for (const slug of ['prereqs', 'secondary'] as const) {
    await probed(page, slug);
    await recheck(page);
    await expect(page.getByTestId('step-status')).toHaveText('Verified');
  }
  // Step 2's apply enables Scale Out in the catalog on the primary, once, before SSISDB joins the
  // availability group (the logging login it makes is what step 6 copies to the secondaries).
  await enableScaleOutFromStep2(page);

  await probed(page, 'always-on');
  await recheck(page);
  await expect(page.getByTestId('step-status')).toHaveText('Failing');
  await expect(page.getByText(/^Create availability group SSISDB-AG with SSISDB \(SSMS, full database and log backup seeding\)$/)).toBeVisible();

  // The DBA: New Availability Group Wizard on SQLNODE1, SSISDB with its master key password,
  // both master instances as replicas, "Full database and log backup" seeding, no listener.
  const made = await control('/dba/create-availability-group', { ag: lab().topology.ag, dmkPassword: LAB_DMK_PASSWORD, seeding: 'full-backup' });
  expect(made).toMatchObject({ ok: true, primary: 'SQLNODE1', replicas: ['SQLNODE1', 'SQLNODE2'] });
  await recheck(page);
  await expect(page.getByTestId('check-ag.exists')).toHaveAttribute('data-status', 'pass');
  await expect(page.getByTestId('check-ssisdb.sync:SQLNODE2')).toContainText('SYNCHRONIZED, HEALTHY');
  await expect(page.getByTestId('check-dmk:SQLNODE2')).toHaveAttribute('data-status', 'fail');
  await expect(page.getByTestId('step-status')).toHaveText('Ready to apply');
  await expect(page.getByText(/^Add the listener SSISLISTENER on port 1433 to SSISDB-AG/)).toBeVisible();
  await expect(page.getByText(/^Register the SSISDB master key password on SQLNODE2/)).toBeVisible();
  await expect(page.getByText(/^Enable Always On support for SSISDB \(SSMS, on SQLNODE1\)$/)).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'lab-always-on-planned.png'), fullPage: true });

  // The wizard's T-SQL: the listener, on the primary.
  await applyPlan(page, /^Applied; \d+ check\(s\) still failing\.$/);
  await recheck(page);
  await expect(page.getByTestId('check-listener.routes')).toContainText('@@SERVERNAME through SSISLISTENER: SQLNODE1');

  // The master key password: the DBA types it once on the page; the wizard keeps it encrypted,
  // never shows it again, and the plan then registers it on the secondary itself.
  await expect(page.getByText(/^Register the SSISDB master key password on SQLNODE2 \(sp_control_dbmasterkey_password\): the password is needed$/)).toBeVisible();
  const plan = page.getByRole('region', { name: 'Plan' });
  await plan.getByLabel('SSISDB master key password').fill(LAB_DMK_PASSWORD);
  await plan.getByRole('button', { name: 'Save password' }).click();
  await expect(plan.getByRole('status')).toHaveText('Stored. The plan now registers it on each secondary.', { timeout: 120_000 });
  await expect(plan.getByLabel('SSISDB master key password')).toHaveValue('');
  await expect(page.getByText(/^Register the SSISDB master key password on SQLNODE2 \(sp_control_dbmasterkey_password\)$/)).toBeVisible({ timeout: 60_000 });
  expect(await page.content()).not.toContain(LAB_DMK_PASSWORD);
  await applyPlan(page, /^Applied; \d+ check\(s\) still failing\.$/);
  await recheck(page);
  await expect(page.getByTestId('check-dmk:SQLNODE2')).toHaveAttribute('data-status', 'pass');
  await page.reload();
  await expect(page.getByRole('region', { name: 'Plan' }).getByRole('status')).toHaveText('Stored: set. Type a new one to replace it.');

  // The DBA: Integration Services Catalogs > Enable Always On Support, connected to both replicas.
  expect(await control('/dba/enable-always-on-support', {})).toMatchObject({ ok: true, replicas: ['SQLNODE1', 'SQLNODE2'] });
  await recheck(page);
  await expect(page.getByTestId('step-status')).toHaveText('Verified');
  await expect(page.getByText('Nothing to do: every check passes.')).toBeVisible();
  await expect(page.getByTestId('check-alwayson.support')).toContainText('SQLNODE1 (state 1), SQLNODE2 (state 2)');

  // Each step page with its checks and plan, on the lab after step 4.
  for (const slug of ['prereqs', 'primary', 'secondary', 'always-on'] as const) {
    await probed(page, slug);
    await expect(page.getByTestId('step-status')).toHaveText('Verified');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `lab-${slug}.png`), fullPage: true });
  }
  // The next test goes on from here (steps 5 to 9), on the same lab.
});

/** Re-check, then the plan applied (typed confirmations) until the step is verified: the DBA clicking through. */
async function toVerified(page: Page, slug: StepSlug) {
  await probed(page, slug);
  await recheck(page);
  if ((await page.getByTestId('step-status').textContent()) !== 'Verified') {
    await expect(page.getByTestId('step-status')).toHaveText('Ready to apply');
    await expect(page.getByText('manual: you run it')).toHaveCount(0);
    await applyPlan(page, 'Applied and verified.');
    await page.reload();
  }
  await expect(page.getByTestId('step-status')).toHaveText('Verified');
  await expect(page.getByText('Nothing to do: every check passes.')).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `lab-${slug}.png`), fullPage: true });
}

test('steps 5 to 9 reach verified after step 4: each plan reviewed and applied from the page', async ({ signedIn: page }) => {
  // Slow here: restarts, the cluster role, and the workers' heartbeats (the lab ticks every 5 s).
  test.setTimeout(1_500_000);
  await openDemo(page);
  await probed(page, 'always-on');
  await expect(page.getByTestId('step-status')).toHaveText('Verified');
  // Scale Out was enabled in the catalog by step 2's apply in the previous test: nothing by hand here.
  await probed(page, 'primary');
  await expect(page.getByTestId('check-scaleout-enabled@SQLNODE1')).toHaveAttribute('data-status', 'pass');
  for (const slug of ['config', 'logging', 'cluster-role', 'master-address', 'workers'] as const) {
    await test.step(slug, () => toVerified(page, slug));
  }
  const stepper = page.getByRole('navigation', { name: 'Steps' });
  for (const s of STEPS) await expect(stepper.getByTestId(`status-${s.slug}`)).toHaveText('Verified');
});

test('the failover drill on the overview: three moves, each followed by a full recovery with its times', async ({ signedIn: page }) => {
  // The lab as the previous test left it: all nine steps verified.
  test.setTimeout(900_000);
  await openDemo(page);
  const drill = page.getByRole('region', { name: 'Failover drill' });
  await drill.getByRole('button', { name: 'Check the chain now' }).click();
  await expect(drill.getByRole('status')).toHaveText('Every part of the chain works.', { timeout: 120_000 });
  await expect(drill.getByTestId('check-drill:endpoint')).toContainText(/Served [0-9A-F]{40}/);
  await expect(drill.getByTestId('check-drill:worker:WORKER1')).toContainText('LastOnlineTime');
  await expect(drill.getByTestId('check-drill:trust:WORKER1')).toContainText(/is trusted on SQLNODE\d/);

  await drill.getByLabel('Wait for recovery (seconds)').fill('120');
  await drill.getByRole('button', { name: /^Apply 3 operation/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Confirm apply' });
  await dialog.getByRole('textbox').first().fill('FAILOVER');
  await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  await expect(drill.getByTestId('job-status')).toHaveText(/^(Finished|Failed|Cancelled|Interrupted)$/, { timeout: 800_000 });
  const log = await drill.getByLabel('Job log').textContent();
  await expect(drill.getByTestId('job-status'), log ?? '').toHaveText('Finished', { timeout: 1 });
  // Each move says what moved and how long each part of the chain took to come back.
  for (const i of [0, 1, 2]) await expect(drill.getByTestId(`job-op-${i}`)).toHaveAttribute('data-status', 'done');
  await expect(drill.getByTestId('job-op-0')).toContainText(/master role SQLNODE\d → SQLNODE\d \(Online\)\. Recovered: .*endpoint [\d.]+ s.*master heartbeat [\d.]+ s.*WORKER1 [\d.]+ s.*logging login [\d.]+ s/);
  await expect(drill.getByTestId('job-op-1')).toContainText(/SSISDB-AG primary SQLNODE\d → SQLNODE\d\. Recovered:/);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'lab-failover-drill.png'), fullPage: true });
  await control('/reset', { scenario: 'fresh' });
});

/** Applies what the step's plan can apply (a DBA working through the earlier steps), if anything. */
async function applyWhatCan(page: Page, slug: StepSlug) {
  await probed(page, slug);
  await recheck(page);
  if (await page.getByRole('button', { name: /^Apply \d+ operation/ }).count()) {
    await applyPlan(page, /^Applied/);
    await page.reload();
  }
}

// The misconfigured lab's planted fault of each later step: the check that names it, and what it says.
const LATER_FAULTS = [
  { slug: 'config', check: 'sqlservername@SQLNODE1', says: 'SqlServerName = SQLNODE1' },
  { slug: 'logging', check: 'login:SQLNODE2', says: 'SID' },
  { slug: 'cluster-role', check: 'service-manual@SQLNODE2', says: 'StartMode Auto' },
  { slug: 'master-address', check: 'master.address', says: "MASTER_ADDRESS = 'https://SSISLISTENER:8391'" },
  { slug: 'workers', check: 'worker-cert-on-masters@WORKER1', says: 'missing on SQLNODE2' },
] as const;

test('misconfigured: each planted fault of steps 5 to 9 fails by name, and the step’s plan fixes it', async ({ signedIn: page }) => {
  test.setTimeout(1_800_000);
  await control('/reset', { scenario: 'misconfigured' });
  // A reset keeps the TDS sessions the wizard pooled on the fresh lab (lib/lab/lab.ts), which a
  // Windows-authentication-only SQLNODE2 would have refused: restarting SQLNODE2 drops them.
  await control('/instances/SQLNODE2/stop', {});
  await control('/instances/SQLNODE2/start', {});
  await openDemo(page);
  // Steps 1 to 4 have their own faults; the DBA applies their plans first.
  for (const slug of ['prereqs', 'primary', 'secondary', 'always-on'] as const) await test.step(slug, () => applyWhatCan(page, slug));
  for (const fault of LATER_FAULTS) {
    await test.step(fault.slug, async () => {
      await probed(page, fault.slug);
      await recheck(page);
      if (fault.slug === 'logging') {
        // SQLNODE2 is also Windows-authentication only, so the wizard's SQL login cannot read the
        // other-SID login there: the step reads LoginMode over WinRM instead and plans the registry
        // write and a confirmed restart of SQL Server, then the login, read when it runs.
        await expect(page.getByTestId('check-mixed:SQLNODE2')).toHaveAttribute('data-status', 'fail');
        await expect(page.getByTestId('check-mixed:SQLNODE2')).toContainText('LoginMode = 1 (Windows authentication only)');
        await expect(page.getByTestId(`check-${fault.check}`)).toHaveAttribute('data-status', 'unknown');
        const plan = page.getByRole('region', { name: 'Plan for SQLNODE2' });
        await expect(plan.getByText('Set LoginMode = 2 (SQL Server and Windows authentication) for SQLNODE2 in the registry, over WinRM (the instance refuses SQL logins)')).toBeVisible();
        await expect(plan.getByText('Restart SQL Server (MSSQLSERVER) on SQLNODE2 so it starts in mixed mode')).toBeVisible();
        await expect(page.getByText('manual: you run it')).toHaveCount(0);
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, `lab-${fault.slug}-misconfigured.png`), fullPage: true });
        await applyPlan(page, /^Applied/);
        await page.reload();
        await recheck(page);
        await expect(page.getByTestId('check-mixed:SQLNODE2')).toHaveAttribute('data-status', 'pass');
        await expect(page.getByTestId(`check-${fault.check}`)).toHaveAttribute('data-status', 'pass');
        await expect(page.getByTestId(`check-${fault.check}`)).toContainText('SID');
        return;
      }
      const check = page.getByTestId(`check-${fault.check}`);
      await expect(check).toHaveAttribute('data-status', 'fail');
      await expect(check).toContainText(fault.says);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `lab-${fault.slug}-misconfigured.png`), fullPage: true });
      await applyPlan(page, /^Applied/);
      await page.reload();
      await recheck(page);
      await expect(page.getByTestId(`check-${fault.check}`)).toHaveAttribute('data-status', 'pass');
    });
  }
  await control('/reset', { scenario: 'fresh' });
  // zz-runbook.spec goes on from here: the fresh lab as the fresh flow leaves step 2, Scale Out
  // enabled in its catalog (so step 2 is healthy when the export records its drift baseline).
  await test.step('fresh, step 2 applied', async () => {
    await enableScaleOutFromStep2(page);
  });
});
