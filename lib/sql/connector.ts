// The socket tedious talks over, opened by us (tedious' `connector` option) for two reasons:
//
// 1. Each layer fails with its own code: DNS (the name is unknown), TCP refused, TCP timeout.
//    tedious folds all of them into one ESOCKET "Failed to connect".
// 2. The plaintext-login guard. tedious 19 with encrypt:true, facing a server that answers
//    ENCRYPT_NOT_SUP (or OFF) in PRELOGIN, silently skips TLS and sends LOGIN7 in clear text:
//    the password only XOR-scrambled (reference B3, last rows). No tedious option refuses that,
//    and no event fires between PRELOGIN and LOGIN7. So the raw socket inspects what tedious
//    writes until TLS is up: before TLS every write is one TDS packet (PRELOGIN 0x12, the TLS
//    handshake wrapped in 0x12), after it every write is a TLS record (0x14–0x17). A LOGIN7
//    (0x10) or SSPI (0x11) packet on the raw socket therefore means "no TLS", and the socket
//    is destroyed before that packet leaves the machine.
import 'server-only';
import dns from 'node:dns/promises';
import net from 'node:net';
import { failure } from './failure';

const PRELOGIN = 0x12;
const LOGIN7 = 0x10;
const SSPI = 0x11;

export interface Endpoint {
  host: string;
  port: number;
}

export interface ConnectorOptions {
  endpoint: Endpoint;
  /** How the target is named in messages. */
  label: string;
  timeoutMs: number;
  allowPlaintext: boolean;
}

/** Error carried through tedious (as the `cause` of its ESOCKET) back to our mapper. */
export class LayerError extends Error {
  constructor(readonly sqlFailure: ReturnType<typeof failure>) {
    super(sqlFailure.message);
    this.name = 'LayerError';
  }
}

const describe = (e: Endpoint): string => `${e.host}:${e.port}`;

async function resolve(o: ConnectorOptions, signal: AbortSignal): Promise<string[]> {
  const { host } = o.endpoint;
  if (net.isIP(host)) return [host];
  try {
    const found = await dns.lookup(host, { all: true });
    signal.throwIfAborted();
    return found.map((a) => a.address);
  } catch (e) {
    if (signal.aborted) throw timeoutError(o, false);
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const why =
      code === 'ENOTFOUND' || code === 'EAI_NONAME'
        ? 'is not known to DNS'
        : `could not be looked up (${code})`;
    throw new LayerError(
      failure(
        'DNS',
        `${o.label}: the host name ${host} ${why}. Check the name, or set a "connect to" address in the inventory.`,
      ),
    );
  }
}

function timeoutError(o: ConnectorOptions, dnsDone: boolean): LayerError {
  const secs = Math.round(o.timeoutMs / 100) / 10;
  return dnsDone
    ? new LayerError(
        failure(
          'TCP_TIMEOUT',
          `${o.label}: no TCP answer from ${describe(o.endpoint)} within ${secs} s. A firewall may drop the traffic, or the host is down.`,
        ),
      )
    : new LayerError(
        failure('DNS', `${o.label}: looking up ${o.endpoint.host} took longer than ${secs} s.`),
      );
}

function dial(address: string, o: ConnectorOptions, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolvePromise, reject) => {
    const socket = net.connect({ host: address, port: o.endpoint.port });
    const done = (err: Error | null): void => {
      signal.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      if (err) {
        socket.destroy();
        reject(err);
      } else resolvePromise(socket);
    };
    const onAbort = (): void => done(timeoutError(o, true));
    const onError = (e: NodeJS.ErrnoException): void => {
      const where = describe(o.endpoint);
      done(
        e.code === 'ECONNREFUSED'
          ? new LayerError(
              failure(
                'TCP_REFUSED',
                `${o.label}: ${where} refused the connection. Is SQL Server running, is TCP/IP enabled, and is ${o.endpoint.port} its port?`,
              ),
            )
          : new LayerError(
              failure('CONNECTION', `${o.label}: cannot reach ${where} (${e.code ?? e.message}).`),
            ),
      );
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once('connect', () => done(null));
  });
}

/** Destroys the socket instead of letting a clear-text LOGIN7/SSPI packet out (see the top of this file). */
export function guardPlaintextLogin(socket: net.Socket, label: string): void {
  const write = socket.write;
  let inspecting = true;
  const guarded = function (this: net.Socket, ...args: unknown[]): boolean {
    const chunk = args[0];
    if (inspecting && Buffer.isBuffer(chunk) && chunk.length > 0) {
      const type = chunk[0];
      if (type === LOGIN7 || type === SSPI) {
        socket.destroy(
          new LayerError(
            failure(
              'NOT_ENCRYPTED',
              `${label} does not offer encryption (no TLS certificate, or encryption disabled): the wizard refuses to send the login in clear text. Configure a certificate for SQL Server, or explicitly allow unencrypted connections for this deployment.`,
            ),
          ),
        );
        return false;
      }
      // The first write that is not a PRELOGIN packet is a TLS record: encrypted from here on.
      if (type !== PRELOGIN) inspecting = false;
    }
    return Reflect.apply(write, this, args) as boolean;
  };
  socket.write = guarded as typeof socket.write;
}

/** tedious calls this as connector(options, lookup, signal); we only need the signal. */
export function makeConnector(o: ConnectorOptions) {
  return async (
    _options?: unknown,
    _lookup?: unknown,
    outer?: AbortSignal,
  ): Promise<net.Socket> => {
    const timeout = AbortSignal.timeout(o.timeoutMs);
    const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
    const addresses = await resolve(o, signal);
    let last: Error = new LayerError(
      failure('DNS', `${o.label}: ${o.endpoint.host} has no address.`),
    );
    // Like tedious' connectInSequence: try each address of the name in turn.
    for (const address of addresses) {
      try {
        const socket = await dial(address, o, signal);
        if (!o.allowPlaintext) guardPlaintextLogin(socket, o.label);
        return socket;
      } catch (e) {
        last = e as Error;
        if (signal.aborted) break;
      }
    }
    throw last;
  };
}
