// Starting points of the Windows side, named like the SQL side's scenarios.
//  fresh:         two master nodes in cluster SSISCLU with SQL Server 2022 + Scale Out Master set
//                 up (same certificate, CNs include SSISMASTER, bound on 8391, domain account),
//                 no cluster role yet; the workers (WORKER1, or WORKER1..n of the topology) with
//                 the worker installed, each with its own certificate, but not attached.
//  half-done:     fresh + master services Manual, the Generic Service role SSISMASTER online on
//                 SQLNODE1, but MasterSettings.config points at the listener on SQLNODE1 only.
//  misconfigured: primary certificate without SSISMASTER, the secondary binding another
//                 certificate, and the secondary's master service under NT Service\SSISScaleOutMaster160;
//                 WORKER1 attached to SSISMASTER (trusting the certificate SQLNODE1 binds), its own
//                 certificate imported into Root on SQLNODE1 only (a failover to SQLNODE2 gives 403).

import fs from 'node:fs';
import path from 'node:path';

import type { GeneratedCertificate } from '@/lib/certs/generate';

import { addCoreGroups, addGenericServiceRole } from './roles';
import { DTS_BINN, masterSettingsXml, workerSettingsXml, writeHostFile } from './hostfiles';
import { clearWindowsTables } from './schema';
import {
  LAB_ACCOUNTS,
  MASTER_PORT,
  MASTER_SERVICE,
  addDomainHost,
  installFailoverClustering,
  installSqlAndMaster,
  installWorker,
  labCertificate,
  workerAgentId,
} from './scenario-parts';
import type { WindowsStore } from './store';
import { LAB_DNS_DOMAIN, LAB_DOMAIN } from './types';

export const WINDOWS_SCENARIOS = ['fresh', 'half-done', 'misconfigured'] as const;
export type WindowsScenarioName = (typeof WINDOWS_SCENARIOS)[number];

export interface ScenarioOptions {
  masterDnsName?: string;
  masterIp?: string;
  /** The worker hosts (default LAB_TOPOLOGY.workers: WORKER1 alone); see labWorkers(). */
  workers?: readonly WorkerHost[];
  /** The AG listener the SQL side's half-done scenario has (the name is registered in DNS). */
  listener?: { name: string; port: number; ip: string };
}

export const LAB_TOPOLOGY = {
  cluster: { name: 'SSISCLU', ip: '10.0.0.10' },
  masters: [
    { name: 'SQLNODE1', ip: '10.0.0.11' },
    { name: 'SQLNODE2', ip: '10.0.0.12' },
  ],
  workers: [{ name: 'WORKER1', ip: '10.0.0.21' }],
  masterDnsName: 'SSISMASTER',
  masterIp: '10.0.0.50',
  listener: { name: 'SSISAGL', port: 1433, ip: '10.0.0.40' },
} as const;

export type WorkerHost = { name: string; ip: string };

/**
 * The worker hosts of a topology: WORKER1 keeps its address in the servers' subnet, the others
 * get 10.0.1.n (room for the 64 workers `npm run lab -- --workers` allows).
 */
export function labWorkers(names: readonly string[]): WorkerHost[] {
  return names.map((name, i) => (i === 0 && name === LAB_TOPOLOGY.workers[0].name ? { ...LAB_TOPOLOGY.workers[0] } : { name, ip: `10.0.1.${i + 1}` }));
}

/** Each worker's own certificate, as Scale Out Worker setup makes it (CN = host, FQDN, IP). */
function workerCertificates(workers: readonly WorkerHost[]): Promise<GeneratedCertificate[]> {
  const fq = (h: string) => `${h.toLowerCase()}.${LAB_DNS_DOMAIN}`;
  return Promise.all(workers.map((w) => labCertificate('worker', [w.name, fq(w.name), w.ip])));
}

/** Every worker alike: domain-joined, SQL Server's SSIS + Scale Out Worker installed with its own certificate, not attached. */
function installWorkers(store: WindowsStore, workers: readonly WorkerHost[], certs: readonly GeneratedCertificate[]): void {
  workers.forEach((w, i) => {
    addDomainHost(store, w.name, w.ip);
    installWorker(store, w.name, certs[i]!);
  });
}

/** Adds the topology's workers a kept state does not have yet (a lab restarted with more --workers). */
export async function ensureWorkers(store: WindowsStore, workers: readonly WorkerHost[]): Promise<string[]> {
  const missing = workers.filter((w) => !store.host(w.name));
  if (missing.length) {
    const certs = await workerCertificates(missing);
    store.tx(() => installWorkers(store, missing, certs));
  }
  return missing.map((w) => w.name);
}

export function isWindowsScenario(name: string): name is WindowsScenarioName {
  return (WINDOWS_SCENARIOS as readonly string[]).includes(name);
}

