/**
 * Our WinRM client for a host of the built-in lab over one of its three transports, with the
 * lab's own credentials and CA. Needs only the lab's endpoints, so a process that runs the lab as
 * a child (the benchmarks) uses it as the client tests do.
 */
import type { LabEndpoints } from '@/lib/lab/topology';
import { createWinrmClient } from './index';
import type { WinrmClient, WinrmClientOptions } from './types';

export type Mode = 'https-basic' | 'https-ntlm' | 'http-ntlm';
export const MODES: readonly Mode[] = ['https-basic', 'https-ntlm', 'http-ntlm'];

/** A host's endpoints; throws for a host the lab does not have. */
function labHost(ep: LabEndpoints, host: string): LabEndpoints['hosts'][string] {
  const h = ep.hosts[host];
  if (!h) throw new Error(`no lab host ${host}`);
  return h;
}

/** The lab's Windows account as `mode` logs on: the local name for Basic, DOMAIN\user for NTLM. */
function labUser(ep: LabEndpoints, mode: Mode): string {
  const { user } = ep.credentials.windows;
  return mode === 'https-basic' ? (user.split('\\')[1] ?? user) : user;
}

export function labClient(
  ep: LabEndpoints,
  caPem: string,
  host: string,
  mode: Mode,
  extra: Partial<WinrmClientOptions> = {},
): WinrmClient {
  const h = labHost(ep, host);
  const protocol = mode === 'http-ntlm' ? 'http' : 'https';
  const a = h.winrm[protocol];
  return createWinrmClient(
    { host: h.fqdn, connectTo: `${a.host}:${a.port}` },
    {
      protocol,
      auth: mode === 'https-basic' ? 'basic' : 'ntlm',
      user: labUser(ep, mode),
      password: ep.credentials.windows.password,
      trust: { mode: 'ca', caPem },
      ...extra,
    },
  );
}

/** pywinrm Protocol kwargs for the same host and transport. */
export function labPywinrmConn(
  ep: LabEndpoints,
  host: string,
  mode: Mode,
): Record<string, unknown> {
  const h = labHost(ep, host);
  const protocol = mode === 'http-ntlm' ? 'http' : 'https';
  const a = h.winrm[protocol];
  return {
    endpoint: `${protocol}://${a.host}:${a.port}/wsman`,
    transport: mode === 'https-basic' ? 'ssl' : 'ntlm',
    username: labUser(ep, mode),
    password: ep.credentials.windows.password,
    // The lab certificate names the host, not 127.0.0.1; certificate checks are our client's tests.
    ...(protocol === 'https' ? { server_cert_validation: 'ignore' } : {}),
    ...(mode === 'http-ntlm' ? { message_encryption: 'always' } : {}),
  };
}
