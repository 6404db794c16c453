// The operations the PowerShell module calls over the internal API, one per Windows capability.
// Each validates its arguments (zod) and returns plain JSON; failures are WinErrors, which the
// module turns into ErrorRecords. Filtering by name/wildcard is left to the PowerShell side,
// where -like gives PowerShell's own wildcard semantics.

import { z } from 'zod';

import { strList } from './zod-helpers';

import { canonicalStore, exportPfx, importCertificate, importPfx, newSelfSigned } from './certops';
import { listFeatures, installFeatures } from './features';
import { netsh } from './netsh';
import { CHANGE_RESULT, changeServiceAccount, listServices, requireService, setStartType, startServiceCmdlet, startServiceRaw, stopServiceRaw } from './services';
import type { SessionInfo } from './roles';
import type { WindowsState } from './state';
import { WinError } from './errors';
import { clusterOps } from './ops-cluster';
import { taskOps } from './ops-tasks';
import { LAB_DNS_DOMAIN } from './types';

export interface OpContext {
  state: WindowsState;
  host: string;
  session: SessionInfo;
}

export type Op = (ctx: OpContext, args: unknown) => unknown;

const b64 = (s: string) => Buffer.from(s, 'base64');

function storeName(name: string): string {
  const s = canonicalStore(name);
  if (!s) throw new WinError(`Cannot find path 'Cert:\\LocalMachine\\${name}' because it does not exist.`, { id: 'PathNotFound', category: 'ObjectNotFound', exception: 'ItemNotFoundException' });
  return s;
}

const ServiceArgs = z.object({ name: z.string().min(1) });

