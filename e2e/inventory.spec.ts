import fs from 'node:fs';
import path from 'node:path';
import { STEP_STATUS_LABELS, STEPS } from '../lib/steps/registry';
import { E2E_DATA_DIR } from '../playwright.config';
import { expect, test } from './fixtures';
import type { TestInventory } from './pages/inventory-page';

import { SCREENSHOT_DIR } from './fixtures';

// Distinctive values, so a leak anywhere is unambiguous.
const SECRETS = {
  masterAccountPassword: `Svc-Pa55'"<&>-${Date.now()}-m`,
  winrmPassword: `WinRM-Pa55;drop-${Date.now()}-w`,
  sqlPassword: `Sql-Pa55$(x)-${Date.now()}-s`,
};

// The second test reads what the first one saved.
test.describe.configure({ mode: 'serial' });

const INVENTORY: TestInventory = {
  name: 'E2E cluster',
  clusterName: 'E2ECLU',
  masters: [
    { hostName: 'E2ENODE1', fqdn: 'e2enode1.corp.example' },
    { hostName: 'E2ENODE2' },
  ],
  agName: 'SSISDB_AG',
  listenerName: 'E2ELSN',
  listenerIps: '10.20.0.5',
  masterDnsName: 'E2EMASTER',
  masterIp: '10.20.0.6',
  masterAccount: 'CORP\\svc-ssis',
  masterAccountPassword: SECRETS.masterAccountPassword,
  workers: ['E2EWORKER1'],
  winrmUser: 'CORP\\dba',
  winrmPassword: SECRETS.winrmPassword,
  sqlPassword: SECRETS.sqlPassword,
};

test('create a deployment, see an inline error, open every step page and keep screenshots', async ({ inventory, deployment }) => {
  const page = inventory.page;
  await page.getByRole('link', { name: 'New deployment' }).click();
  await inventory.fill(INVENTORY);

  // One wrong value: a cluster name over the NetBIOS limit gets its message next to the field.
  const cluster = inventory.field('Cluster name');
  await cluster.fill('THIS-NAME-IS-TOO-LONG');
  await cluster.blur();
  await inventory.expectFieldError(cluster, 'The cluster name can have at most 15 characters (the NetBIOS limit)');
  await inventory.submit();
  await expect(page).toHaveURL(/\/deployments\/new$/);
  await cluster.fill(INVENTORY.clusterName);
  await expect(cluster).toHaveAttribute('aria-invalid', 'false');

  // Leaving a host field resolves it live; these names exist nowhere, so the check says so.
  await expect(inventory.masterNode(0).getByRole('status')).toContainText(/E2ENODE1|e2enode1/i, { timeout: 10_000 });
  await expect(inventory.masterNode(0).getByRole('status')).toContainText(/not known to DNS|longer than 3 s|unreachable|refused|no answer/);

  await inventory.submit();
  await expect(page).toHaveURL(/\/deployments\/[a-z0-9]+$/);
  await expect(page.getByRole('heading', { level: 1, name: INVENTORY.name })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Topology' })).toContainText('E2ENODE1 (primary), E2ENODE2');

  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const step of STEPS) {
    await test.step(`step page: ${step.title}`, async () => {
      await deployment.openStep(step.slug);
      await expect(page.getByText(step.summary)).toBeVisible();
      for (const panel of ['Checks', 'Plan', 'Apply']) {
        await expect(page.getByRole('region', { name: panel, exact: true })).toBeVisible();
      }
      // Steps with live probes check the (unreachable) hosts on open; the others stay not checked.
      await expect(page.getByTestId(`status-${step.slug}`)).toHaveText(new RegExp(`^(${Object.values(STEP_STATUS_LABELS).join('|')})$`));
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${step.slug}.png`), fullPage: true });
    });
  }
  for (const step of STEPS) expect(fs.existsSync(path.join(SCREENSHOT_DIR, `${step.slug}.png`))).toBe(true);
});

test('typed passwords never reach a page, the SQLite file or the server log', async ({ signedIn: page, request }) => {
  await page.goto('/deployments');
  await page.getByRole('link', { name: INVENTORY.name }).first().click();
  await expect(page).toHaveURL(/\/deployments\/[a-z0-9]+$/);
  const id = /\/deployments\/([^/]+)$/.exec(new URL(page.url()).pathname)![1]!;

  const urls = ['/deployments', `/deployments/${id}`, `/deployments/${id}/inventory`, ...STEPS.map((s) => `/deployments/${id}/${s.slug}`)];
  const cookies = await page.context().cookies();
  const cookieHeader = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  for (const url of urls) {
    await page.goto(url);
    const rendered = await page.content();
    // The raw response too: it carries the React Server Components payload, not only the DOM.
    const raw = await (await request.get(url, { headers: { cookie: cookieHeader } })).text();
    for (const secret of Object.values(SECRETS)) {
      expect(rendered, `${url} (DOM)`).not.toContain(secret);
      expect(raw, `${url} (HTML)`).not.toContain(secret);
    }
  }
  const api = await (await request.get(`/api/deployments/${id}`, { headers: { cookie: cookieHeader } })).json();
  expect(api.secretsSet).toEqual({ masterAccountPassword: true, winrmPassword: true, sqlPassword: true });
  expect(JSON.stringify(api)).not.toContain(SECRETS.winrmPassword);

  // The inventory page says which secrets are stored, without their values.
  await page.goto(`/deployments/${id}/inventory`);
  await expect(page.getByLabel('WinRM password')).toHaveValue('');
  await expect(page.getByText('Stored: set. Leave empty to keep it').first()).toBeVisible();

  const files = fs.readdirSync(E2E_DATA_DIR).filter((f) => f.startsWith('wizard.db') || f === 'server.log');
  expect(files).toEqual(expect.arrayContaining(['wizard.db', 'server.log']));
  for (const f of files) {
    const bytes = fs.readFileSync(path.join(E2E_DATA_DIR, f));
    for (const secret of Object.values(SECRETS)) {
      expect(bytes.includes(Buffer.from(secret, 'utf8')), `${f} holds a secret`).toBe(false);
      expect(bytes.includes(Buffer.from(secret, 'utf16le')), `${f} holds a secret (UTF-16)`).toBe(false);
    }
  }
});
