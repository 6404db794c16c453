/**
 * Connection set-up for the WinRM agents: TCP (with an optional "connect to address:port"
 * override) and TLS with our own verification step.
 *
 * Why our own step: Node rejects a bad certificate inside the handshake and throws away the
 * certificate, but a DBA needs to hear WHICH names the certificate covers and who issued it.
 * So the socket is opened with rejectUnauthorized:false, checked on 'secureConnect', and only a
 * verified socket is handed to the HTTP agent (createConnection's callback form), so no request
 * byte (and no Basic password) is ever written to an unverified server.
 *
 * The host NAME stays the identity even when the override points elsewhere: it is the SNI
 * servername and the name checkServerIdentity matches.
 */
import 'server-only';
import net from 'node:net';
import tls from 'node:tls';
import { cleanThumbprint, isThumbprint, loadCertificate, presentedNames } from '@/lib/certs';
import {
  type PeerCertificateSummary,
  WinrmError,
  configError,
  networkError,
  thumbprintMismatch,
  tlsVerifyError,
} from './errors';

/** How the server certificate is trusted. */
export type TlsTrust =
  /** The system's trust store (Node's bundled roots plus NODE_EXTRA_CA_CERTS). */
  | { mode: 'system' }
  /** Only these CAs (PEM, one or more certificates): a per-deployment bundle such as the lab CA. */
  | { mode: 'ca'; caPem: string }
  /** Exactly this certificate, by SHA-1 thumbprint (Windows style); chain and name are not checked. */
  | { mode: 'thumbprint'; thumbprint: string }
  /** No verification at all: only when the user explicitly chose it. */
  | { mode: 'insecure' };

export interface ConnectParams {
  /** The inventory host name: what the certificate must cover, and the SNI name. */
  hostName: string;
  /** Where to actually connect (the override address, or the host name). */
  connectHost: string;
  connectPort: number;
  timeoutMs: number;
}

export function summarizeCertificate(der: Buffer): PeerCertificateSummary {
  const { info } = loadCertificate(der, { label: 'The server certificate' });
  return {
    subject: info.subject,
    issuer: info.issuer,
    names: presentedNames(info),
    thumbprint: info.thumbprint,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
  };
}

function peerSummary(socket: tls.TLSSocket): PeerCertificateSummary | undefined {
  const raw = socket.getPeerCertificate()?.raw;
  if (!raw || raw.length === 0) return undefined;
  try {
    return summarizeCertificate(raw);
  } catch {
    return undefined;
  }
}

/** Checks the trust options once, so a typo fails before any connection (and never mid-command). */
export function validateTrust(host: string, trust: TlsTrust): TlsTrust {
  if (trust.mode === 'ca') {
    if (!/-----BEGIN CERTIFICATE-----/.test(trust.caPem))
      throw configError(
        host,
        'The trusted CA bundle holds no PEM certificate (-----BEGIN CERTIFICATE-----).',
      );
    return trust;
  }
  if (trust.mode === 'thumbprint') {
    const clean = cleanThumbprint(trust.thumbprint);
    if (!isThumbprint(clean))
      throw configError(
        host,
        'The pinned thumbprint must be 40 hexadecimal characters (the SHA-1 thumbprint Windows shows).',
      );
    return { mode: 'thumbprint', thumbprint: clean };
  }
  return trust;
}

type Callback = (err: Error | null, socket?: net.Socket) => void;

/** Arms a connect timeout and maps early socket errors; `ready` fires once the socket is usable. */
function guard(
  socket: net.Socket,
  p: ConnectParams,
  readyEvent: 'connect' | 'secureConnect',
  onReady: () => WinrmError | null,
  cb: Callback,
): void {
  const target = `${p.connectHost}:${p.connectPort}`;
  let settled = false;
  let tcpUp = false;
  const finish = (err: Error | null): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.off('error', onError);
    if (err) {
      socket.destroy();
      cb(err);
    } else cb(null, socket);
  };
  const onError = (e: Error): void => finish(networkError(p.hostName, target, e));
  const timer = setTimeout(() => {
    const e = tcpUp
      ? networkError(
          p.hostName,
          target,
          Object.assign(new Error('TLS handshake timed out'), {
            code: 'ERR_SSL_HANDSHAKE_TIMEOUT',
          }),
        )
      : networkError(
          p.hostName,
          target,
          Object.assign(new Error('connect timeout'), { code: 'ECONNECT_TIMEOUT' }),
        );
    finish(e);
  }, p.timeoutMs);
  socket.once('connect', () => {
    tcpUp = true;
  });
  socket.on('error', onError);
  socket.once(readyEvent, () => finish(onReady()));
}

/** A plain TCP connection (HTTP listener). */
export function connectPlain(p: ConnectParams, cb: Callback): void {
  const socket = net.connect({ host: p.connectHost, port: p.connectPort });
  socket.setNoDelay(true);
  guard(socket, p, 'connect', () => null, cb);
}

/** Called with each verified TLS socket's certificate (the client keeps the last one as evidence). */
export type PeerObserver = (cert: PeerCertificateSummary | undefined) => void;

/** A TLS connection verified according to `trust`. */
export function connectTls(
  p: ConnectParams,
  trust: TlsTrust,
  cb: Callback,
  observe?: PeerObserver,
): void {
  const servername = net.isIP(p.hostName) ? undefined : p.hostName;
  const socket = tls.connect({
    host: p.connectHost,
    port: p.connectPort,
    servername,
    minVersion: 'TLSv1.2',
    rejectUnauthorized: false,
    ...(trust.mode === 'ca' ? { ca: trust.caPem } : {}),
    // Runs only when the chain verified; its failure lands in authorizationError.
    checkServerIdentity: (_name, cert) => tls.checkServerIdentity(p.hostName, cert),
  });
  socket.setNoDelay(true);
  guard(
    socket,
    p,
    'secureConnect',
    () => {
      const cert = peerSummary(socket);
      observe?.(cert);
      switch (trust.mode) {
        case 'insecure':
          return null;
        case 'thumbprint':
          if (!cert) return tlsVerifyError(p.hostName, 'NO_PEER_CERTIFICATE', undefined);
          return cert.thumbprint === trust.thumbprint
            ? null
            : thumbprintMismatch(p.hostName, trust.thumbprint, cert);
        default: {
          if (socket.authorized) return null;
          const reason = String(socket.authorizationError ?? 'UNKNOWN');
          return tlsVerifyError(p.hostName, reason, cert);
        }
      }
    },
    cb,
  );
}

/** The peer certificate's DER of a connected TLS socket (for NTLM channel binding). */
export function peerCertificateDer(socket: net.Socket): Buffer | null {
  if (!(socket instanceof tls.TLSSocket)) return null;
  const raw = socket.getPeerCertificate()?.raw;
  return raw && raw.length > 0 ? raw : null;
}
