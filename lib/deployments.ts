import 'server-only';
import type { Runtime } from './runtime';
import { SECRET_FIELDS, type Inventory, type SecretField, type StoredInventory } from './inventory/schema';
import { getDeployment, insertDeployment, secretNamesSet, setSecret, updateDeployment, type Deployment } from './store/repo';

/**
 * Splits an inventory into what is stored in clear (the topology) and its secrets, which go
 * encrypted into the secrets table. An empty secret field keeps the stored value.
 */
export function saveDeployment(rt: Pick<Runtime, 'db' | 'box'>, id: string | null, inventory: Inventory): Deployment {
  const stored = Object.fromEntries(
    Object.entries(inventory).filter(([k]) => !(SECRET_FIELDS as readonly string[]).includes(k)),
  ) as StoredInventory;
  return rt.db.transaction(() => {
    let deployment: Deployment;
    if (id === null) {
      deployment = insertDeployment(rt.db, stored);
    } else {
      updateDeployment(rt.db, id, stored);
      deployment = getDeployment(rt.db, id)!;
    }
    for (const field of SECRET_FIELDS) {
      const value = inventory[field];
      if (value) setSecret(rt.db, rt.box, deployment.id, field, value);
    }
    return deployment;
  })();
}

/** Which secrets are stored ("set" / "not set"), the only thing the browser learns about them. */
export function secretsSet(rt: Pick<Runtime, 'db'>, id: string): Record<SecretField, boolean> {
  const names = secretNamesSet(rt.db, id);
  return Object.fromEntries(SECRET_FIELDS.map((f) => [f, names.has(f)])) as Record<SecretField, boolean>;
}