export const OPS: Record<string, Op> = {
  'session.open': ({ state, host }) => {
    const h = state.store.requireHost(host);
    return {
      ...h,
      dnsDomain: LAB_DNS_DOMAIN,
      driveRoot: state.store.driveRoot(h.name),
      clusterModule: state.store.featureState(h.name, 'RSAT-Clustering-PowerShell') === 'Installed',
    };
  },

  'feature.list': ({ state, host }) => listFeatures(state.store, host),
  'feature.install': ({ state, host }, a) => {
    const p = z.object({ names: strList.refine((v) => v.length > 0, "at least one"), includeManagementTools: z.boolean().default(false) }).parse(a);
    return installFeatures(state.store, host, p.names, p.includeManagementTools);
  },

  'computer.restart': ({ state, host }, a) => {
    const p = z.object({ computerName: z.string().optional() }).parse(a);
    const target = p.computerName ? (p.computerName.split('.')[0] ?? host) : host;
    const h = state.store.host(target);
    if (!h || !h.up) {
      throw new WinError(`Failed to restart the computer ${target} with the following error message: ${'The RPC server is unavailable.'}`, {
        id: 'RestartcomputerFailed,Microsoft.PowerShell.Commands.RestartComputerCommand',
        category: 'OperationStopped',
        target,
      });
    }
    // The reply goes out before the host "goes down", as a real shutdown lets the call return.
    setTimeout(() => state.restartHost(h.name), 200);
    return { computerName: h.name };
  },

  'service.list': ({ state, host }) => listServices(state.store, host),
  'service.start': ({ state, host }, a) => startServiceCmdlet(state.store, host, ServiceArgs.parse(a).name),
  'service.stop': ({ state, host }, a) => {
    const { name } = ServiceArgs.parse(a);
    requireService(state.store, host, name, 'StopServiceCommand');
    return stopServiceRaw(state.store, host, name);
  },
  'service.setStartType': ({ state, host }, a) => {
    const p = z.object({ name: z.string(), startType: z.enum(['Automatic', 'Manual', 'Disabled', 'AutomaticDelayedStart']) }).parse(a);
    const delayed = p.startType === 'AutomaticDelayedStart';
    return setStartType(state.store, host, p.name, p.startType === 'AutomaticDelayedStart' ? 'Automatic' : p.startType, delayed);
  },
  /** Win32_Service methods through CIM: return values, never exceptions, as WMI does. */
  'service.cim': ({ state, host }, a) => {
    const p = z
      .object({
        name: z.string(),
        method: z.enum(['Change', 'ChangeStartMode', 'StartService', 'StopService']),
        startName: z.string().optional(),
        startPassword: z.string().optional(),
        startMode: z.string().optional(),
      })
      .parse(a);
    const store = state.store;
    const s = requireService(store, host, p.name);
    const mode = (m: string | undefined) =>
      ({ automatic: 'Automatic', auto: 'Automatic', manual: 'Manual', disabled: 'Disabled' })[m?.toLowerCase() ?? ''] as 'Automatic' | 'Manual' | 'Disabled' | undefined;
    switch (p.method) {
      case 'Change': {
        if (p.startMode !== undefined) {
          const m = mode(p.startMode);
          if (!m) return { returnValue: CHANGE_RESULT.InvalidParameter };
          setStartType(store, host, p.name, m);
        }
        if (p.startName !== undefined) return { returnValue: changeServiceAccount(store, host, p.name, p.startName, p.startPassword) };
        return { returnValue: 0 };
      }
      case 'ChangeStartMode': {
        const m = mode(p.startMode);
        if (!m) return { returnValue: CHANGE_RESULT.InvalidParameter };
        setStartType(store, host, p.name, m);
        return { returnValue: 0 };
      }
      case 'StartService':
        if (s.status === 'Running') return { returnValue: 10 };
        if (s.startType === 'Disabled') return { returnValue: 14 };
        if (!s.logonValid) return { returnValue: 15 };
        startServiceRaw(store, host, p.name);
        return { returnValue: 0 };
      case 'StopService':
        if (s.status === 'Stopped') return { returnValue: 5 };
        stopServiceRaw(store, host, p.name);
        return { returnValue: 0 };
    }
  },

  'cert.list': ({ state, host }, a) => {
    const p = z.object({ store: z.string() }).parse(a);
    return state.store.certificates(host, storeName(p.store)).map((c) => ({
      thumbprint: c.thumbprint,
      der: c.der,
      hasPrivateKey: c.hasPrivateKey,
      exportable: c.exportable,
      friendlyName: c.friendlyName,
    }));
  },
  'cert.remove': ({ state, host }, a) => {
    const p = z.object({ store: z.string(), thumbprint: z.string() }).parse(a);
    return { removed: state.store.removeCertificate(host, storeName(p.store), p.thumbprint.toUpperCase()) };
  },
  'cert.import': ({ state, host }, a) => {
    const p = z.object({ store: z.string(), data: z.string() }).parse(a);
    return { thumbprints: importCertificate(state.store, host, storeName(p.store), b64(p.data)) };
  },
  'cert.importPfx': ({ state, host }, a) => {
    const p = z.object({ store: z.string(), data: z.string(), password: z.string().optional(), exportable: z.boolean().default(false) }).parse(a);
    return { thumbprints: importPfx(state.store, host, storeName(p.store), b64(p.data), p.password, p.exportable) };
  },
  'cert.exportPfx': ({ state, host }, a) => {
    const p = z
      .object({ store: z.string(), thumbprint: z.string(), password: z.string(), algorithm: z.enum(['TripleDES_SHA1', 'AES256_SHA256']).default('TripleDES_SHA1') })
      .parse(a);
    return { data: exportPfx(state.store, host, storeName(p.store), p.thumbprint.toUpperCase(), p.password, p.algorithm).toString('base64') };
  },
  'cert.new': async ({ state, host }, a) => {
    const p = z
      .object({
        store: z.string(),
        dnsName: strList.optional(),
        subject: z.string().optional(),
        notAfter: z.string().optional(),
        friendlyName: z.string().optional(),
        exportable: z.boolean().default(true),
        hashAlgorithm: z.string().optional(),
      })
      .parse(a);
    const { store: s, ...input } = p;
    return { thumbprint: await newSelfSigned(state.store, host, storeName(s), input) };
  },

  netsh: ({ state, host }, a) => netsh(state.store, host, z.object({ args: strList }).parse(a).args),

  'registry.get': ({ state, host }, a) => {
    const { key } = z.object({ key: z.string() }).parse(a);
    return {
      exists: state.store.registryKeyExists(host, key),
      values: state.store.registryValues(host, key),
      subkeys: state.store.registrySubkeys(host, key),
    };
  },
  'registry.set': ({ state, host }, a) => {
    const p = z
      .object({
        key: z.string(),
        name: z.string(),
        kind: z.enum(['String', 'ExpandString', 'DWord', 'QWord', 'MultiString', 'Binary']),
        data: z.union([z.string(), z.number(), strList]),
      })
      .parse(a);
    state.store.setRegistryValue(host, p.key, p.name, p.kind, p.data);
    return {};
  },
  'registry.newKey': ({ state, host }, a) => {
    state.store.createRegistryKey(host, z.object({ key: z.string() }).parse(a).key);
    return {};
  },

  'dns.resolve': ({ state }, a) => {
    const { name } = z.object({ name: z.string() }).parse(a);
    const r = state.store.resolveDns(name, LAB_DNS_DOMAIN);
    if (!r) {
      throw new WinError(`${name} : DNS name does not exist`, {
        id: 'DNS_ERROR_RCODE_NAME_ERROR,Microsoft.DnsClient.Commands.ResolveDnsName',
        category: 'ResourceUnavailable',
        exception: 'Win32Exception',
        code: 9003,
        target: name,
      });
    }
    return r;
  },

  ...clusterOps,
  ...taskOps,
};
