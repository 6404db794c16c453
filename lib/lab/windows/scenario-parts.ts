// Building blocks of the Windows scenarios: a domain-joined host, SQL Server 2022 with the Scale
// Out Master or Worker as setup leaves it, and the certificates setup makes.

import { createHash } from 'node:crypto';

import { generateSelfSignedCertificate, type GeneratedCertificate } from '@/lib/certs/generate';

import { DTS_BINN, SQL160_ROOT, masterSettingsXml, workerSettingsXml, writeHostFile } from './hostfiles';
import type { WindowsStore } from './store';
import type { ServiceInfo } from './types';
import { LAB_DNS_DOMAIN, LAB_DOMAIN } from './types';

/** Domain accounts of the lab and their passwords (lab-only secrets, shared with the WinRM side). */
export const LAB_ACCOUNTS = [
  { domain: LAB_DOMAIN, name: 'Administrator', password: 'Lab-Admin-2022!' },
  { domain: LAB_DOMAIN, name: 'svc-ssismaster', password: 'Ssis-Master-2022!' },
  { domain: LAB_DOMAIN, name: 'svc-ssisworker', password: 'Ssis-Worker-2022!' },
  { domain: LAB_DOMAIN, name: 'svc-sql', password: 'Sql-Engine-2022!' },
  // The DBA: a sysadmin login on every instance of the SQL side's scenarios (LAB_DOMAIN_ADMIN).
  { domain: LAB_DOMAIN, name: 'sqladmin', password: 'Sql-Dba-2022!' },
] as const;

export const MASTER_SERVICE = 'SSISScaleOutMaster160';
export const WORKER_SERVICE = 'SSISScaleOutWorker160';
export const MASTER_PORT = 8391;
/** The appid SSIS setup registers the master's binding with (any fixed GUID: not documented). */
export const MASTER_APPID = '{7c5b3b7e-6f1a-4d8e-9c25-3e1f0a6b8d42}';

const now = () => new Date().toISOString();

