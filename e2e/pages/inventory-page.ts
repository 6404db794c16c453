import { expect, type Locator, type Page } from '@playwright/test';

export type TestInventory = {
  name: string;
  clusterName: string;
  masters: { hostName: string; fqdn?: string }[];
  agName: string;
  listenerName: string;
  listenerIps: string;
  masterDnsName: string;
  masterIp: string;
  masterAccount: string;
  masterAccountPassword: string;
  workers: string[];
  winrmUser: string;
  winrmPassword: string;
  sqlPassword: string;
};

/** The inventory form, found by its labels. */
export class InventoryPage {
  constructor(readonly page: Page) {}

  field(label: string | RegExp, within?: Locator): Locator {
    return (within ?? this.page).getByLabel(label, { exact: typeof label === 'string' });
  }

  masterNode(i: number): Locator {
    return this.page.getByRole('group', { name: `Master node ${i + 1}` });
  }

  worker(i: number): Locator {
    return this.page.getByRole('group', { name: `Worker ${i + 1}` });
  }

  errorOf(field: Locator): Locator {
    return field.locator('xpath=..').locator('p[id$="-error"]');
  }

  async fill(inv: TestInventory) {
    await this.field('Deployment name').fill(inv.name);
    await this.field('Cluster name').fill(inv.clusterName);
    for (const [i, m] of inv.masters.entries()) {
      if (i >= 2) await this.page.getByRole('button', { name: 'Add master node' }).click();
      await this.field('Host name', this.masterNode(i)).fill(m.hostName);
      if (m.fqdn) await this.field('FQDN (optional)', this.masterNode(i)).fill(m.fqdn);
    }
    await this.field('Availability group name').fill(inv.agName);
    await this.field('Listener DNS name').fill(inv.listenerName);
    await this.field('Listener IP address(es)').fill(inv.listenerIps);
    await this.field('Master service DNS host name').fill(inv.masterDnsName);
    await this.field('Master service static IP').fill(inv.masterIp);
    await this.field('Master service account').fill(inv.masterAccount);
    await this.field('Master service account password').fill(inv.masterAccountPassword);
    for (const [i, w] of inv.workers.entries()) {
      await this.page.getByRole('button', { name: 'Add worker' }).click();
      await this.field('Worker host name', this.worker(i)).fill(w);
    }
    await this.field('WinRM user').fill(inv.winrmUser);
    await this.field('WinRM password').fill(inv.winrmPassword);
    await this.field('SQL password').fill(inv.sqlPassword);
  }

  async submit() {
    await this.page.getByRole('button', { name: /Create deployment|Save inventory/ }).click();
  }

  async expectFieldError(field: Locator, message: string | RegExp) {
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await expect(this.errorOf(field)).toHaveText(message);
  }
}
