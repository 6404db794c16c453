/**
 * Every way the NTLM layer can fail. Closed: callers switch on it (lib/winrm/errors.ts maps it).
 * Messages name what failed and for whom, never a password, hash or key.
 */
export type NtlmErrorCode =
  /** A NEGOTIATE/CHALLENGE/AUTHENTICATE message is truncated, has a bad header or inconsistent fields. */
  | 'NTLM_BAD_MESSAGE'
  /** The peer offered or chose something this implementation refuses (NTLMv1, no extended session security, no 128-bit). */
  | 'NTLM_UNSUPPORTED'
  /** The NTLMv2 proof does not match: wrong password, unknown account or anonymous logon. */
  | 'NTLM_AUTH_FAILED'
  /** The AUTHENTICATE message's MIC does not match: one of the three handshake messages was altered. */
  | 'NTLM_BAD_MIC'
  /** The client's channel binding hash does not match the TLS channel the server sees. */
  | 'NTLM_BAD_CHANNEL_BINDING'
  /** A sealed or signed message's checksum does not match: the message was altered or the keys differ. */
  | 'NTLM_BAD_SIGNATURE'
  /** A signature carries an unexpected sequence number: the message was replayed, dropped or reordered. */
  | 'NTLM_BAD_SEQUENCE'
  /** A context was used out of order (authenticate before challenge, twice, or sealing without a session). */
  | 'NTLM_BAD_STATE'
  /** The multipart/encrypted HTTP body of WinRM message encryption is malformed or its length is wrong. */
  | 'NTLM_BAD_FRAMING';

export class NtlmError extends Error {
  readonly code: NtlmErrorCode;

  constructor(code: NtlmErrorCode, message: string) {
    super(message);
    this.name = 'NtlmError';
    this.code = code;
  }
}

export function isNtlmError(e: unknown): e is NtlmError {
  return e instanceof NtlmError;
}
