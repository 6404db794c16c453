// Files on a simulated host: `C:\...` maps to `<stateDir>/hosts/<HOST>/C/...`, a real folder, so
// scripts read and write them with ordinary PowerShell cmdlets through the C: PSDrive.

import fs from 'node:fs';
import path from 'node:path';

import type { WindowsStore } from './store';

/** The real path of a `C:\...` path on a host. Other drives do not exist in the lab. */
export function hostPath(store: WindowsStore, host: string, windowsPath: string): string {
  const m = /^C:[\\/]?(.*)$/i.exec(windowsPath);
  if (!m) throw new Error(`The lab hosts have only a C: drive: ${windowsPath}`);
  const rel = (m[1] ?? '').split(/[\\/]+/).filter((p) => p !== '' && p !== '.' && p !== '..');
  return path.join(store.driveRoot(host), ...rel);
}

export function writeHostFile(store: WindowsStore, host: string, windowsPath: string, content: string | Buffer): void {
  const p = hostPath(store, host, windowsPath);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
}

export function readHostFile(store: WindowsStore, host: string, windowsPath: string): Buffer | undefined {
  const p = hostPath(store, host, windowsPath);
  return fs.existsSync(p) ? fs.readFileSync(p) : undefined;
}

/** A text file as Windows tools write it: UTF-8 with BOM, CRLF line ends. */
export function windowsText(lines: string[]): Buffer {
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n') + '\r\n', 'utf8')]);
}

export const SQL160_ROOT = 'C:\\Program Files\\Microsoft SQL Server\\160';
export const DTS_BINN = `${SQL160_ROOT}\\DTS\\Binn`;

export function masterSettingsXml(o: { port: number; thumbprint: string; sqlServerName: string }): Buffer {
  return windowsText([
    '<?xml version="1.0" encoding="utf-8"?>',
    '<MasterSettings xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
    `  <PortNumber>${o.port}</PortNumber>`,
    `  <SSLCertThumbprint>${o.thumbprint}</SSLCertThumbprint>`,
    `  <SqlServerName>${o.sqlServerName}</SqlServerName>`,
    '  <CleanupCompletedJobsIntervalInMs>43200000</CleanupCompletedJobsIntervalInMs>',
    '  <DealWithExpiredTasksIntervalInMs>300000</DealWithExpiredTasksIntervalInMs>',
    '  <MasterHeartbeatIntervalInMs>30000</MasterHeartbeatIntervalInMs>',
    '  <SqlConnectionTimeoutInSecs>15</SqlConnectionTimeoutInSecs>',
    '</MasterSettings>',
  ]);
}

export function workerSettingsXml(o: { displayName: string; masterEndpoint: string; masterThumbprint: string; workerThumbprint: string; agentId: string }): Buffer {
  return windowsText([
    '<?xml version="1.0" encoding="utf-8"?>',
    '<WorkerSettings xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
    `  <DisplayName>${o.displayName}</DisplayName>`,
    '  <Description />',
    `  <MasterEndpoint>${o.masterEndpoint}</MasterEndpoint>`,
    `  <MasterHttpsCertThumbprint>${o.masterThumbprint}</MasterHttpsCertThumbprint>`,
    `  <WorkerHttpsCertThumbprint>${o.workerThumbprint}</WorkerHttpsCertThumbprint>`,
    '  <StoreLocation>LocalMachine</StoreLocation>',
    '  <StoreName>My</StoreName>',
    '  <AgentHeartbeatInterval>00:01:00</AgentHeartbeatInterval>',
    '  <TaskHeartbeatInterval>00:00:10</TaskHeartbeatInterval>',
    '  <HeartbeatErrorTollerance>00:10:00</HeartbeatErrorTollerance>',
    '  <TaskRequestMaxCPU>70.0</TaskRequestMaxCPU>',
    '  <TaskRequestMinMemory>100.0</TaskRequestMinMemory>',
    '  <MaxTaskCount>10</MaxTaskCount>',
    '  <LeaseInternval>00:01:00</LeaseInternval>',
    '  <TasksRootFolder></TasksRootFolder>',
    '  <TaskLogLevel>126</TaskLogLevel>',
    '  <TaskLogSegment>00:00:00</TaskLogSegment>',
    '  <TaskLogEnabled>true</TaskLogEnabled>',
    '  <ExecutionLogCacheFolder></ExecutionLogCacheFolder>',
    '  <ExecutionLogMaxBufferLogCount>10000</ExecutionLogMaxBufferLogCount>',
    '  <ExecutionLogMaxInMemoryBufferCount>10</ExecutionLogMaxInMemoryBufferCount>',
    '  <ExecutionLogRetryCount>3</ExecutionLogRetryCount>',
    '  <ExecutionLogRetryTimeout>7.00:00:00</ExecutionLogRetryTimeout>',
    `  <AgentId>${o.agentId}</AgentId>`,
    '</WorkerSettings>',
  ]);
}
