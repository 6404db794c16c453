// Test helpers: both sides of the lab in one SQLite file in a temp folder, the physics on top,
// and the steps an operator would take (attach a worker, trust certificates, grant logins).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { createHash } from 'node:crypto';

import { LAB_LISTENER, openLabSql, type LabSqlEngine, type ScenarioName } from '@/lib/lab/sql';
import { errors, login, run } from '@/lib/lab/sql/test-helpers';
import { MASTER_APPID, MASTER_PORT, MASTER_SERVICE, WORKER_SERVICE, WindowsState } from '@/lib/lab/windows';
import { startServiceRaw, stopServiceRaw } from '@/lib/lab/windows/services';
import { DTS_BINN, masterSettingsXml, workerSettingsXml, writeHostFile } from '@/lib/lab/windows/hostfiles';
import { labCertificate } from '@/lib/lab/windows/scenario-parts';
import { windowsNames } from '@/lib/lab/windows-sql-link';

import { startPhysics, type Physics } from './index';

export const AGENT_ID = '6F2B8C1E-4D3A-4E7B-9A21-0C5D7E8F9A10';
export const MASTER_ACCOUNT = 'LAB\\svc-ssismaster';
export const LISTENER_NAME = `${LAB_LISTENER.dnsName},${LAB_LISTENER.port}`;

export interface PhysicsLab {
  dir: string;
  engine: LabSqlEngine;
  windows: WindowsState;
  physics: Physics;
  close(): Promise<void>;
}