/** Replaces the whole Windows state (tables and host folders) with the scenario's. */
export async function loadScenario(store: WindowsStore, name: WindowsScenarioName, options: ScenarioOptions = {}): Promise<void> {
  const t = LAB_TOPOLOGY;
  const master = options.masterDnsName ?? t.masterDnsName;
  const [n1, n2] = t.masters;
  const workers = options.workers ?? t.workers;
  const fq = (h: string) => `${h.toLowerCase()}.${LAB_DNS_DOMAIN}`;
  // Certificates first (async), then one synchronous rebuild.
  const shared = await labCertificate('master', [master, fq(master), n1.name, fq(n1.name), n2.name, fq(n2.name)]);
  const primaryOnly = await labCertificate('primary-no-cap', [n1.name, fq(n1.name), n1.ip]);
  const secondaryOwn = await labCertificate('secondary-own', [n2.name, fq(n2.name), n2.ip]);
  const workerCerts = await workerCertificates(workers);

  clearWindowsTables(store.db);
  fs.rmSync(path.join(store.stateDir, 'hosts'), { recursive: true, force: true });
  store.tx(() => {
    store.setMeta('scenario', name);
    for (const a of LAB_ACCOUNTS) store.addAccount(a.domain, a.name, a.password);
    store.registerDns('dc1', '10.0.0.2', LAB_DNS_DOMAIN);
    const domainAccount = `${LAB_DOMAIN}\\svc-ssismaster`;
    for (const n of t.masters) {
      addDomainHost(store, n.name, n.ip);
      installFailoverClustering(store, n.name);
    }

    const misconfigured = name === 'misconfigured';
    installSqlAndMaster(store, n1.name, { masterAccount: domainAccount, cert: misconfigured ? primaryOnly : shared, exportable: true, sqlServerName: n1.name });
    installSqlAndMaster(store, n2.name, {
      masterAccount: misconfigured ? `NT Service\\${MASTER_SERVICE}` : domainAccount,
      cert: misconfigured ? secondaryOwn : shared,
      // The secondary got the certificate from a PFX imported without -Exportable.
      exportable: false,
      sqlServerName: n2.name,
    });

    store.addCluster({ name: t.cluster.name, fqdn: fq(t.cluster.name), ip: t.cluster.ip, domain: LAB_DOMAIN });
    for (const n of t.masters) store.addClusterNode(t.cluster.name, n.name);
    addCoreGroups(store, t.cluster.name, n1.name, t.cluster.ip, false);
    store.setMeta('masterThumbprint', store.sslBinding(n1.name, `0.0.0.0:${MASTER_PORT}`)?.certHash.toUpperCase() ?? '');

    if (name === 'half-done') {
      const listener = options.listener ?? t.listener;
      store.registerDns(listener.name, listener.ip, LAB_DNS_DOMAIN);
      for (const n of t.masters) store.updateService(n.name, MASTER_SERVICE, { startType: 'Manual', status: 'Stopped', processId: 0 });
      // The file first: the service the role starts reads it when it starts (and only then).
      const thumb = store.meta('masterThumbprint') ?? '';
      writeHostFile(store, n1.name, `${DTS_BINN}\\MasterSettings.config`, masterSettingsXml({ port: MASTER_PORT, thumbprint: thumb, sqlServerName: `${listener.name},${listener.port}` }));
      addGenericServiceRole(
        store,
        n1.name,
        { serviceName: MASTER_SERVICE, name: master, staticAddress: [options.masterIp ?? t.masterIp] },
        { remote: false, auth: 'local' },
      );
    }
    installWorkers(store, workers, workerCerts);
    if (misconfigured && workers[0]) attachHalfway(store, workers[0].name, workerCerts[0]!, n1.name, `https://${master}:${MASTER_PORT}`);
  });
}

/**
 * A worker attached the way the Scale Out Manager's "Connect worker" leaves it when the DBA did
 * it before the second master node existed: the master certificate (the one `masterNode` binds)
 * in the worker's Root, WorkerSettings.config pointing at the master, and the worker's own
 * certificate in Root on `masterNode` only.
 */
function attachHalfway(store: WindowsStore, worker: string, cert: GeneratedCertificate, masterNode: string, endpoint: string): void {
  const masterThumb = store.sslBinding(masterNode, `0.0.0.0:${MASTER_PORT}`)?.certHash ?? '';
  const masterCert = store.certificate(masterNode, 'Root', masterThumb);
  if (!masterCert) throw new Error(`No certificate ${masterThumb} in Root on ${masterNode}`);
  store.putCertificate(worker, 'Root', { der: Buffer.from(masterCert.der, 'base64') });
  const workerThumb = store.putCertificate(masterNode, 'Root', { der: cert.certificateDer });
  writeHostFile(
    store,
    worker,
    `${DTS_BINN}\\WorkerSettings.config`,
    workerSettingsXml({ displayName: worker, masterEndpoint: endpoint, masterThumbprint: masterThumb.toUpperCase(), workerThumbprint: workerThumb, agentId: workerAgentId(worker) }),
  );
}
