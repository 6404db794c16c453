// Test fixture for jobs against the built-in lab: one lab per test file, a fresh deployment per
// test (made from the lab's endpoints, as the wizard's demo does), the lab's control API, and
// readers for the files the lab keeps for each simulated host's C: drive.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecretBox } from '@/lib/auth/secret-box';
import { saveDeployment } from '@/lib/deployments';
import { inventoryFromLab } from '@/lib/inventory/from-lab';
import { startLab, type Lab } from '@/lib/lab/lab';
import type { ScenarioName } from '@/lib/lab/sql';
import { closeAllPools } from '@/lib/sql';
import { createStepContext, type StepContext } from '@/lib/steps/context';
import { openDb, type Db } from '@/lib/store/db';

export type JobLab = {
  lab: Lab;
  rt: { db: Db; box: SecretBox };
  /** Resets the lab to a scenario and returns a new deployment's context on it. */
  use(scenario: ScenarioName): Promise<StepContext>;
  control(route: string, body?: Record<string, unknown>): Promise<unknown>;
  /** The lab's GET /state. */
  state(): Promise<LabState>;
  close(): Promise<void>;
};

export type LabState = { windows: { hosts: { name: string; driveRoot: string }[] } };

export async function startJobLab(): Promise<JobLab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-faults-'));
  const token = crypto.randomBytes(16).toString('hex');
  const lab = await startLab({
    scenario: 'misconfigured',
    stateDir: path.join(dir, 'lab'),
    token,
    workers: 0,
    reset: true,
  });
  const db = openDb(path.join(dir, 'wizard.db'));
  const rt = { db, box: new SecretBox(crypto.randomBytes(32)) };
  const contexts: StepContext[] = [];
  const call = async (method: 'GET' | 'POST', route: string, body?: Record<string, unknown>) => {
    const res = await fetch(`${lab.endpoints.control.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`${method} ${route}: ${JSON.stringify(json)}`);
    return json;
  };
  return {
    lab,
    rt,
    control: (route, body) => call('POST', route, body),
    state: async () => (await call('GET', '/state')) as LabState,
    async use(scenario) {
      await call('POST', '/reset', { scenario });
      // Pooled sessions belong to the state before the reset.
      await closeAllPools();
      const id = saveDeployment(rt, null, inventoryFromLab({ ...lab.endpoints, scenario })).id;
      const ctx = createStepContext(rt, id);
      contexts.push(ctx);
      return ctx;
    },
    async close() {
      await Promise.allSettled(contexts.map((c) => c.close()));
      await closeAllPools();
      db.close();
      await lab.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const SETTINGS_DIR = ['Program Files', 'Microsoft SQL Server', '160', 'DTS', 'Binn'];

/** Every file in the folder of MasterSettings.config on each host, with its bytes. */
export async function settingsFolders(
  t: Pick<JobLab, 'state'>,
): Promise<Record<string, Record<string, Buffer>>> {
  const { windows } = await t.state();
  const out: Record<string, Record<string, Buffer>> = {};
  for (const h of windows.hosts) {
    const folder = path.join(h.driveRoot, ...SETTINGS_DIR);
    const files = fs.existsSync(folder)
      ? fs.readdirSync(folder).filter((f) => f.startsWith('MasterSettings'))
      : [];
    out[h.name] = Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(folder, f))]));
  }
  return out;
}

/** The SSLCertThumbprint a complete MasterSettings.config holds; throws on a partial file. */
export function thumbprintIn(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  if (!/^\uFEFF?<\?xml[^>]*\?>\r?\n<MasterSettings[\s>][\s\S]*<\/MasterSettings>\r?\n?$/.test(text))
    throw new Error(`not a complete MasterSettings.config:\n${text}`);
  const m = /<SSLCertThumbprint>([0-9A-Fa-f]{40})<\/SSLCertThumbprint>/.exec(text);
  if (!m) throw new Error(`no SSLCertThumbprint in:\n${text}`);
  return m[1]!.toUpperCase();
}
