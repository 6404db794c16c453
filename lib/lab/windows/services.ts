// Service Control Manager physics: start/stop/startup type/logon account, with the Win32 error
// codes and Win32_Service method return values Windows gives.

import { WinError, WIN32 } from './errors';
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
  return store.updateService(host, name, { status: 'Running', processId: nextPid });
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
