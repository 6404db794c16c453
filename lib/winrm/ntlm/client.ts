import crypto from 'node:crypto';
import { AvFlag, AvId, encodeAvPairs, fileTime, findAvPair, setAvPair } from './av-pairs';
import { MIC_OFFSET, encodeAuthenticateMessage } from './authenticate-message';
import { parseChallengeMessage } from './challenge-message';
import { type NtlmCredentials, secretToNtHash, splitLogonName } from './credentials';
import { NtlmError } from './errors';
import { NegotiateFlag as F, combineFlags, hasFlag } from './flags';
import { lmv2Response, ntlmv2ClientBlob, ntlmv2Response, ntowfv2 } from './hashes';
import { channelBindingsHash, computeMic } from './keys';
import { rc4 } from './rc4';
import { NtlmSession } from './session';
import { DEFAULT_VERSION } from './wire';

/** What our client asks for: NTLMv2 with extended session security, 128-bit sealing and key exchange. */
export const CLIENT_FLAGS = combineFlags(
  F.UNICODE,
  F.OEM,
  F.REQUEST_TARGET,
  F.SIGN,
  F.SEAL,
  F.NTLM,
  F.ALWAYS_SIGN,
  F.EXTENDED_SESSIONSECURITY,
  F.TARGET_INFO,
  F.VERSION,
  F.NEGOTIATE_128,
  F.KEY_EXCH,
  F.NEGOTIATE_56,
);

export interface NtlmClientOptions {
  /** NetBIOS name sent as Workstation (empty by default, as requests_ntlm does). */
  workstation?: string;
  /** Channel binding application data (e.g. `tlsServerEndPoint(hash)` over HTTPS); sent hashed as MsvAvChannelBindings. */
  channelBindings?: Buffer;
  /** The SPN the client means to reach (e.g. `HTTP/sqlnode1.lab.local`), sent as MsvAvTargetName. */
  targetSpn?: string;
  /** Refuse a server that does not offer 128-bit sealing with extended session security. Default true. */
  requireSeal?: boolean;
  version?: Buffer;
  /** Deterministic inputs for tests; random or current by default. */
  clientChallenge?: Buffer;
  randomSessionKey?: Buffer;
  now?: () => number;
}

export interface ClientAuthenticateResult {
  message: Buffer;
  flags: number;
  exportedSessionKey: Buffer;
  /** Present when signing or sealing was negotiated. */
  session: NtlmSession | null;
}

/** Client side of 3.1.5.1.2: answers a CHALLENGE_MESSAGE with an NTLMv2 AUTHENTICATE_MESSAGE. */
export function createAuthenticateMessage(
  input: { negotiate: Buffer; challenge: Buffer; credentials: NtlmCredentials } & NtlmClientOptions,
): ClientAuthenticateResult {
  const challenge = parseChallengeMessage(input.challenge);
  const needSeal = input.requireSeal ?? true;
  if (needSeal) {
    const missing = (['SEAL', 'EXTENDED_SESSIONSECURITY', 'NEGOTIATE_128'] as const).filter(
      (f) => !hasFlag(challenge.flags, F[f]),
    );
    if (missing.length > 0) {
      throw new NtlmError(
        'NTLM_UNSUPPORTED',
        `The NTLM server did not offer ${missing.join(', ')}; message encryption needs them`,
      );
    }
  }
  // Negotiated = what both sides support; UNICODE wins over OEM.
  let flags = (challenge.flags & CLIENT_FLAGS) >>> 0;
  if (hasFlag(flags, F.UNICODE)) flags = (flags & ~F.OEM) >>> 0;

  const { credentials } = input;
  const named =
    credentials.domain === undefined
      ? splitLogonName(credentials.user)
      : { user: credentials.user, domain: credentials.domain };
  const responseKey = ntowfv2(secretToNtHash(credentials), named.user, named.domain);

  const serverTime = findAvPair(challenge.targetInfo, AvId.TIMESTAMP);
  if (serverTime && serverTime.length !== 8) {
    throw new NtlmError(
      'NTLM_BAD_MESSAGE',
      'Malformed NTLM CHALLENGE message: MsvAvTimestamp is not 8 bytes',
    );
  }
  let pairs = challenge.targetInfo;
  if (serverTime) {
    // A server timestamp means the client SHOULD send a MIC and say so in MsvAvFlags.
    const current = findAvPair(pairs, AvId.FLAGS);
    const value = Buffer.alloc(4);
    value.writeUInt32LE(
      ((current && current.length === 4 ? current.readUInt32LE(0) : 0) | AvFlag.MIC_PRESENT) >>> 0,
    );
    pairs = setAvPair(pairs, AvId.FLAGS, value);
  }
  if (input.channelBindings)
    pairs = setAvPair(pairs, AvId.CHANNEL_BINDINGS, channelBindingsHash(input.channelBindings));
  if (input.targetSpn)
    pairs = setAvPair(pairs, AvId.TARGET_NAME, Buffer.from(input.targetSpn, 'utf16le'));

  const clientChallenge = input.clientChallenge ?? crypto.randomBytes(8);
  const time = serverTime ?? fileTime((input.now ?? Date.now)());
  const blob = ntlmv2ClientBlob(time, clientChallenge, encodeAvPairs(pairs));
  const nt = ntlmv2Response(responseKey, challenge.serverChallenge, blob);
  // With a server timestamp the LM response SHOULD be Z(24) (MS-NLMP 3.1.5.1.2).
  const lm = serverTime
    ? Buffer.alloc(24)
    : lmv2Response(responseKey, challenge.serverChallenge, clientChallenge);

  let exportedSessionKey: Buffer = nt.sessionBaseKey; // KXKEY for NTLMv2 is the session base key.
  let encryptedRandomSessionKey: Buffer = Buffer.alloc(0);
  if (hasFlag(flags, F.KEY_EXCH)) {
    exportedSessionKey = input.randomSessionKey ?? crypto.randomBytes(16);
    encryptedRandomSessionKey = rc4(nt.sessionBaseKey, exportedSessionKey);
  }

  const message = encodeAuthenticateMessage({
    flags,
    lmChallengeResponse: lm,
    ntChallengeResponse: nt.response,
    domain: named.domain,
    user: named.user,
    workstation: input.workstation ?? '',
    encryptedRandomSessionKey,
    version: hasFlag(flags, F.VERSION) ? (input.version ?? DEFAULT_VERSION) : undefined,
    mic: serverTime ? Buffer.alloc(16) : undefined,
  });
  if (serverTime)
    computeMic(exportedSessionKey, input.negotiate, input.challenge, message).copy(
      message,
      MIC_OFFSET,
    );

  // Session security exists only with extended session security (all this layer implements).
  const wantsSecurity = hasFlag(flags, F.SIGN) || hasFlag(flags, F.SEAL);
  const session =
    wantsSecurity && hasFlag(flags, F.EXTENDED_SESSIONSECURITY)
      ? new NtlmSession(exportedSessionKey, flags, 'client')
      : null;
  return { message, flags, exportedSessionKey, session };
}
