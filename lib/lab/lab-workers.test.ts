// The Windows side follows the topology's workers: a lab started with 3 workers has 3 worker
// hosts, each answering over its own WinRM endpoint with its worker service, its own
// WorkerSettings.config and certificate, and each heartbeating through the physics.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PWSH_AVAILABLE } from '@/lib/lab/winrm/test-support';
import { labClient } from '@/lib/winrm/lab-client.test-helper';
import { startLab, type Lab } from './lab';
import { DTS_BINN, readHostFile } from './windows/hostfiles';
import { ensureWorkers, labWorkers } from './windows/scenarios';
import { startTestLab as startWindowsTestLab } from './windows/test-support';

const SCRIPT = `
$svc = Get-Service -Name SSISScaleOutWorker160
[xml]$settings = Get-Content -Raw -Path 'C:\\Program Files\\Microsoft SQL Server\\160\\DTS\\Binn\\WorkerSettings.config'
$thumb = $settings.WorkerSettings.WorkerHttpsCertThumbprint
$cert = Get-ChildItem -Path "Cert:\\LocalMachine\\My\\$thumb"
[pscustomobject]@{
  computer = $env:COMPUTERNAME
  service = $svc.Name
  status = [string]$svc.Status
  displayName = $settings.WorkerSettings.DisplayName
  agentId = $settings.WorkerSettings.AgentId
  thumbprint = $thumb
  subject = $cert.Subject
}`;
const answer = z.object({ computer: z.string(), service: z.string(), status: z.string(), displayName: z.string(), agentId: z.string(), thumbprint: z.string(), subject: z.string() });

let lab: Lab;
let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-workers-'));
  lab = await startLab({ scenario: 'fresh', stateDir: dir, token: 'workers-test', workers: 3 });
}, 60_000);
afterAll(async () => {
  await lab?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!PWSH_AVAILABLE)('a lab with 3 workers', () => {
  it('has 3 Windows worker hosts whose worker services answer through WinRM, each with its own settings and certificate', async () => {
    const workers = ['WORKER1', 'WORKER2', 'WORKER3'];
    expect(lab.endpoints.topology.workers).toEqual(workers);
    expect(Object.keys(lab.endpoints.hosts)).toEqual(['SQLNODE1', 'SQLNODE2', ...workers]);
    const caPem = fs.readFileSync(lab.endpoints.caCertPath, 'utf8');
    const rows = await Promise.all(
      workers.map(async (host) => {
        const c = labClient(lab.endpoints, caPem, host, 'https-ntlm');
        try {
          return (await c.runPowerShell(SCRIPT, { schema: answer })).value;
        } finally {
          await c.close();
        }
      }),
    );
    for (const [i, host] of workers.entries())
      expect(rows[i]).toMatchObject({ computer: host, service: 'SSISScaleOutWorker160', status: 'Running', displayName: host, subject: expect.stringContaining(`CN=${host}`) });
    expect(new Set(rows.map((r) => r.thumbprint)).size).toBe(3);
    expect(new Set(rows.map((r) => r.agentId)).size).toBe(3);
    // Distinct addresses in the lab DNS, and a heartbeat outcome per worker from the physics.
    const hosts = lab.endpoints.hosts;
    expect(workers.map((w) => hosts[w]!.fqdn)).toEqual(['worker1.lab.example', 'worker2.lab.example', 'worker3.lab.example']);
    type LabState = { windows: { hosts: { name: string; ip: string }[] }; physics: { workers: { host: string }[] } };
    const read = async () => (await (await fetch(`${lab.endpoints.control.url}/state`, { headers: { authorization: 'Bearer workers-test' } })).json()) as LabState;
    const ips = workers.map(async (w) => (await read()).windows.hosts.find((h) => h.name === w)?.ip);
    expect(new Set(await Promise.all(ips))).toEqual(new Set(['10.0.0.21', '10.0.1.2', '10.0.1.3']));
    // The physics tick every 5 s: each worker gets its own heartbeat outcome.
    await expect.poll(async () => (await read()).physics.workers.map((w) => w.host), { timeout: 12_000, interval: 500 }).toEqual(workers);
  }, 60_000);
});

describe('a kept Windows state and a topology with more workers', () => {
  it('adds the missing workers as installed, not attached, and leaves the others alone', async () => {
    const t = await startWindowsTestLab();
    try {
      const store = t.state.store;
      expect(store.hosts().filter((h) => h.name.startsWith('WORKER')).map((h) => h.name)).toEqual(['WORKER1']);
      const before = store.certificates('WORKER1', 'My').map((c) => c.thumbprint);
      expect(await ensureWorkers(store, labWorkers(['WORKER1', 'WORKER2', 'WORKER3']))).toEqual(['WORKER2', 'WORKER3']);
      for (const w of ['WORKER2', 'WORKER3']) {
        expect(store.service(w, 'SSISScaleOutWorker160')?.status).toBe('Running');
        expect(store.certificates(w, 'My')).toHaveLength(1);
        const settings = readHostFile(store, w, `${DTS_BINN}\\WorkerSettings.config`)?.toString('utf8') ?? '';
        expect(settings).toContain(`<DisplayName>${w}</DisplayName>`);
        expect(settings).toContain('<MasterEndpoint></MasterEndpoint>');
      }
      expect(store.host('WORKER3')?.ip).toBe('10.0.1.3');
      expect(store.certificates('WORKER1', 'My').map((c) => c.thumbprint)).toEqual(before);
      expect(await ensureWorkers(store, labWorkers(['WORKER1', 'WORKER2', 'WORKER3']))).toEqual([]);
    } finally {
      await t.close();
    }
  }, 30_000);
});
