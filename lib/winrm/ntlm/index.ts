/**
 * NTLM for WinRM, both ends: our WinRM client and the lab's WinRM server.
 * NTLMv2 only, with extended session security; sealing per MS-NLMP 3.4 and WinRM's
 * HTTP message encryption per MS-WSMV 2.2.9.1.1.
 */
export { NtlmError, isNtlmError, type NtlmErrorCode } from './errors';
export { NtlmClientContext } from './client-context';
export { type NtlmClientOptions } from './client';
export { NtlmServerContext, type NtlmServerOptions } from './server';
export { type NtlmSecretResolver, type NtlmServerResult, type VerifyOptions } from './verify';
export { NtlmSession, type NtlmSide, type SealedMessage } from './session';
export {
  type NtlmCredentials,
  type NtlmIdentity,
  type NtlmSecret,
  splitLogonName,
} from './credentials';
export { ntHash } from './hashes';
export { channelBindingsHash, tlsServerEndPoint } from './keys';
export { NegotiateFlag, describeFlags, hasFlag, type NegotiateFlagName } from './flags';
export { AvId } from './av-pairs';
export { parseNegotiateMessage, type NegotiateMessage } from './negotiate-message';
export { parseChallengeMessage, type ChallengeMessage } from './challenge-message';
export { parseAuthenticateMessage, type AuthenticateMessage } from './authenticate-message';
export {
  ENCRYPTED_BOUNDARY,
  SOAP_CONTENT_TYPE,
  SPNEGO_ENCRYPTED_CONTENT_TYPE,
  SPNEGO_ENCRYPTED_PROTOCOL,
  decryptBody,
  encryptBody,
  isSpnegoEncrypted,
  type DecryptedBody,
  type MessageSealer,
} from './spnego-http';
