/**
 * HTTP(S) POSTs to /wsman with authentication: Basic (HTTPS only), NTLM over HTTPS, and NTLM
 * over HTTP with MS-WSMV message encryption (every body sealed, every answer unsealed).
 *
 * NTLM authenticates a TCP CONNECTION, not a request (HTTP.sys keeps the security context per
 * connection), and sealed messages carry per-direction sequence numbers. Hence:
 * - one dedicated agent per client with keepAlive and maxSockets 1: one connection at a time;
 * - one request at a time (a lock): sequence numbers follow send order;
 * - we remember which socket was authenticated, and a request only goes out on that socket
 *   (checked in the 'socket' event, before a byte is written); when the server closed it, or
 *   answers 401 to a sealed request, we authenticate again on the new connection.
 * Sockets idle longer than `idleSocketMs` are closed by us, before HTTP.sys' own ~2 minute limit,
 * so a request rarely races the server's close.
 */
import 'server-only';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import type stream from 'node:stream';
import { loadCertificate } from '@/lib/certs';
import {
  NtlmClientContext,
  type NtlmSession,
  SOAP_CONTENT_TYPE,
  SPNEGO_ENCRYPTED_CONTENT_TYPE,
  decryptBody,
  encryptBody,
  isNtlmError,
  isSpnegoEncrypted,
  splitLogonName,
  tlsServerEndPoint,
} from './ntlm';
import {
  WinrmError,
  cancelled,
  httpStatusError,
  httpTimeout,
  networkError,
  ntlmFailed,
  protocolError,
  unauthorized,
} from './errors';
import {
  type ConnectParams,
  type PeerObserver,
  type TlsTrust,
  connectPlain,
  connectTls,
  peerCertificateDer,
} from './tls';

export interface TransportConfig {
  hostName: string;
  /** The port the URL names (the inventory port). */
  port: number;
  connectHost: string;
  connectPort: number;
  https: boolean;
  trust: TlsTrust;
  auth: 'basic' | 'ntlm';
  user: string;
  connectTimeoutMs: number;
  idleSocketMs: number;
  onPeerCertificate?: PeerObserver;
}

export interface PostOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Safe to send twice: a request that died on a reused keep-alive socket is sent once more. */
  idempotent: boolean;
}

export interface PostResult {
  status: number;
  /** The (decrypted) SOAP text; empty when the server sent no body. */
  xml: string;
}

interface Exchange {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The raw WWW-Authenticate values, and the scheme names in them. */
  offeredRaw: string[];
  offered: string[];
  body: Buffer;
  socket: net.Socket;
}

const EMPTY = Buffer.alloc(0);
const USER_AGENT = 'ssis-scaleout-wizard WinRM client';

/**
 * The scheme names of WWW-Authenticate challenges. One header may hold several challenges
 * ("Negotiate, Basic realm=\"WSMAN\""), and a challenge's own parameters are comma-separated
 * too, so a token counts as a scheme only when it is not followed by "=".
 */
export function parseAuthSchemes(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    // Drop quoted strings first: a realm may contain commas.
    const unquoted = value.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    for (const part of unquoted.split(',')) {
      const m = /^\s*([A-Za-z][\w.-]*)(?:\s+|$)(?!\s*=)/.exec(part);
      if (
        m &&
        m[1] &&
        !/^\s*[\w.-]+\s*=/.test(part) &&
        !out.some((s) => s.toLowerCase() === m[1]?.toLowerCase())
      )
        out.push(m[1]);
    }
  }
  return out;
}

/** The base64 token of the first challenge of `scheme` (Negotiate/NTLM), if any. */
function challengeToken(values: readonly string[], scheme: string): Buffer | null {
  for (const v of values) {
    for (const part of v.split(',')) {
      const m = new RegExp(`^\\s*${scheme}\\s+([A-Za-z0-9+/=]+)\\s*$`, 'i').exec(part);
      if (m && m[1]) return Buffer.from(m[1], 'base64');
    }
  }
  return null;
}

/** An http.Agent whose connections are made (and verified) by tls.ts before HTTP sees them. */
type Connector = (cb: (err: Error | null, socket?: net.Socket) => void) => void;

class WinrmAgent extends http.Agent {
  readonly #connect: Connector;

