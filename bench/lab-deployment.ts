// A deployment on a lab that runs as a child process, made the way the tests make theirs
// (lib/steps/lab-fixture.test-helper.ts): the lab's endpoints → inventory → a saved deployment in
// a temporary SQLite store, with a fresh SecretBox key; plus the lab's control API.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SecretBox } from '@/lib/auth/secret-box';
import { saveDeployment } from '@/lib/deployments';
import { inventoryFromLab } from '@/lib/inventory/from-lab';
import type { LabEndpoints } from '@/lib/lab/topology';
import { closeAllPools } from '@/lib/sql';
import { createStepContext, type StepContext } from '@/lib/steps/context';
import { openDb, type Db } from '@/lib/store/db';

/** What GET /state tells about traffic: WinRM requests per host, TDS requests and logins per endpoint. */
export type Traffic = {
  winrm: Record<string, { requests: number }>;
  tds: Record<string, { requests: number; logins: number }>;
};

export type LabDeployment = {
  ep: LabEndpoints;
  rt: { db: Db; box: SecretBox };
  id: string;
  /** A step context on the deployment, closed with the deployment. */
  context(): StepContext;
  control(route: string, body?: Record<string, unknown>): Promise<unknown>;
  traffic(): Promise<Traffic>;
  /** CPU seconds the lab process and its children, live or reaped (the pwsh behind the commands), used so far. */
  labCpuSeconds(): number;
  close(): Promise<void>;
};

/** pid, ppid and utime + stime + cutime + cstime (seconds) of a /proc/<pid>/stat line. */
function readStat(pid: string): { ppid: number; cpu: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 4 and 14–17 of proc(5), counted from the state (field 3) here; clock ticks of 1/100 s.
    return { ppid: Number(f[1]), cpu: [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i]), 0) / 100 };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds of a process and all its descendants (Linux /proc; NaN elsewhere): the live ones
 * (the lab's warm PowerShell hosts live as long as the lab) and, through cutime/cstime, those
 * already reaped (a pwsh per command).
 */
export function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined || !readStat(String(pid))) return NaN;
  const all = new Map<number, { ppid: number; cpu: number }>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(name);
    if (st) all.set(Number(name), st);
  }
  let total = 0;
  const queue = [pid];
  for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
    total += all.get(p)?.cpu ?? 0;
    for (const [child, st] of all) if (st.ppid === p) queue.push(child);
  }
  return total;
}

export function openLabDeployment(ep: LabEndpoints, dir: string, labPid?: number): LabDeployment {
  const db = openDb(path.join(dir, 'wizard.db'));
  const rt = { db, box: new SecretBox(crypto.randomBytes(32)) };
  const id = saveDeployment(rt, null, inventoryFromLab(ep)).id;
  const contexts: StepContext[] = [];
  const call = async (method: 'GET' | 'POST', route: string, body?: Record<string, unknown>) => {
    const res = await fetch(`${ep.control.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${ep.control.token}`, 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`${method} ${route}: ${JSON.stringify(json)}`);
    return json;
  };
  return {
    ep,
    rt,
    id,
    context() {
      const ctx = createStepContext(rt, id);
      contexts.push(ctx);
      return ctx;
    },
    control: (route, body) => call('POST', route, body),
    traffic: async () => (await call('GET', '/state')) as Traffic,
    labCpuSeconds: () => cpuSecondsOf(labPid),
    async close() {
      await Promise.allSettled(contexts.map((c) => c.close()));
      await closeAllPools();
      db.close();
    },
  };
}
