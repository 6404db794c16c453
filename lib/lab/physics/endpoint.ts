// The master endpoint as a real TLS listener on loopback. The port is chosen once and kept; the
// socket is open only while a master serves the client access point, so a client sees "connection
// refused" like a worker facing a role that is offline. Every connection and request reads the
// state afresh: the certificate is the one bound on the current owner, and the 403 decision uses
// the current owner's Root store.

import { createHash } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';

import type { MasterView } from './master';

export interface EndpointHooks {
  /** The master as the state has it now. */
  view(): MasterView;
  /** Whether `thumbprint` is in LocalMachine\Root on `node`. */
  trusts(node: string, thumbprint: string): boolean;
  /** Handles POST /ClusterManagement/heartbeat for a trusted worker. */
  heartbeat(view: Extract<MasterView, { serving: true }>, body: unknown): { status: number; body: unknown };
}

export interface MasterEndpoint {
  readonly port: number;
  readonly listening: boolean;
  /** Opens or closes the socket to match the state. */
  reconcile(): Promise<void>;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen(port, LOOPBACK, () => {
      server.off('error', onError);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : null);
      } catch {
        resolve(null);
      }
    });
    req.on('error', () => resolve(null));
  });
}

export async function startMasterEndpoint(hooks: EndpointHooks, requestedPort = 0): Promise<MasterEndpoint> {
  // No certificate yet: setSecureContext installs the owner's before each handshake.
  const tlsServer = https.createServer({ requestCert: true, rejectUnauthorized: false }, (req, res) => void handle(req, res));
  let servedThumbprint: string | null = null;
  const sockets = new Set<net.Socket>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const view = hooks.view();
    if (!view.serving) return send(res, 503, { error: `Service Unavailable: ${view.reason}` });
    if (!(req.url ?? '').toLowerCase().startsWith('/clustermanagement/')) return send(res, 404, { error: 'Not Found' });
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const raw = peer && 'raw' in peer ? peer.raw : undefined;
    if (!raw) return send(res, 403, { error: "The HTTP request was forbidden with client authentication scheme 'Anonymous'." });
    const thumb = createHash('sha1').update(raw).digest('hex').toUpperCase();
    if (!hooks.trusts(view.role.ownerNode, thumb)) {
      return send(res, 403, {
        error: `The HTTP request was forbidden with client authentication scheme 'Anonymous'. (Worker certificate ${thumb} is not in LocalMachine\\Root on ${view.role.ownerNode}.)`,
      });
    }
    if (req.method === 'POST' && /^\/clustermanagement\/heartbeat\/?$/i.test(req.url ?? '')) {
      const r = hooks.heartbeat(view, await readBody(req));
      return send(res, r.status, r.body);
    }
    return send(res, 200, { master: view.role.dnsName, node: view.role.ownerNode });
  }

  const onConnection = (socket: net.Socket) => {
    const view = hooks.view();
    if (!view.serving) {
      socket.destroy();
      return;
    }
    if (view.thumbprint !== servedThumbprint) {
      tlsServer.setSecureContext({ cert: view.certPem, key: view.keyPem });
      servedThumbprint = view.thumbprint;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    tlsServer.emit('connection', socket);
  };

  let server: net.Server | null = null;
  let port = requestedPort;
  let closed = false;
  let queue: Promise<void> = Promise.resolve();

  const open = async () => {
    const s = net.createServer(onConnection);
    port = await listen(s, port);
    server = s;
  };
  const shut = async () => {
    const s = server;
    server = null;
    if (!s) return;
    for (const sock of sockets) sock.destroy();
    await new Promise<void>((r) => s.close(() => r()));
  };

  // Bind once now, so the port is fixed for the lab's lifetime (and can go into endpoints.json).
  await open();
  const endpoint: MasterEndpoint = {
    get port() {
      return port;
    },
    get listening() {
      return server !== null;
    },
    reconcile() {
      // Serialised: a timer tick and an explicit tick must not both open the socket.
      queue = queue.catch(() => undefined).then(async () => {
        if (closed) return;
        const serving = hooks.view().serving;
        if (serving && !server) await open();
        else if (!serving && server) await shut();
      });
      return queue;
    },
    async close() {
      closed = true;
      await queue.catch(() => undefined);
      await shut();
      tlsServer.close();
    },
  };
  await endpoint.reconcile();
  return endpoint;
}
