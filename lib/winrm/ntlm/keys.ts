import { NegotiateFlag, hasFlag } from './flags';
import { hmacMd5, md5 } from './hashes';

/** Session key derivation (MS-NLMP 3.4.5) and the MIC (3.1.5.1.2). */

const magic = (text: string): Buffer => Buffer.from(`${text}\0`, 'latin1');

const CLIENT_SIGNING = magic('session key to client-to-server signing key magic constant');
const SERVER_SIGNING = magic('session key to server-to-client signing key magic constant');
const CLIENT_SEALING = magic('session key to client-to-server sealing key magic constant');
const SERVER_SEALING = magic('session key to server-to-client sealing key magic constant');

export interface NtlmSessionKeys {
  clientSigningKey: Buffer;
  serverSigningKey: Buffer;
  clientSealingKey: Buffer;
  serverSealingKey: Buffer;
}

/** SEALKEY with extended session security: the exported key is cut to 128, 56 or 40 bits first. */
function sealKey(exportedSessionKey: Buffer, flags: number, constant: Buffer): Buffer {
  const bytes = hasFlag(flags, NegotiateFlag.NEGOTIATE_128)
    ? 16
    : hasFlag(flags, NegotiateFlag.NEGOTIATE_56)
      ? 7
      : 5;
  return md5(exportedSessionKey.subarray(0, bytes), constant);
}

/** SIGNKEY and SEALKEY for both directions (extended session security only). */
export function deriveSessionKeys(exportedSessionKey: Buffer, flags: number): NtlmSessionKeys {
  return {
    clientSigningKey: md5(exportedSessionKey, CLIENT_SIGNING),
    serverSigningKey: md5(exportedSessionKey, SERVER_SIGNING),
    clientSealingKey: sealKey(exportedSessionKey, flags, CLIENT_SEALING),
    serverSealingKey: sealKey(exportedSessionKey, flags, SERVER_SEALING),
  };
}

/** MIC = HMAC-MD5(ExportedSessionKey, NEGOTIATE ‖ CHALLENGE ‖ AUTHENTICATE with a zeroed MIC field). */
export function computeMic(
  exportedSessionKey: Buffer,
  negotiate: Buffer,
  challenge: Buffer,
  authenticateWithZeroMic: Buffer,
): Buffer {
  return hmacMd5(exportedSessionKey, negotiate, challenge, authenticateWithZeroMic);
}

/**
 * MsvAvChannelBindings value: MD5 of a gss_channel_bindings_struct with no addresses and the given
 * application data (for HTTPS: `tlsServerEndPoint(certificateHash)`, RFC 5929).
 */
export function channelBindingsHash(applicationData: Buffer): Buffer {
  const head = Buffer.alloc(20);
  head.writeUInt32LE(applicationData.length, 16);
  return md5(head, applicationData);
}

/**
 * RFC 5929 tls-server-end-point application data. The hash is the certificate's signature hash,
 * SHA-256 when that is MD5 or SHA-1; the caller computes it from the server certificate.
 */
export function tlsServerEndPoint(certificateHash: Buffer): Buffer {
  return Buffer.concat([Buffer.from('tls-server-end-point:', 'latin1'), certificateHash]);
}
