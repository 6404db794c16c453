import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import forge from 'node-forge';
import { tlsServerEndPoint } from '../../winrm/ntlm';
import type { AuthPolicy } from './auth';
import { type Listener, type ServiceSettings, createRequestHandler } from './http';
import { ShellStore } from './shell';
import type { WinrmServer, WinrmServerOptions } from './types';

const LOOPBACK = '127.0.0.1';

/**
 * RFC 5929 tls-server-end-point: the certificate hashed with its signature hash, SHA-256 when
 * that is MD5 or SHA-1. What an NTLM client binds to with a channel binding token over HTTPS.
 */
function endPointBinding(certPem: string): Buffer {
  const cert = forge.pki.certificateFromPem(certPem);
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  const oid = cert.siginfo.algorithmOid;
  const hash =
    oid === forge.pki.oids.sha384WithRSAEncryption
      ? 'sha384'
      : oid === forge.pki.oids.sha512WithRSAEncryption
        ? 'sha512'
        : 'sha256';
  return tlsServerEndPoint(createHash(hash).update(der).digest());
}

function listen(
  server: http.Server,
  port: number,
  host: string,
): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve({ host: address.address, port: address.port });
    });
  });
}

const ignore = (): void => undefined;

/**
 * Serves keep-alive requests over TLS in order, as HTTP.sys does, however the client splits them.
 *
 * Node's HTTP server hands the socket's native handle straight to its parser. When a request's
 * headers arrive while the previous response is still being written (its 'drain' not yet seen),
 * it stops reading and pauses the parser until the write completes. Over plain TCP that holds.
 * Over TLS it does not: the TLS layer keeps delivering every record it already decrypted from
 * the same TCP read (TLSWrap's ClearOut loop ignores the stop), so a request body sent as a
 * second record, as Python's http.client/urllib3 (hence pywinrm) sends it, reaches the paused
 * parser, which fails with HPE_PAUSED, and the server drops the connection without an answer
 * (pywinrm: "RemoteDisconnected"), typically after a large Receive answer.
 *
 * A 'data' listener makes Node's server read the socket as a stream instead (it "unconsumes"
 * the handle): then pausing is the stream's, and what TLS delivers meanwhile is buffered and
 * parsed once the response has drained. The listener itself does nothing; Node's own listener
 * feeds the parser.
 */
function readThroughStream(socket: TLSSocket): void {
  socket.on('data', ignore);
}

/** Stops accepting connections and drops the open ones (idle and in-flight). */
function stopListening(servers: readonly http.Server[]): Promise<unknown> {
  return Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (!s.listening) return resolve();
          s.close(() => resolve());
          s.closeAllConnections();
        }),
    ),
  );
}

/**
 * Starts one simulated host's WinRM service: an HTTPS listener (Basic + Negotiate/NTLM) and/or
 * an HTTP listener (Negotiate/NTLM with message encryption), both at POST /wsman on loopback.
 */
export async function createWinrmServer(options: WinrmServerOptions): Promise<WinrmServer> {
  if (!options.https && !options.http)
    throw new Error('A WinRM server needs an https or http listener');
  const store = new ShellStore({ maxShellsPerUser: options.maxShellsPerUser ?? 30 });
  let requests = 0;
  const injected = { count: 0, status: 500 };
  let latency = 0;
  const service: ServiceSettings = {
    admit() {
      requests++;
      if (injected.count <= 0) return null;
      injected.count--;
      return injected.status;
    },
    latencyMs: () => latency,
    hostName: options.hostName,
    store,
    executor: options.executor,
    maxEnvelopeBytes: (options.maxEnvelopeSizeKb ?? 500) * 1024,
    maxTimeoutMs: options.maxTimeoutMs ?? 60_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 7_200_000,
  };
  const basePolicy: Omit<AuthPolicy, 'basic'> = {
    hostName: options.hostName,
    domainName: options.domainName,
    dnsDomainName: options.dnsDomainName,
    accounts: options.accounts,
  };
  const servers: http.Server[] = [];
  /** Where each listener is bound, so `up()` can listen on the same address again. */
  const bound = new Map<http.Server, { host: string; port: number }>();
  let down = false;
  const configure = (server: http.Server) => {
    // HTTP.sys keeps idle connections (and with them NTLM logons) about two minutes.
    server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 120_000;
    // A Receive may block for the whole OperationTimeout: no request deadline beyond the client's.
    server.requestTimeout = 0;
    servers.push(server);
    return server;
  };

  const addresses: {
    https?: { host: string; port: number };
    http?: { host: string; port: number };
  } = {};
  try {
    if (options.https) {
      const listener: Listener = {
        scheme: 'https',
        service,
        policy: {
          ...basePolicy,
          basic: options.allowBasic ?? true,
          channelBindings: endPointBinding(options.https.cert),
        },
      };
      const server = configure(
        https.createServer(
          { cert: options.https.cert, key: options.https.key },
          createRequestHandler(listener),
        ),
      );
      server.on('secureConnection', readThroughStream);
      addresses.https = await listen(server, options.https.port, options.https.host ?? LOOPBACK);
      bound.set(server, addresses.https);
    }
    if (options.http) {
      // Basic is never offered over HTTP: with AllowUnencrypted=false the credentials would travel in clear.
      const listener: Listener = {
        scheme: 'http',
        service,
        policy: { ...basePolicy, basic: false },
      };
      const server = configure(http.createServer(createRequestHandler(listener)));
      addresses.http = await listen(server, options.http.port, options.http.host ?? LOOPBACK);
      bound.set(server, addresses.http);
    }
  } catch (e) {
    for (const s of servers) s.close();
    throw e;
  }

  const url = (scheme: string, a: { host: string; port: number }) =>
    `${scheme}://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}/wsman`;

  return {
    hostName: options.hostName,
    addresses,
    urls: {
      https: addresses.https && url('https', addresses.https),
      http: addresses.http && url('http', addresses.http),
    },
    shellCount: () => store.size,
    requestCount: () => requests,
    get isDown() {
      return down;
    },
    async down() {
      down = true;
      // A host that goes down loses its shells and processes, as after a power cut.
      store.closeAll();
      await stopListening(servers);
    },
    async up() {
      if (!down) return;
      for (const [server, a] of bound) if (!server.listening) await listen(server, a.port, a.host);
      down = false;
    },
    setLatency(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error('latency must be 0 or more ms');
      latency = ms;
    },
    failNextRequests(count, status) {
      if (!Number.isInteger(count) || count < 0) throw new Error('count must be a whole number');
      if (!Number.isInteger(status) || status < 100 || status > 599)
        throw new Error('status must be an HTTP status (100-599)');
      injected.count = count;
      injected.status = status;
    },
    killProcesses: () => store.killProcesses(),
    async close() {
      store.closeAll();
      await stopListening(servers);
    },
  };
}
