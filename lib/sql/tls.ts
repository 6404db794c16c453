// TLS for the TDS connection: which tedious options each trust mode becomes, the thumbprint
// pin, and what Node's certificate errors mean for a DBA.
//
// Thumbprint pinning with tedious 19.2.2: tedious calls
//   tls.connect({ socket, servername, secureContext: tls.createSecureContext(cryptoCredentialsDetails),
//                 rejectUnauthorized: !trustServerCertificate })
// (lib/message-io.js startTls). `cryptoCredentialsDetails` only reaches createSecureContext, so a
// `checkServerIdentity` placed there is ignored, and no other tls.connect option is passed
// through. What tedious does offer is the Connection's 'secure' event, emitted with the
// cleartext TLSSocket synchronously inside its 'secureConnect' handler, BEFORE it resolves the
// handshake and writes LOGIN7. So the pin runs there: trustServerCertificate:true (the chain is
// not checked), then on 'secure' the leaf's SHA-1 is compared, and on a mismatch the raw socket
// is destroyed, so the LOGIN7 that tedious writes next goes nowhere and no password leaves.
// (Destroying the cleartext TLSSocket instead would crash tedious, which calls
// setMaxSendFragment on it right after the event.)
import 'server-only';
import { createHash } from 'node:crypto';
import type tls from 'node:tls';
import type { Connection } from 'tedious';
import { cleanThumbprint, isThumbprint } from '@/lib/certs/thumbprint';
import { LayerError } from './connector';
import { failure } from './failure';
import type { PeerCertificate, SqlTrust } from './types';

/** The tedious options for a trust mode. `serverName` is always the inventory name. */
export function tlsOptions(
  name: string,
  trust: SqlTrust,
): {
  encrypt: true;
  trustServerCertificate: boolean;
  serverName: string;
  cryptoCredentialsDetails: tls.SecureContextOptions;
} {
  const base = { encrypt: true as const, serverName: name };
  switch (trust.mode) {
    case 'system':
      return { ...base, trustServerCertificate: false, cryptoCredentialsDetails: {} };
    case 'ca':
      return {
        ...base,
        trustServerCertificate: false,
        cryptoCredentialsDetails: { ca: trust.caPem },
      };
    case 'thumbprint':
    case 'insecure':
      return { ...base, trustServerCertificate: true, cryptoCredentialsDetails: {} };
  }
}

/** Checks the trust settings before any connection so a typo fails as CONFIG, not mid-handshake. */
export function validateTrust(label: string, trust: SqlTrust): SqlTrust {
  if (trust.mode === 'ca' && !/-----BEGIN CERTIFICATE-----/.test(trust.caPem))
    throw new LayerError(
      failure(
        'CONFIG',
        `${label}: the trusted CA bundle holds no PEM certificate (-----BEGIN CERTIFICATE-----).`,
      ),
    );
  if (trust.mode === 'thumbprint') {
    const thumbprint = cleanThumbprint(trust.thumbprint);
    if (!isThumbprint(thumbprint))
      throw new LayerError(
        failure(
          'CONFIG',
          `${label}: the pinned thumbprint must be 40 hexadecimal characters (the SHA-1 thumbprint Windows shows).`,
        ),
      );
    return { mode: 'thumbprint', thumbprint };
  }
  return trust;
}

// Node gives a string, or an array when the name has several CNs.
const first = (v: string | string[] | undefined): string =>
  Array.isArray(v) ? (v[0] ?? '') : (v ?? '');

export function peerCertificate(socket: tls.TLSSocket): PeerCertificate | undefined {
  const c = socket.getPeerCertificate();
  if (!c || !c.raw || c.raw.length === 0) return undefined;
  return {
    thumbprint: createHash('sha1').update(c.raw).digest('hex').toUpperCase(),
    subject: first(c.subject?.CN),
    issuer: first(c.issuer?.CN),
    altNames: c.subjectaltname ?? '',
    validTo: c.valid_to,
  };
}

/** Attaches the pin check (thumbprint mode) and reports the certificate seen. */
export function watchTls(
  conn: Connection,
  label: string,
  trust: SqlTrust,
  seen: (cert: PeerCertificate | undefined) => void,
): void {
  conn.on('secure', (cleartext) => {
    const cert = peerCertificate(cleartext);
    seen(cert);
    if (trust.mode !== 'thumbprint') return;
    const pinned = cleanThumbprint(trust.thumbprint);
    if (cert?.thumbprint === pinned) return;
    const presented = cert
      ? `${cert.thumbprint} (CN=${cert.subject}, issued by ${cert.issuer})`
      : 'no certificate';
    conn.socket?.destroy(
      new LayerError(
        failure(
          'TLS_THUMBPRINT_MISMATCH',
          `${label} presented certificate ${presented}, not the pinned thumbprint ${pinned}. The certificate was replaced, or this is not the expected server.`,
        ),
      ),
    );
  });
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'INVALID_CA',
]);

/** Maps a Node TLS verification error (by its code) to a failure; undefined if it is not one. */
export function tlsFailure(label: string, name: string, error: NodeJS.ErrnoException) {
  const code = error.code ?? '';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return failure(
      'TLS_NAME_MISMATCH',
      `${label}: the server certificate does not cover the name ${name} (${error.message}). Issue a certificate whose subject or SAN names ${name}, or use the name the certificate was issued for.`,
    );
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return failure(
      'TLS_UNTRUSTED',
      `${label}: the server certificate is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not yet valid'}. Renew the SQL Server certificate.`,
    );
  if (UNTRUSTED.has(code))
    return failure(
      'TLS_UNTRUSTED',
      `${label}: the server certificate is not trusted (${error.message}). Add its issuing CA to the deployment's trusted CAs, or pin its thumbprint.`,
    );
  if (code.startsWith('ERR_SSL') || code === 'EPROTO' || code.startsWith('ERR_TLS'))
    return failure('TLS', `${label}: the TLS handshake failed (${error.message}).`);
  return undefined;
}
