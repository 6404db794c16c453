import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  type NtlmSession,
  SOAP_CONTENT_TYPE,
  SPNEGO_ENCRYPTED_CONTENT_TYPE,
  decryptBody,
  encryptBody,
  isNtlmError,
  isSpnegoEncrypted,
} from '../../winrm/ntlm';
import { type AuthPolicy, ConnectionAuth, authenticate, offeredSchemes } from './auth';
import { accessDeniedFault, isWsmanFault } from './faults';
import { type OperationContext, handleOperation } from './operations';
import type { ShellStore } from './shell';
import { faultEnvelope, parseRequest } from './soap';
import type { CommandExecutor } from './types';

/** What the HTTP layer needs from the host's WinRM service. */
export interface ServiceSettings {
  hostName: string;
  store: ShellStore;
  executor: CommandExecutor;
  /** MaxEnvelopeSizekb × 1024. */
  maxEnvelopeBytes: number;
  maxTimeoutMs: number;
  idleTimeoutMs: number;
  /**
   * Called for every request once its body is read: counts it and returns an HTTP status to
   * answer with instead (an injected fault), or null.
   */
  admit(): number | null;
  /** Injected network latency per request (the control API's POST /latency), in ms. */
  latencyMs?(): number;
}

export interface Listener {
  scheme: 'http' | 'https';
  policy: AuthPolicy;
  service: ServiceSettings;
}

/** HTTP.sys answers for itself; WinRM's responses say so too. */
const SERVER_HEADER = 'Microsoft-HTTPAPI/2.0';

/** NTLM contexts live as long as their TCP connection (and no longer). */
const connections = new WeakMap<Socket, ConnectionAuth>();

function connectionAuth(socket: Socket): ConnectionAuth {
  let conn = connections.get(socket);
  if (!conn) {
    conn = new ConnectionAuth();
    connections.set(socket, conn);
  }
  return conn;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function empty(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(status, { ...headers, 'Content-Length': '0' });
  res.end();
}

/** A SOAP reply, sealed when the request was (the HTTP listener always is). */
function soap(res: ServerResponse, status: number, xml: string, seal: NtlmSession | null): void {
  const plain = Buffer.from(xml, 'utf8');
  const body = seal ? encryptBody(seal, plain) : plain;
  res.writeHead(status, {
    'Content-Type': seal ? SPNEGO_ENCRYPTED_CONTENT_TYPE : SOAP_CONTENT_TYPE,
    'Content-Length': String(body.length),
  });
  res.end(body);
}

function clientIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

/**
 * One listener's request handler: POST /wsman, authentication (Basic per request, NTLM per
 * connection), message encryption, then the WinRS operation.
 */
export function createRequestHandler(listener: Listener) {
  const { policy, service } = listener;
  return (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('Server', SERVER_HEADER);
    handle(listener, req, res).catch(() => {
      if (!res.headersSent) empty(res, 500);
      else res.destroy();
    });
  };

  async function handle(l: Listener, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0]?.toLowerCase();
    if (path !== '/wsman') return empty(res, 404);
    if (req.method !== 'POST') return empty(res, 405, { Allow: 'POST' });

    let body: Buffer;
    try {
      // Room for the encryption framing around a maximal envelope.
      body = await readBody(req, service.maxEnvelopeBytes + 4096);
    } catch (e) {
      if (e instanceof BodyTooLarge) return empty(res, 413, { Connection: 'close' });
      throw e;
    }

    const injected = service.admit();
    const delay = service.latencyMs?.() ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (injected !== null) return empty(res, injected);

    const outcome = authenticate(policy, connectionAuth(req.socket), req.headers.authorization);
    if (outcome.kind === 'challenge')
      return empty(res, 401, { 'WWW-Authenticate': outcome.header });
    if (outcome.kind === 'rejected') {
      return empty(res, 401, { 'WWW-Authenticate': offeredSchemes(policy) });
    }
    const auth = outcome.auth;

    let plaintext = body;
    let seal: NtlmSession | null = null;
    if (isSpnegoEncrypted(req.headers['content-type'])) {
      if (!auth.session) return empty(res, 400);
      try {
        plaintext = decryptBody(auth.session, body).plaintext;
      } catch (e) {
        if (isNtlmError(e)) return empty(res, 400);
        throw e;
      }
      seal = auth.session;
    } else if (l.scheme === 'http' && body.length > 0) {
      // AllowUnencrypted=false: Windows drops plain SOAP over HTTP with a bodiless 500 (and an
      // event log entry), which pywinrm reports as "Bad HTTP response returned from server. Code 500".
      return empty(res, 500);
    }
    // The empty POSTs of a handshake (pywinrm primes its encryption context with one).
    if (plaintext.length === 0) return empty(res, 200, { 'Content-Type': SOAP_CONTENT_TYPE });
    if (plaintext.length > service.maxEnvelopeBytes) return empty(res, 413);

    if (!auth.account.isAdmin) {
      return soap(res, 500, faultEnvelope(accessDeniedFault(), undefined, service.hostName), seal);
    }

    let messageId: string | undefined;
    const aborted = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborted.abort();
    });
    try {
      const request = parseRequest(plaintext.toString('utf8'));
      messageId = request.messageId;
      const ctx: OperationContext = {
        hostName: service.hostName,
        principal: auth.principal,
        clientIp: clientIp(req),
        endpointUrl: `${l.scheme}://${req.headers.host ?? service.hostName}/wsman`,
        store: service.store,
        executor: service.executor,
        maxTimeoutMs: service.maxTimeoutMs,
        idleTimeoutMs: service.idleTimeoutMs,
        serviceEnvelopeSize: service.maxEnvelopeBytes,
        signal: aborted.signal,
      };
      const xml = await handleOperation(request, ctx);
      if (aborted.signal.aborted) return;
      soap(res, 200, xml, seal);
    } catch (e) {
      if (!isWsmanFault(e)) throw e;
      if (aborted.signal.aborted) return;
      soap(res, e.httpStatus, faultEnvelope(e, messageId, service.hostName), seal);
    }
  }
}
