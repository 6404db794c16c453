// One Scale Out Worker agent's heartbeat, as the worker service does it: read WorkerSettings.config,
// open a mutual-TLS connection to MasterEndpoint presenting the certificate named by
// WorkerHttpsCertThumbprint from LocalMachine\My, check the master (chain against the worker's
// Root store, host name against the certificate's names, MasterHttpsCertThumbprint), then post the
// heartbeat. The TLS is real; only the network between the hosts is simulated (every lab name
// is one loopback port).

import { createHash, X509Certificate } from 'node:crypto';
import tls from 'node:tls';

import { covers, inspectCertificate } from '@/lib/certs';
import { WORKER_SERVICE, type WindowsState } from '@/lib/lab/windows';
import { configAsStarted } from '@/lib/lab/windows/services';
import { LAB_DNS_DOMAIN } from '@/lib/lab/windows/types';
import { parseMasterEndpoint, readWorkerSettings, type WorkerSettings } from '@/lib/settings';

import type { MasterView } from './master';
import type { WorkerOutcome, WorkerOutcomeCode } from './types';

export interface WorkerTarget {
  /** The master as the state has it now. */
  view: MasterView;
  /** The loopback port of the master endpoint, or null when it is not listening. */
  port: number | null;
}

const pem = (derBase64: string) => new X509Certificate(Buffer.from(derBase64, 'base64')).toString();

/** Whether `host` (from MasterEndpoint) reaches the client access point in the lab's network. */
function reachesClientAccessPoint(windows: WindowsState, host: string, role: { dnsName: string; ip: string | null }): boolean {
  const h = host.replace(/\.$/, '').toLowerCase();
  const cap = role.dnsName.toLowerCase();
  if (h === cap || h === `${cap}.${LAB_DNS_DOMAIN}`.toLowerCase()) return true;
  if (role.ip === null) return false;
  if (h === role.ip) return true;
  return windows.store.resolveDns(h, LAB_DNS_DOMAIN)?.ip === role.ip;
}

interface Handshake {
  socket: tls.TLSSocket;
  authorized: boolean;
  authorizationError: string | null;
  served: Buffer;
}

function connect(port: number, servername: string | undefined, ca: string[], cert: string, key: string): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      ...(servername ? { servername } : {}),
      // Only the worker's own Root store: an array (even empty) keeps Node's bundled roots out.
      ca,
      cert,
      key,
      // Chain and name are judged below, each with its documented symptom.
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    socket.once('secureConnect', () => {
      socket.off('error', reject);
      resolve({
        socket,
        authorized: socket.authorized,
        authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
        served: socket.getPeerCertificate().raw,
      });
    });
    socket.once('error', reject);
  });
}