  constructor(connect: Connector, idleSocketMs: number) {
    super({
      keepAlive: true,
      maxSockets: 1,
      maxFreeSockets: 1,
      maxTotalSockets: 1,
      timeout: idleSocketMs,
      scheduling: 'lifo',
    });
    this.#connect = connect;
  }

  override createConnection(
    _options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: stream.Duplex) => void,
  ): stream.Duplex | null | undefined {
    this.#connect((err, socket) => {
      // The agent's callback type wants a stream even on error; it ignores it then.
      if (err || !socket)
        callback?.(err ?? new Error('no socket'), undefined as unknown as stream.Duplex);
      else callback?.(null, socket);
    });
    return undefined;
  }
}

export class WinrmTransport {
  readonly #c: TransportConfig;
  readonly #password: string;
  readonly #agent: WinrmAgent;
  #lock: Promise<unknown> = Promise.resolve();
  #session: NtlmSession | null = null;
  #authSocket: net.Socket | null = null;
  #closed = false;
  #requests = 0;

  constructor(config: TransportConfig, password: string) {
    this.#c = config;
    this.#password = password;
    const params: ConnectParams = {
      hostName: config.hostName,
      connectHost: config.connectHost,
      connectPort: config.connectPort,
      timeoutMs: config.connectTimeoutMs,
    };
    this.#agent = new WinrmAgent(
      (cb) =>
        config.https
          ? connectTls(params, config.trust, cb, config.onPeerCertificate)
          : connectPlain(params, cb),
      config.idleSocketMs,
    );
  }

  get #target(): string {
    return `${this.#c.connectHost}:${this.#c.connectPort}`;
  }

  get #encrypting(): boolean {
    return this.#c.auth === 'ntlm' && !this.#c.https;
  }

  /** HTTP requests sent so far (every round trip, NTLM handshake legs included). */
  get requestCount(): number {
    return this.#requests;
  }

  /** Sends one SOAP message and returns the answer (any status but 401; 401 throws). */
  post(xml: string, o: PostOptions): Promise<PostResult> {
    const run = this.#lock.then(() => this.#post(Buffer.from(xml, 'utf8'), o));
    this.#lock = run.catch(() => undefined);
    return run;
  }

  /** Drops every connection (and with it the NTLM context). */
  close(): void {
    this.#closed = true;
    this.#dropSession();
    this.#agent.destroy();
  }

  async #post(xml: Buffer, o: PostOptions): Promise<PostResult> {
    if (this.#c.auth === 'basic') {
      const basic = Buffer.from(`${this.#c.user}:${this.#password}`, 'utf8').toString('base64');
      const headers = { Authorization: `Basic ${basic}`, 'Content-Type': SOAP_CONTENT_TYPE };
      const res = await this.#retryStale(() => this.#exchange(xml, headers, o, null), o);
      if (res === 'stale')
        throw networkError(this.#c.hostName, this.#target, { code: 'ECONNRESET' });
      if (res.status === 401) throw unauthorized(this.#c.hostName, 'Basic', res.offered);
      return this.#result(res);
    }
    for (let attempt = 0; ; attempt++) {
      if (!this.#session || !this.#usable(this.#authSocket)) await this.#handshake(o);
      const session = this.#session;
      const socket = this.#authSocket;
      if (!session || !socket)
        throw ntlmFailed(this.#c.hostName, new Error('no security context after authentication'));
      const body = this.#encrypting ? encryptBody(session, xml) : xml;
      const headers = {
        'Content-Type': this.#encrypting ? SPNEGO_ENCRYPTED_CONTENT_TYPE : SOAP_CONTENT_TYPE,
      };
      let res: Exchange | 'stale';
      try {
        res = await this.#exchange(body, headers, o, socket);
      } catch (e) {
        this.#dropSession();
        if (e instanceof WinrmError && e.code === 'TCP_RESET' && o.idempotent && attempt === 0)
          continue;
        throw e;
      }
      // The connection was replaced, or the server forgot the context: authenticate again, once.
      if (res === 'stale' || res.status === 401) {
        this.#dropSession();
        if (attempt === 0) continue;
        if (res === 'stale')
          throw networkError(this.#c.hostName, this.#target, { code: 'ECONNRESET' });
        throw unauthorized(this.#c.hostName, 'NTLM', res.offered);
      }
      return this.#result(res);
    }
  }

  async #retryStale(
    fn: () => Promise<Exchange | 'stale'>,
    o: PostOptions,
  ): Promise<Exchange | 'stale'> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof WinrmError && e.code === 'TCP_RESET' && o.idempotent) return fn();
      throw e;
    }
  }

  #result(res: Exchange): PostResult {
    let body = res.body;
    if (this.#encrypting && res.body.length > 0) {
      if (isSpnegoEncrypted(res.headers['content-type'])) {
        const session = this.#session;
        if (!session)
          throw ntlmFailed(
            this.#c.hostName,
            new Error('an encrypted answer arrived without a security context'),
          );
        try {
          body = decryptBody(session, res.body).plaintext;
        } catch (e) {
          this.#dropSession();
          throw ntlmFailed(this.#c.hostName, e);
        }
      } else if (res.status < 300) {
        // Accepting clear text here would let anyone on the path forge answers.
        throw protocolError(
          this.#c.hostName,
          `an unencrypted answer (Content-Type ${res.headers['content-type'] ?? 'none'}) on an NTLM-encrypted connection`,
        );
      }
    }
    return { status: res.status, xml: body.toString('utf8') };
  }

  #usable(socket: net.Socket | null): socket is net.Socket {
    return socket !== null && !socket.destroyed && socket.writable;
  }

  /**
   * Forgets the security context AND ends its connection: the server keeps that connection
   * authenticated, and a sealing state we gave up on (a request sealed but never sent advances
   * the sequence numbers) must never be used again on it.
   */
  #dropSession(): void {
    const socket = this.#authSocket;
    this.#session = null;
    this.#authSocket = null;
    if (socket && !socket.destroyed) socket.destroy();
  }

  /**
   * NTLM over HTTP(S) the way Windows' own clients do it: an anonymous POST learns the offered
   * schemes, then NEGOTIATE and AUTHENTICATE travel with empty bodies on ONE connection. Tokens
   * go under "Negotiate" when offered (raw NTLMSSP inside Negotiate is what HTTP.sys accepts).
   */
  async #handshake(o: PostOptions): Promise<void> {
    const host = this.#c.hostName;
    const soap = { 'Content-Type': SOAP_CONTENT_TYPE };
    for (let attempt = 0; attempt < 2; attempt++) {
      this.#dropSession();
      const probe = await this.#exchange(EMPTY, soap, o, null);
      if (probe === 'stale') continue;
      // A connection the server still counts as authenticated (its context is lost here): drop it.
      if (probe.status === 200 && attempt === 0) {
        probe.socket.destroy();
        continue;
      }
      if (probe.status !== 401)
        throw probe.status >= 400
          ? httpStatusError(host, probe.status, probe.body.toString('utf8'))
          : protocolError(
              host,
              `HTTP ${probe.status} to a request without credentials (expected 401)`,
            );
      const offered = probe.offered;
      const scheme =
        offered.find((s) => s.toLowerCase() === 'negotiate') ??
        offered.find((s) => s.toLowerCase() === 'ntlm');
      if (!scheme) throw unauthorized(host, 'NTLM', offered);

      const negotiate = new NtlmClientContext(this.#credentials());
      const first = await this.#exchange(
        EMPTY,
        { ...soap, Authorization: `${scheme} ${negotiate.negotiate().toString('base64')}` },
        o,
        null,
      );
      if (first === 'stale') continue;
      const token = first.status === 401 ? challengeToken(first.offeredRaw, scheme) : null;
      if (!token) {
        throw first.status === 401
          ? unauthorized(host, 'NTLM', first.offered)
          : first.status >= 400
            ? httpStatusError(host, first.status, first.body.toString('utf8'))
            : protocolError(host, `HTTP ${first.status} to the NTLM NEGOTIATE message`);
      }
      // Over HTTPS, bind the authentication to this TLS channel (Windows' CbtHardeningLevel).
      const ctx = this.#c.https ? this.#withChannelBinding(first.socket, negotiate) : negotiate;
      let authenticate: Buffer;
      try {
        authenticate = ctx.authenticate(token);
      } catch (e) {
        throw isNtlmError(e) ? ntlmFailed(host, e) : e;
      }
      const second = await this.#exchange(
        EMPTY,
        { ...soap, Authorization: `${scheme} ${authenticate.toString('base64')}` },
        o,
        first.socket,
      );
      if (second === 'stale') continue;
      if (second.status === 401)
        throw unauthorized(host, 'NTLM', second.offered.length > 0 ? second.offered : offered);
      if (second.status >= 400)
        throw httpStatusError(host, second.status, second.body.toString('utf8'));
      this.#session = ctx.session;
      this.#authSocket = first.socket;
      const socket = first.socket;
      socket.once('close', () => {
        if (this.#authSocket === socket) this.#dropSession();
      });
      return;
    }
    throw networkError(host, this.#target, { code: 'ECONNRESET' });
  }

  #credentials(): { user: string; domain: string; password: string } {
    const { user, domain } = splitLogonName(this.#c.user);
    return { user, domain, password: this.#password };
  }

  /**
   * NtlmClientContext takes channel bindings at construction, but the TLS channel is known only
   * once the NEGOTIATE went out; so a second context replays the same NEGOTIATE bytes with them.
   */
  #withChannelBinding(socket: net.Socket, negotiated: NtlmClientContext): NtlmClientContext {
    const der = peerCertificateDer(socket);
    if (!der) return negotiated;
    let hash = 'sha256';
    try {
      const h = loadCertificate(der).info.signatureAlgorithm.hash;
      if (h === 'sha384' || h === 'sha512') hash = h; // RFC 5929: MD5/SHA-1/SHA-256 signatures use SHA-256
    } catch {
      // An unreadable certificate keeps the SHA-256 default.
    }
    const ctx = new NtlmClientContext(this.#credentials(), {
      channelBindings: tlsServerEndPoint(createHash(hash).update(der).digest()),
    });
    ctx.negotiate(); // same flags and version as the first: the bytes are identical
    return ctx;
  }

  /**
   * One HTTP exchange. With `requireSocket`, the request goes out only on that socket; on any
   * other (the server closed ours) it is abandoned unsent and 'stale' returned.
   */
  #exchange(
    body: Buffer,
    headers: Record<string, string>,
    o: PostOptions,
    requireSocket: net.Socket | null,
  ): Promise<Exchange | 'stale'> {
    const host = this.#c.hostName;
    if (this.#closed)
      return Promise.reject(
        new WinrmError('CLIENT_CLOSED', host, `The WinRM client for ${host} is closed.`),
      );
    if (requireSocket && !this.#usable(requireSocket)) return Promise.resolve('stale');
    return new Promise((resolve, reject) => {
      const hostHeader = `${host.includes(':') ? `[${host}]` : host}:${this.#c.port}`;
      const req = http.request({
        agent: this.#agent,
        host: this.#c.connectHost,
        port: this.#c.connectPort,
        method: 'POST',
        path: '/wsman',
        headers: {
          ...headers,
          Host: hostHeader,
          'Content-Length': String(body.length),
          'User-Agent': USER_AGENT,
          Connection: 'keep-alive',
        },
      });
      let settled = false;
      const cleanup = (): void => {
        settled = true;
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
      };
      const fail = (e: Error): void => {
        if (settled) return;
        cleanup();
        req.destroy();
        reject(e);
      };
      const onAbort = (): void => fail(cancelled(host));
      const timer = setTimeout(() => fail(httpTimeout(host, o.timeoutMs)), o.timeoutMs);
      // Before any destroy(): an 'error' without a listener would be an uncaught exception.
      req.on('error', (e) => fail(networkError(host, this.#target, e)));
      if (o.signal?.aborted) {
        fail(cancelled(host));
        return;
      }
      o.signal?.addEventListener('abort', onAbort, { once: true });
      let used: net.Socket | null = null;
      req.on('socket', (socket: net.Socket) => {
        if (settled) return;
        used = socket;
        if (requireSocket && socket !== requireSocket) {
          cleanup();
          req.destroy();
          resolve('stale');
          return;
        }
        this.#requests++;
        req.end(body);
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => fail(networkError(host, this.#target, e)));
        res.on('end', () => {
          if (settled) return;
          cleanup();
          // res.socket is already detached (back in the agent's pool) at 'end'.
          const socket = used ?? res.socket;
          if (!socket) {
            reject(networkError(host, this.#target, { code: 'ECONNRESET' }));
            return;
          }
          const offeredRaw = res.headersDistinct['www-authenticate'] ?? [];
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            offeredRaw,
            offered: parseAuthSchemes(offeredRaw),
            body: Buffer.concat(chunks),
            socket,
          });
        });
      });
    });
  }
}