export async function physicsLab(scenario: ScenarioName = 'half-done'): Promise<PhysicsLab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-physics-'));
  const engine = openLabSql(path.join(dir, 'lab.db'), { scenario });
  const windows = new WindowsState(engine.db, dir);
  // The hosts resolve Windows names (Windows logins, SUSER_SID) on the Windows side, as in the lab.
  engine.useWindowsNames(windowsNames(windows.store));
  // The Windows side names the SQL side's listener, so MasterSettings.config points at it.
  await windows.reset(scenario, { listener: { name: LAB_LISTENER.dnsName, port: LAB_LISTENER.port, ip: '10.0.0.40' } });
  const physics = await startPhysics({ sql: () => engine, windows, masterDnsName: 'SSISMASTER' });
  return {
    dir,
    engine,
    windows,
    physics,
    async close() {
      await physics.close();
      windows.close();
      engine.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function masterThumbprint(lab: PhysicsLab): string {
  return lab.windows.store.meta('masterThumbprint') ?? '';
}

export function workerThumbprint(lab: PhysicsLab, host = 'WORKER1'): string {
  const c = lab.windows.store.certificates(host, 'My')[0];
  if (!c) throw new Error(`no worker certificate on ${host}`);
  return c.thumbprint;
}

/**
 * Restarts a service that runs on `host`, as the docs require after any edit of its configuration
 * file (the service reads the file only when it starts); a stopped service reads it at its next start.
 */
export function restartIfRunning(lab: PhysicsLab, host: string, service: string): void {
  if (lab.windows.store.service(host, service)?.status !== 'Running') return;
  stopServiceRaw(lab.windows.store, host, service);
  startServiceRaw(lab.windows.store, host, service);
}

/**
 * Writes WorkerSettings.config on the worker and restarts the worker service (what Scale Out
 * Manager or the wizard does); `restart: false` leaves the running service on what it read before.
 */
export function writeWorkerSettings(lab: PhysicsLab, o: { endpoint?: string; masterThumbprint?: string; host?: string; restart?: boolean } = {}): void {
  const host = o.host ?? 'WORKER1';
  writeHostFile(
    lab.windows.store,
    host,
    `${DTS_BINN}\\WorkerSettings.config`,
    workerSettingsXml({
      displayName: host,
      masterEndpoint: o.endpoint ?? `https://SSISMASTER:${MASTER_PORT}`,
      masterThumbprint: o.masterThumbprint ?? masterThumbprint(lab),
      workerThumbprint: workerThumbprint(lab, host),
      agentId: AGENT_ID.toLowerCase(),
    }),
  );
  if (o.restart !== false) restartIfRunning(lab, host, WORKER_SERVICE);
}

/** Copies a certificate (public part) from one host's store into another's Root. */
export function trustCertificate(lab: PhysicsLab, from: { host: string; store: string; thumbprint: string }, onHost: string): void {
  const c = lab.windows.store.certificate(from.host, from.store, from.thumbprint);
  if (!c) throw new Error(`no certificate ${from.thumbprint} in ${from.host}\\${from.store}`);
  lab.windows.store.putCertificate(onHost, 'Root', { der: Buffer.from(c.der, 'base64') });
}

/** The whole documented worker attachment: master cert on the worker, worker cert on `masters`, settings. */
export function attachWorker(lab: PhysicsLab, masters: string[] = ['SQLNODE1', 'SQLNODE2']): void {
  trustCertificate(lab, { host: 'SQLNODE1', store: 'Root', thumbprint: masterThumbprint(lab) }, 'WORKER1');
  for (const m of masters) trustCertificate(lab, { host: 'WORKER1', store: 'My', thumbprint: workerThumbprint(lab) }, m);
  writeWorkerSettings(lab);
}

/** The master's domain account: a login on every replica, a user in ssis_admin in SSISDB (on the primary). */
export function grantMasterLogin(lab: PhysicsLab, instances: string[] = ['SQLNODE1', 'SQLNODE2']): void {
  for (const i of instances) {
    const s = login(lab.engine, i);
    expectNoErrors(run(lab.engine, s, `CREATE LOGIN [${MASTER_ACCOUNT}] FROM WINDOWS`));
  }
  const p = login(lab.engine, 'SQLNODE1', 'admin', 'SSISDB');
  expectNoErrors(run(lab.engine, p, `CREATE USER [${MASTER_ACCOUNT}] FOR LOGIN [${MASTER_ACCOUNT}]; ALTER ROLE [ssis_admin] ADD MEMBER [${MASTER_ACCOUNT}]`));
}

function expectNoErrors(items: Parameters<typeof errors>[0]): void {
  const e = errors(items);
  if (e.length) throw new Error(`unexpected SQL errors: ${JSON.stringify(e)}`);
}

/** Writes MasterSettings.config on `host` and restarts the master service if it runs there (`restart: false`: not). */
export function writeMasterSettings(lab: PhysicsLab, host: string, sqlServerName: string, o: { restart?: boolean } = {}): void {
  writeHostFile(lab.windows.store, host, `${DTS_BINN}\\MasterSettings.config`, masterSettingsXml({ port: MASTER_PORT, thumbprint: masterThumbprint(lab), sqlServerName }));
  if (o.restart !== false) restartIfRunning(lab, host, MASTER_SERVICE);
}

/** Gives `host` its own master certificate (in Root with its key) and binds it on 8391. */
export async function bindOwnCertificate(lab: PhysicsLab, host: string, names: string[]): Promise<string> {
  const cert = await labCertificate(`physics-${host}`, names);
  const store = lab.windows.store;
  const thumb = store.putCertificate(host, 'Root', { der: cert.certificateDer, privateKeyPem: cert.privateKeyPem, exportable: true });
  store.putSslBinding(host, { ipPort: `0.0.0.0:${MASTER_PORT}`, certHash: thumb, appId: MASTER_APPID, certStoreName: 'Root', clientCertNegotiation: true });
  return thumb;
}

export function lastOnline(lab: PhysicsLab): string | null {
  const w = lab.engine.snapshot().ssisdb[0]?.workers.find((x) => x.id.toUpperCase() === AGENT_ID);
  return w?.lastOnline ?? null;
}

/** Connects like `openssl s_client` and returns the thumbprint served, or the connection error. */
export function servedThumbprint(port: number, servername = 'SSISMASTER'): Promise<{ thumbprint: string } | { error: string }> {
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      const raw = s.getPeerCertificate().raw;
      s.destroy();
      resolve({ thumbprint: createHash('sha1').update(raw).digest('hex').toUpperCase() });
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
