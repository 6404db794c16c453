import { expect, type Page } from '@playwright/test';
import { STEPS, type StepSlug } from '../../lib/steps/registry';

/** The deployment chrome: overview and the stepper, driven by the step registry. */
export class DeploymentPage {
  constructor(readonly page: Page) {}

  get stepper() {
    return this.page.getByRole('navigation', { name: 'Steps' });
  }

  async openStep(slug: StepSlug) {
    const index = STEPS.findIndex((s) => s.slug === slug);
    const step = STEPS[index]!;
    await this.stepper.getByRole('link', { name: new RegExp(`^${index + 1}\\. ${escape(step.title)}`) }).click();
    await expect(this.page).toHaveURL(new RegExp(`/${slug}$`));
    await expect(this.page.getByRole('heading', { level: 1, name: step.title })).toBeVisible();
    await expect(this.stepper.getByRole('link', { name: new RegExp(escape(step.title)) })).toHaveAttribute('aria-current', 'step');
  }

  deploymentId(): string {
    const m = /\/deployments\/([^/]+)/.exec(new URL(this.page.url()).pathname);
    if (!m?.[1]) throw new Error(`Not on a deployment page: ${this.page.url()}`);
    return m[1];
  }
}

function escape(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
