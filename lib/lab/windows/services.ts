// Service Control Manager physics: start/stop/startup type/logon account, with the Win32 error
// codes and Win32_Service method return values Windows gives, and when each service's process
// started (Win32_Process.CreationDate: a service reads its configuration only when it starts).

import { WinError, WIN32 } from './errors';
import { DTS_BINN, readHostFile } from './hostfiles';
import { MASTER_SERVICE, WORKER_SERVICE } from './scenario-parts';
import type { WindowsStore } from './store';
import type { ServiceInfo, ServiceStartType } from './types';

const GET = 'Microsoft.PowerShell.Commands';

export function requireService(store: WindowsStore, host: string, name: string, command = 'GetServiceCommand'): ServiceInfo {
  const s = store.service(host, name);
  if (!s) {
    throw new WinError(`Cannot find any service with service name '${name}'.`, {
      id: `NoServiceFoundForGivenName,${GET}.${command}`,
      category: 'ObjectNotFound',
      exception: 'InvalidOperationException',
      target: name,
    });
  }
  return s;
}

let nextPid = 4100;

/** Starts a service as SCM would; throws a Win32 error (code + text) on failure. */
export function startServiceRaw(store: WindowsStore, host: string, name: string): ServiceInfo {
  const s = requireService(store, host, name);
  if (s.status === 'Running') return s;
  if (s.startType === 'Disabled') throw win32(1058, name);
  // SCM checks the logon only when it starts the process: a bad password set earlier fails now.
  if (!s.logonValid) throw win32(1069, name);
  nextPid += 4;
  const started = store.updateService(host, name, { status: 'Running', processId: nextPid });
  store.setMeta(startKey(host, name), JSON.stringify({ pid: nextPid, at: new Date().toISOString() }));
  if (CONFIG_READ_AT_START[name.toLowerCase()]) readConfigAtStart(store, host, name, nextPid);
  return started;
}

/**
 * The configuration file each Scale Out service reads when its process starts, and only then: the
 * docs' restart rule ("restart the service after any edit to the file", reference
 * ssis-scale-out-ha.md on MasterSettings.config and WorkerSettings.config).
 */
const CONFIG_READ_AT_START: Record<string, string> = {
  [MASTER_SERVICE.toLowerCase()]: `${DTS_BINN}\\MasterSettings.config`,
  [WORKER_SERVICE.toLowerCase()]: `${DTS_BINN}\\WorkerSettings.config`,
};

const configKey = (host: string, name: string) => `process-config:${host.toUpperCase()}:${name.toLowerCase()}`;

function readConfigAtStart(store: WindowsStore, host: string, name: string, pid: number): Buffer | undefined {
  const bytes = readHostFile(store, host, CONFIG_READ_AT_START[name.toLowerCase()]!);
  store.setMeta(configKey(host, name), JSON.stringify({ pid, base64: bytes ? bytes.toString('base64') : null }));
  return bytes;
}

/**
 * The configuration file (MasterSettings.config, WorkerSettings.config) as the running service's
 * process read it when it started: an edit since then takes effect only at the next start.
 * undefined when the service is not running or the file was missing then. A process a scenario
 * left running read the file as it is at the first look after the reset (setup writes the file
 * before it starts the service), like serviceStartTime.
 */
export function configAsStarted(store: WindowsStore, host: string, name: string): Buffer | undefined {
  if (!CONFIG_READ_AT_START[name.toLowerCase()]) throw new Error(`The lab does not know which configuration file ${name} reads.`);
  const s = store.service(host, name);
  if (s?.status !== 'Running' || !s.processId) return undefined;
  const raw = store.meta(configKey(host, name));
  if (raw) {
    const r = JSON.parse(raw) as { pid: number; base64: string | null };
    if (r.pid === s.processId) return r.base64 === null ? undefined : Buffer.from(r.base64, 'base64');
  }
  return readConfigAtStart(store, host, name, s.processId);
}

const startKey = (host: string, name: string) => `process-start:${host.toUpperCase()}:${name.toLowerCase()}`;
const epochKey = (host: string) => `process-epoch:${host.toUpperCase()}`;

/**
 * When the running service's process started (ISO 8601, UTC, from the lab's one clock, the same
 * that stamps the host's files), or null when it is not running. A start the lab made itself is
 * recorded; a process a scenario left running has no recorded start: it gets the moment the
 * host's processes are first looked at after the reset, i.e. after every file the scenario wrote
 * (setup writes its configuration before it starts the services).
 */