export function addDomainHost(store: WindowsStore, name: string, ip: string): void {
  store.addHost({ name, fqdn: `${name.toLowerCase()}.${LAB_DNS_DOMAIN}`, domain: LAB_DOMAIN, ip, up: true, pendingReboot: false, bootTime: now() });
  store.registerDns(name, ip, LAB_DNS_DOMAIN);
  for (const f of ['NET-Framework-45-Features', 'NET-Framework-45-Core', 'PowerShellRoot', 'PowerShell']) store.setFeatureState(name, f, 'Installed');
  service(store, name, { name: 'WinRM', displayName: 'Windows Remote Management (WS-Management)', startName: 'NT AUTHORITY\\NetworkService', pathName: 'C:\\Windows\\System32\\svchost.exe -k NetworkService -p' });
  service(store, name, { name: 'RemoteRegistry', displayName: 'Remote Registry', status: 'Stopped', startType: 'Manual', startName: 'NT AUTHORITY\\LocalService', pathName: 'C:\\Windows\\system32\\svchost.exe -k localService -p' });
  store.createRegistryKey(name, 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL');
  for (const dir of ['Windows\\Temp', 'Windows\\Cluster\\Reports', 'Users\\Public', 'ProgramData']) writeHostFile(store, name, `C:\\${dir}\\.keep`, '');
}

let pid = 1200;
export function service(store: WindowsStore, host: string, s: Partial<ServiceInfo> & Pick<ServiceInfo, 'name' | 'displayName' | 'startName' | 'pathName'>): void {
  const status = s.status ?? 'Running';
  store.putService(host, {
    description: '',
    status,
    startType: 'Automatic',
    delayedAutoStart: false,
    logonValid: true,
    processId: status === 'Running' ? (pid += 4) : 0,
    ...s,
  });
}

export function installFailoverClustering(store: WindowsStore, host: string): void {
  for (const f of ['Failover-Clustering', 'RSAT', 'RSAT-Feature-Tools', 'RSAT-Clustering', 'RSAT-Clustering-Mgmt', 'RSAT-Clustering-PowerShell']) {
    store.setFeatureState(host, f, 'Installed');
  }
  service(store, host, { name: 'ClusSvc', displayName: 'Cluster Service', startName: 'LocalSystem', pathName: 'C:\\Windows\\Cluster\\clussvc.exe' });
}

function sqlRegistry(store: WindowsStore, host: string): void {
  const base = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Microsoft SQL Server';
  store.setRegistryValue(host, `${base}\\160\\SSIS\\Setup`, 'DTSPath', 'String', `${SQL160_ROOT}\\DTS\\`);
  store.setRegistryValue(host, `${base}\\160\\DTS\\Setup`, 'Version', 'String', '16.0.1000.6');
}

/** SQL Server 2022 default instance + SSIS + Scale Out Master, as setup leaves a master node. */
export function installSqlAndMaster(store: WindowsStore, host: string, o: { masterAccount: string; cert: GeneratedCertificate; exportable: boolean; sqlServerName: string }): void {
  const base = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Microsoft SQL Server';
  service(store, host, {
    name: 'MSSQLSERVER',
    displayName: 'SQL Server (MSSQLSERVER)',
    startName: `${LAB_DOMAIN}\\svc-sql`,
    pathName: '"C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe" -sMSSQLSERVER',
  });
  service(store, host, {
    name: 'SQLSERVERAGENT',
    displayName: 'SQL Server Agent (MSSQLSERVER)',
    startName: `${LAB_DOMAIN}\\svc-sql`,
    pathName: '"C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn\\SQLAGENT.EXE" -i MSSQLSERVER',
  });
  service(store, host, { name: 'MsDtsServer160', displayName: 'SQL Server Integration Services 16.0', startName: 'NT Service\\MsDtsServer160', pathName: `"${DTS_BINN}\\MsDtsSrvr.exe"` });
  service(store, host, {
    name: MASTER_SERVICE,
    displayName: 'SQL Server Integration Services Scale Out Master 16.0',
    description: 'Scale Out Master for SQL Server Integration Services Scale Out',
    startName: o.masterAccount,
    pathName: `"${DTS_BINN}\\MasterWindowsService.exe"`,
  });
  store.setRegistryValue(host, `${base}\\Instance Names\\SQL`, 'MSSQLSERVER', 'String', 'MSSQL16.MSSQLSERVER');
  // The instance's own key. Its LoginMode value is the SQL side's (linked by windows-side.ts).
  store.createRegistryKey(host, `${base}\\MSSQL16.MSSQLSERVER\\MSSQLServer`);
  sqlRegistry(store, host);
  store.setRegistryValue(host, `${base}\\160\\DTS\\Setup\\SQL_IS_Master`, 'Version', 'String', '16.0.1000.6');
  installMasterCertificate(store, host, o.cert, o.exportable, o.sqlServerName);
}

/** The master certificate in Root (with key), bound on 8391, named in MasterSettings.config and as SSISScaleOutMaster.cer. */
export function installMasterCertificate(store: WindowsStore, host: string, cert: GeneratedCertificate, exportable: boolean, sqlServerName: string): string {
  const thumb = store.putCertificate(host, 'Root', { der: cert.certificateDer, privateKeyPem: cert.privateKeyPem, exportable, friendlyName: 'SSISScaleOutMaster' });
  store.deleteSslBinding(host, `0.0.0.0:${MASTER_PORT}`);
  store.putSslBinding(host, { ipPort: `0.0.0.0:${MASTER_PORT}`, certHash: thumb, appId: MASTER_APPID, certStoreName: 'Root', clientCertNegotiation: true });
  writeHostFile(store, host, `${DTS_BINN}\\MasterSettings.config`, masterSettingsXml({ port: MASTER_PORT, thumbprint: thumb, sqlServerName }));
  writeHostFile(store, host, `${DTS_BINN}\\SSISScaleOutMaster.cer`, cert.certificateDer);
  return thumb;
}

/** WORKER1's AgentId (the one the settings fixtures carry); other workers get their own. */
const WORKER1_AGENT_ID = '6f2b8c1e-4d3a-4e7b-9a21-0c5d7e8f9a10';

/** Worker setup writes a new GUID per machine; the lab derives a stable one from the host name (a reset keeps it). */
export function workerAgentId(host: string): string {
  if (host.toUpperCase() === 'WORKER1') return WORKER1_AGENT_ID;
  const h = createHash('sha256').update(`worker-agent:${host.toUpperCase()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function installWorker(store: WindowsStore, host: string, cert: GeneratedCertificate): void {
  service(store, host, { name: 'MsDtsServer160', displayName: 'SQL Server Integration Services 16.0', startName: 'NT Service\\MsDtsServer160', pathName: `"${DTS_BINN}\\MsDtsSrvr.exe"` });
  service(store, host, {
    name: WORKER_SERVICE,
    displayName: 'SQL Server Integration Services Scale Out Worker 16.0',
    description: 'Scale Out Worker for SQL Server Integration Services Scale Out',
    startName: `NT Service\\${WORKER_SERVICE}`,
    pathName: `"${DTS_BINN}\\WorkerWindowsService.exe"`,
  });
  sqlRegistry(store, host);
  store.setRegistryValue(host, 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Microsoft SQL Server\\160\\DTS\\Setup\\SQL_IS_Worker', 'Version', 'String', '16.0.1000.6');
  const thumb = store.putCertificate(host, 'My', { der: cert.certificateDer, privateKeyPem: cert.privateKeyPem, exportable: true, friendlyName: 'SSISScaleOutWorker' });
  store.putCertificate(host, 'Root', { der: cert.certificateDer });
  writeHostFile(store, host, `${DTS_BINN}\\SSISScaleOutWorker.cer`, cert.certificateDer);
  writeHostFile(
    store,
    host,
    `${DTS_BINN}\\WorkerSettings.config`,
    workerSettingsXml({ displayName: host, masterEndpoint: '', masterThumbprint: '', workerThumbprint: thumb, agentId: workerAgentId(host) }),
  );
}

// Key generation is the slow part of a reset; a lab process makes each certificate once.
const certCache = new Map<string, Promise<GeneratedCertificate>>();
export function labCertificate(label: string, names: string[]): Promise<GeneratedCertificate> {
  const key = `${label}:${names.join(',')}`;
  let p = certCache.get(key);
  if (!p) {
    p = generateSelfSignedCertificate({ names, validityDays: 1825 });
    certCache.set(key, p);
  }
  return p;
}
