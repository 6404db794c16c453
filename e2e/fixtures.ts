import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { E2E_ADMIN } from '../playwright.config';
import { DeploymentPage } from './pages/deployment-page';
import { InventoryPage } from './pages/inventory-page';

export async function signIn(page: Page, user = E2E_ADMIN) {
  await page.goto('/login');
  await page.getByLabel('User name').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/deployments$/);
}

export const test = base.extend<{ signedIn: Page; inventory: InventoryPage; deployment: DeploymentPage }>({
  signedIn: async ({ page }, use) => {
    await signIn(page);
    await use(page);
  },
  inventory: async ({ signedIn }, use) => use(new InventoryPage(signedIn)),
  deployment: async ({ signedIn }, use) => use(new DeploymentPage(signedIn)),
});

export { expect };

/** Full-page screenshots of the step pages (the runbook will use such screenshots). */
export const SCREENSHOT_DIR = path.resolve('e2e/screenshots');