/** One HTTP/1.1 request over an established socket; resolves with status and parsed JSON body. */
function request(socket: tls.TLSSocket, host: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('error', reject);
    socket.once('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!m) return reject(new Error('The master closed the connection without an HTTP response.'));
      const sep = text.indexOf('\r\n\r\n');
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(sep >= 0 ? text.slice(sep + 4) : '') as unknown;
      } catch {
        parsed = null;
      }
      resolve({ status: Number(m[1]), body: parsed });
    });
    socket.end(
      `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
    );
  });
}

const errorText = (body: unknown): string =>
  typeof body === 'object' && body !== null && 'error' in body ? String((body as { error: unknown }).error) : JSON.stringify(body);

export async function workerHeartbeat(windows: WindowsState, host: string, target: WorkerTarget): Promise<WorkerOutcome> {
  const store = windows.store;
  const base = { host, at: new Date().toISOString(), masterEndpoint: null as string | null, servedThumbprint: null as string | null, sqlInstance: null as string | null };
  const out = (outcome: WorkerOutcomeCode, message: string, extra: Partial<WorkerOutcome> = {}): WorkerOutcome => ({ ...base, ...extra, outcome, message });

  const service = store.service(host, WORKER_SERVICE);
  if (!store.host(host)?.up || service?.status !== 'Running') return out('service-stopped', `${WORKER_SERVICE} is not running on ${host}.`);

  // Read when the service started, not now: an edit takes effect at the next restart.
  const bytes = configAsStarted(store, host, WORKER_SERVICE);
  if (!bytes) return out('not-configured', `WorkerSettings.config was missing on ${host} when ${WORKER_SERVICE} started.`);
  let settings: WorkerSettings;
  try {
    settings = readWorkerSettings(bytes, { fileLabel: `WorkerSettings.config on ${host}` });
  } catch (e) {
    return out('not-configured', e instanceof Error ? e.message : String(e));
  }
  base.masterEndpoint = settings.masterEndpoint ?? null;
  const endpoint = parseMasterEndpoint(settings.masterEndpoint ?? '');
  if (!endpoint.ok) return out('not-configured', `MasterEndpoint on ${host}: ${endpoint.error}`);
  const url = `https://${endpoint.value.host}:${endpoint.value.port}/ClusterManagement/`;
  const view = target.view;
  if (!view.serving || target.port === null) return out('unreachable', `There was no endpoint listening at ${url}. (${view.serving ? 'The master endpoint is not listening.' : view.reason})`);
  if (!reachesClientAccessPoint(windows, endpoint.value.host, view.role) || endpoint.value.port !== view.port) {
    return out('unreachable', `There was no endpoint listening at ${url}. (The master listens at https://${view.role.dnsName}:${view.port}.)`);
  }

  const wanted = (settings.workerHttpsCertThumbprint ?? '').replace(/[^0-9a-f]/gi, '').toUpperCase();
  const mine = wanted ? store.certificate(host, 'My', wanted) : undefined;
  if (!mine?.privateKeyPem) {
    return out('no-client-cert', `Could not establish secure channel for SSL/TLS: no certificate ${wanted || '(WorkerHttpsCertThumbprint is empty)'} with a private key in LocalMachine\\My on ${host}.`);
  }
  const roots = store.certificates(host, 'Root').map((c) => pem(c.der));
  const isIp = net4or6(endpoint.value.host);

  let hs: Handshake;
  try {
    hs = await connect(target.port, isIp ? undefined : endpoint.value.host, roots, pem(mine.der), mine.privateKeyPem);
  } catch (e) {
    return out('unreachable', `There was no endpoint listening at ${url}. (${e instanceof Error ? e.message : String(e)})`);
  }
  const served = createHash('sha1').update(hs.served).digest('hex').toUpperCase();
  base.servedThumbprint = served;
  const fail = (code: WorkerOutcomeCode, message: string) => {
    hs.socket.destroy();
    return out(code, message);
  };
  if (!hs.authorized) {
    return fail('tls-untrusted', `Could not establish trust relationship for the SSL/TLS secure channel with authority '${endpoint.value.host}:${endpoint.value.port}': the remote certificate ${served} is invalid (${hs.authorizationError}); it is not in LocalMachine\\Root on ${host}.`);
  }
  const info = inspectCertificate(hs.served);
  if (!covers(info, endpoint.value.host).covered) {
    return fail('name-mismatch', `Could not establish trust relationship: the master certificate ${served} names ${[...info.commonNames, ...info.sanDnsNames].join(', ')}, not '${endpoint.value.host}'.`);
  }
  const expected = (settings.masterHttpsCertThumbprint ?? '').replace(/[^0-9a-f]/gi, '').toUpperCase();
  if (expected !== served) {
    return fail('thumbprint-mismatch', `The master certificate ${served} does not match MasterHttpsCertThumbprint '${settings.masterHttpsCertThumbprint ?? ''}' on ${host}.`);
  }

  const agentId = settings.values['AgentId'] ?? '';
  let res: { status: number; body: unknown };
  try {
    res = await request(hs.socket, endpoint.value.host, 'POST', '/ClusterManagement/heartbeat', {
      agentId,
      machineName: host,
      displayName: settings.values['DisplayName'] || host,
      userAccount: service.startName,
    });
  } catch (e) {
    return out('unreachable', `The connection to ${url} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (res.status === 403) return out('403', `403 Forbidden from ${url}: ${errorText(res.body)}`);
  if (res.status === 200) {
    const instance = typeof res.body === 'object' && res.body !== null && 'instance' in res.body ? String((res.body as { instance: unknown }).instance) : null;
    return out('ok', `Heartbeat accepted by the master on ${view.role.ownerNode}${instance ? `, written to SSISDB on ${instance}` : ''}.`, { sqlInstance: instance });
  }
  if (res.status === 500) return out('sql-failed', errorText(res.body));
  return out('unreachable', `HTTP ${res.status} from ${url}: ${errorText(res.body)}`);
}

function net4or6(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':');
}