export function serviceStartTime(store: WindowsStore, host: string, s: ServiceInfo): string | null {
  if (s.status !== 'Running' || !s.processId) return null;
  const raw = store.meta(startKey(host, s.name));
  if (raw) {
    const r = JSON.parse(raw) as { pid: number; at: string };
    if (r.pid === s.processId) return r.at;
  }
  let epoch = store.meta(epochKey(host));
  if (!epoch) {
    epoch = new Date().toISOString();
    store.setMeta(epochKey(host), epoch);
  }
  return epoch;
}

/** The services of a host with their process start times (what Win32_Process adds to Win32_Service). */
export function listServices(store: WindowsStore, host: string): Array<ServiceInfo & { startTime: string | null }> {
  return store.services(host).map((s) => ({ ...s, startTime: serviceStartTime(store, host, s) }));
}

export function stopServiceRaw(store: WindowsStore, host: string, name: string): ServiceInfo {
  const s = requireService(store, host, name);
  if (s.status === 'Stopped') return s;
  return store.updateService(host, name, { status: 'Stopped', processId: 0 });
}

function win32(code: keyof typeof WIN32, target: string): WinError {
  return new WinError(WIN32[code], { id: `Win32Error${code}`, exception: 'Win32Exception', code, target });
}

/** Start-Service's wording around a failed start (ServiceCommandException). */
export function startServiceCmdlet(store: WindowsStore, host: string, name: string): ServiceInfo {
  const s = requireService(store, host, name, 'StartServiceCommand');
  try {
    return startServiceRaw(store, host, name);
  } catch (e) {
    if (!(e instanceof WinError) || e.code === undefined) throw e;
    throw new WinError(`Service '${s.displayName} (${s.name})' cannot be started due to the following error: Cannot start service ${s.name} on computer '.'.`, {
      id: `CouldNotStartService,${GET}.StartServiceCommand`,
      category: 'OpenError',
      exception: 'InvalidOperationException',
      target: s.name,
      code: e.code,
    });
  }
}

export function setStartType(store: WindowsStore, host: string, name: string, startType: ServiceStartType, delayed = false): ServiceInfo {
  requireService(store, host, name, 'SetServiceCommand');
  return store.updateService(host, name, { startType, delayedAutoStart: startType === 'Automatic' && delayed });
}

/** Win32_Service.Change return values. */
export const CHANGE_RESULT = { Success: 0, InvalidServiceAccount: 22, InvalidParameter: 21 } as const;

const BUILTIN_ACCOUNTS = new Set(['localsystem', 'nt authority\\localservice', 'nt authority\\networkservice', 'nt authority\\system']);

/**
 * Win32_Service.Change for the logon account. Windows accepts any password for an existing
 * account here and only fails at the next start (1069), so the check result is stored.
 */
export function changeServiceAccount(store: WindowsStore, host: string, name: string, startName: string, password: string | undefined): number {
  requireService(store, host, name);
  const account = startName.trim();
  const lower = account.toLowerCase();
  let valid: boolean;
  if (BUILTIN_ACCOUNTS.has(lower)) valid = true;
  else if (lower.startsWith('nt service\\')) {
    // A virtual account exists only for its own service.
    if (lower !== `nt service\\${name.toLowerCase()}`) return CHANGE_RESULT.InvalidServiceAccount;
    valid = true;
  } else {
    const { domain, user } = splitAccount(account);
    if (domain === undefined) return CHANGE_RESULT.InvalidServiceAccount;
    const check = store.checkAccountPassword(domain, user, password ?? '');
    if (check === 'unknown') return CHANGE_RESULT.InvalidServiceAccount;
    valid = check === 'ok';
  }
  store.updateService(host, name, { startName: account, logonValid: valid });
  return CHANGE_RESULT.Success;
}

/** `LAB\user` or `user@lab.test` → domain LAB; `.\user` and bare names are local (none exist). */
function splitAccount(account: string): { domain: string | undefined; user: string } {
  const bs = account.indexOf('\\');
  if (bs > 0) {
    const d = account.slice(0, bs);
    return { domain: d === '.' ? undefined : d.toUpperCase(), user: account.slice(bs + 1) };
  }
  const at = account.indexOf('@');
  if (at > 0) return { domain: account.slice(at + 1).split('.')[0]?.toUpperCase(), user: account.slice(0, at) };
  return { domain: undefined, user: account };
}
