// Where the Scale Out Master runs, read from the Windows side: the cluster role whose Generic
// Service resource is the master service, its owner node, and the certificate HTTP.SYS has bound
// there. The endpoint is the role's client access point, so only the owner's master counts.

import { X509Certificate } from 'node:crypto';

import { readMasterSettings, type MasterSettings } from '@/lib/settings';
import { MASTER_PORT, MASTER_SERVICE, type WindowsState } from '@/lib/lab/windows';
import { configAsStarted } from '@/lib/lab/windows/services';

export interface MasterRole {
  cluster: string;
  group: string;
  /** DnsName of the role's Network Name resource (the client access point). */
  dnsName: string;
  /** Address of the role's IP Address resource, if it has one. */
  ip: string | null;
  ownerNode: string;
}

export type MasterView =
  | {
      serving: true;
      role: MasterRole;
      /** MasterSettings.config PortNumber on the owner (default 8391). */
      port: number;
      thumbprint: string;
      certPem: string;
      keyPem: string;
      /** The owner's MasterSettings.config, for SqlServerName. */
      settings: MasterSettings | null;
      /** The master service's logon account on the owner (Win32_Service.StartName). */
      serviceAccount: string;
    }
  | { serving: false; reason: string; role: MasterRole | null };

const isMasterService = (name: unknown): boolean => typeof name === 'string' && name.toLowerCase() === MASTER_SERVICE.toLowerCase();

/** The master cluster role, if one exists: the group with a Generic Service resource for the master service. */
export function findMasterRole(windows: WindowsState, masterDnsName: string): MasterRole | null {
  const store = windows.store;
  for (const c of store.clusters()) {
    for (const g of store.clusterGroups(c.name)) {
      const resources = store.clusterResources(c.name, g.name);
      if (!resources.some((r) => r.resourceType === 'Generic Service' && isMasterService(r.parameters['ServiceName']))) continue;
      const nn = resources.find((r) => r.resourceType === 'Network Name');
      const ip = resources.find((r) => r.resourceType === 'IP Address')?.parameters['Address'];
      return {
        cluster: c.name,
        group: g.name,
        dnsName: String(nn?.parameters['DnsName'] ?? nn?.parameters['Name'] ?? masterDnsName),
        ip: typeof ip === 'string' ? ip : null,
        ownerNode: g.ownerNode,
      };
    }
  }
  return null;
}

/** MasterSettings.config as the running master service read it when it started (an edit waits for a restart). */
export function readOwnMasterSettings(windows: WindowsState, host: string): MasterSettings | null {
  const bytes = configAsStarted(windows.store, host, MASTER_SERVICE);
  if (!bytes) return null;
  try {
    return readMasterSettings(bytes, { fileLabel: `MasterSettings.config on ${host}` });
  } catch {
    // A file the service cannot parse: it falls back to its defaults (port 8391, no SQL server).
    return null;
  }
}

/** What answers at the client access point right now (read fresh from the state every time). */
export function viewMaster(windows: WindowsState, masterDnsName: string): MasterView {
  const store = windows.store;
  const role = findMasterRole(windows, masterDnsName);
  if (!role) return { serving: false, reason: `No cluster role runs ${MASTER_SERVICE}: the client access point does not exist.`, role };
  const group = store.clusterGroup(role.cluster, role.group);
  const resources = store.clusterResources(role.cluster, role.group);
  const owner = role.ownerNode;
  if (!store.host(owner)?.up) return { serving: false, reason: `The owner node ${owner} is down.`, role };
  if (group?.state !== 'Online' || resources.some((r) => r.state !== 'Online')) {
    return { serving: false, reason: `The cluster role '${role.group}' is ${group?.state ?? 'missing'} on ${owner}.`, role };
  }
  const service = store.service(owner, MASTER_SERVICE);
  if (service?.status !== 'Running') return { serving: false, reason: `${MASTER_SERVICE} is not running on ${owner}.`, role };
  const settings = readOwnMasterSettings(windows, owner);
  const port = settings?.portNumber ?? MASTER_PORT;
  // HTTP.SYS serves whatever certificate is bound to the port, whatever SSLCertThumbprint says.
  const binding = store.sslBinding(owner, `0.0.0.0:${port}`);
  if (!binding) return { serving: false, reason: `No HTTP.SYS SSL binding for 0.0.0.0:${port} on ${owner}.`, role };
  const cert = store.certificate(owner, binding.certStoreName, binding.certHash.toUpperCase());
  if (!cert) return { serving: false, reason: `The bound certificate ${binding.certHash} is not in LocalMachine\\${binding.certStoreName} on ${owner}.`, role };
  if (!cert.privateKeyPem) return { serving: false, reason: `The bound certificate ${cert.thumbprint} has no private key on ${owner}.`, role };
  return {
    serving: true,
    role,
    port,
    thumbprint: cert.thumbprint,
    certPem: new X509Certificate(Buffer.from(cert.der, 'base64')).toString(),
    keyPem: cert.privateKeyPem,
    settings,
    serviceAccount: service.startName,
  };
}
