// The facts the Windows and SQL halves of the lab share, each kept once:
// - an instance's LoginMode registry value (HKLM\SOFTWARE\Microsoft\Microsoft SQL Server\
//   MSSQL16.MSSQLSERVER\MSSQLServer) is the SQL side's copy, the one xp_instance_regread and
//   xp_instance_regwrite use: Get-ItemProperty shows it and Set-ItemProperty writes it. Writing
//   it changes nothing in the running instance: SQL Server reads it when it starts;
// - the MSSQLSERVER service is the instance: stopping it (Stop-Service, Restart-Service, the host
//   going down) stops the instance (its sessions end, a primary's AG fails over as the engine
//   models it, its TDS endpoint closes and drops every connection), starting it starts the
//   instance (LoginMode and Always On read again, the endpoint listening again);
// - the Windows names an instance's host resolves (CREATE LOGIN ... FROM WINDOWS, SUSER_SID,
//   SUSER_SNAME) are the Windows side's: the domain's accounts and computers, the virtual accounts
//   of the services installed on that host, the well-known accounts (windowsNames).

import type { LabSqlEngine } from './sql';
import { WELL_KNOWN_ACCOUNTS, domainAccount, serviceAccount, type WindowsAccount, type WindowsNames } from './sql/windows-names';
import { WinError } from './windows/errors';
import type { RegistryLink, WindowsStore } from './windows/store';

export const SQL_SERVER_KEY = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Microsoft SQL Server';
/** The lab's SQL Server hosts run the default instance only; the engine names it after the host. */
const DEFAULT_INSTANCE = 'MSSQLSERVER';

/** The instance's key, where setup and SSMS keep LoginMode. */
export const instanceServerKey = (instanceId: string) => `${SQL_SERVER_KEY}\\${instanceId}\\MSSQLServer`;

/** The instance id setup gave the default instance (MSSQL16.MSSQLSERVER), from Instance Names\SQL. */
function instanceId(store: WindowsStore, host: string): string | undefined {
  const v = store.storedRegistryValues(host, `${SQL_SERVER_KEY}\\Instance Names\\SQL`).find((x) => x.name.toUpperCase() === DEFAULT_INSTANCE);
  return typeof v?.data === 'string' ? v.data : undefined;
}

function loginModeLink(store: WindowsStore, sql: () => LabSqlEngine): RegistryLink {
  const keyOf = (host: string): string | undefined => {
    const id = instanceId(store, host);
    return id && sql().registryLoginMode(host) !== undefined ? instanceServerKey(id) : undefined;
  };
  return {
    values(host) {
      const key = keyOf(host);
      const mode = sql().registryLoginMode(host);
      return key && mode !== undefined ? [{ key, name: 'LoginMode', kind: 'DWord', data: mode }] : [];
    },
    write(host, key, name, kind, data) {
      const own = keyOf(host);
      if (!own || own.toLowerCase() !== key.toLowerCase() || name.toLowerCase() !== 'loginmode') return false;
      if (kind !== 'DWord' || typeof data !== 'number' || !Number.isInteger(data) || data < 0 || data > 0xffffffff) {
        // SQL Server setup and SSMS write a REG_DWORD; what SQL Server makes of anything else is not modelled.
        throw new WinError(`The lab models LoginMode only as a REG_DWORD (got ${kind} ${JSON.stringify(data)}).`, { id: 'LabNotModelled', category: 'NotImplemented', target: name });
      }
      sql().setRegistryLoginMode(host, data);
      return true;
    },
  };
}

/**
 * Links the halves. `endpoint` opens or closes the instance's TDS endpoint (lab.ts owns the
 * listeners); the Windows API awaits it before the service cmdlet returns.
 */
export function linkSqlToWindows(store: WindowsStore, o: { sql: () => LabSqlEngine; endpoint: (host: string, running: boolean) => Promise<void> }): void {
  store.registryLink = loginModeLink(store, o.sql);
  store.onServiceStatus = (host, service) => {
    if (service.name.toUpperCase() !== DEFAULT_INSTANCE) return;
    const engine = o.sql();
    const running = engine.isRunning(host);
    if (running === undefined) return;
    if (service.status === 'Running') {
      if (!running) engine.setInstanceRunning(host, true);
      return o.endpoint(host, true);
    }
    if (service.status === 'Stopped') {
      if (running) engine.setInstanceRunning(host, false);
      return o.endpoint(host, false);
    }
    return undefined;
  };
}

/**
 * LookupAccountName / LookupAccountSid as a host of the Windows side answers them: the well-known
 * accounts, the domain's accounts and its member computers (DOMAIN\HOST$) when the host is joined to
 * it, and NT SERVICE\<name> for each service installed on that host only. A host the Windows side
 * does not have resolves the well-known accounts alone.
 */
export function windowsNames(store: WindowsStore): WindowsNames {
  return (host): WindowsAccount[] => {
    const self = store.host(host);
    if (!self) return [...WELL_KNOWN_ACCOUNTS];
    const domain = self.domain.toUpperCase();
    const inDomain = (d: string) => domain !== '' && d.toUpperCase() === domain;
    return [
      ...WELL_KNOWN_ACCOUNTS,
      ...store.accounts().filter((a) => inDomain(a.domain)).map((a) => domainAccount(a.domain, a.name)),
      ...store.hosts().filter((h) => inDomain(h.domain)).map((h) => domainAccount(h.domain, `${h.name}$`)),
      ...store.services(self.name).map((svc) => serviceAccount(svc.name)),
    ];
  };
}
