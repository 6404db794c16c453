import crypto from 'node:crypto';
import { type AvPair, AvFlag, AvId, decodeAvPairs, findAvPair } from './av-pairs';
import { MIC_OFFSET, parseAuthenticateMessage } from './authenticate-message';
import { parseChallengeMessage } from './challenge-message';
import { type NtlmIdentity, type NtlmSecret, secretToNtHash } from './credentials';
import { NtlmError } from './errors';
import { NegotiateFlag as F, combineFlags, hasFlag } from './flags';
import { BLOB_AV_PAIRS_OFFSET, ntlmv2Response, ntowfv2 } from './hashes';
import { channelBindingsHash, computeMic } from './keys';
import { rc4 } from './rc4';
import { NtlmSession } from './session';
import { badMessage } from './wire';

/** Looks up the secret of the account the client named; undefined for an unknown account. */
export type NtlmSecretResolver = (identity: NtlmIdentity) => NtlmSecret | undefined;

export interface NtlmServerResult extends NtlmIdentity {
  flags: number;
  /** Whether the client sent a MIC (and it was verified). */
  micVerified: boolean;
  exportedSessionKey: Buffer;
  /** Present when signing or sealing was negotiated. */
  session: NtlmSession | null;
}

export interface VerifyOptions {
  /** Expected channel binding application data (the server's TLS end point); checked when the client sends one. */
  channelBindings?: Buffer;
  /** Refuse clients that send no channel binding (WinRM CbtHardeningLevel=Strict). */
  requireChannelBindings?: boolean;
}

/** Bits the client may only keep, never add, in AUTHENTICATE: they change the keys and the MAC. */
const SECURITY_FLAGS = combineFlags(
  F.SIGN,
  F.SEAL,
  F.EXTENDED_SESSIONSECURITY,
  F.NEGOTIATE_128,
  F.NEGOTIATE_56,
  F.KEY_EXCH,
);
const WHAT = 'AUTHENTICATE';

/**
 * Server side of 3.2.5.1.2: checks the NTLMv2 proof against the user's secret, recovers the
 * exported session key and checks the MIC. `negotiate` and `challenge` are the raw messages of
 * this exchange (the MIC covers them).
 */
export function verifyAuthenticateMessage(
  input: {
    negotiate: Buffer | undefined;
    challenge: Buffer;
    authenticate: Buffer;
    resolveSecret: NtlmSecretResolver;
  } & VerifyOptions,
): NtlmServerResult {
  const challenge = parseChallengeMessage(input.challenge);
  const auth = parseAuthenticateMessage(input.authenticate);
  const account = auth.domain ? `${auth.domain}\\${auth.user}` : auth.user;

  if (auth.user === '' && auth.ntChallengeResponse.length === 0) {
    throw new NtlmError('NTLM_AUTH_FAILED', 'NTLM anonymous logon is not allowed');
  }
  if (auth.ntChallengeResponse.length === 24) {
    throw new NtlmError(
      'NTLM_UNSUPPORTED',
      `NTLM client sent an NTLMv1 response for ${account}; only NTLMv2 is accepted`,
    );
  }
  if (auth.ntChallengeResponse.length < 16 + BLOB_AV_PAIRS_OFFSET + 4) {
    throw badMessage(
      WHAT,
      `NtChallengeResponse is too short (${auth.ntChallengeResponse.length} bytes) for NTLMv2`,
    );
  }
  const added = (auth.flags & SECURITY_FLAGS & ~challenge.flags) >>> 0;
  if (added !== 0)
    throw badMessage(
      WHAT,
      `the client chose security flags the server did not offer (0x${added.toString(16)})`,
    );
  if (
    (hasFlag(auth.flags, F.SIGN) || hasFlag(auth.flags, F.SEAL)) &&
    !hasFlag(auth.flags, F.EXTENDED_SESSIONSECURITY)
  ) {
    throw new NtlmError(
      'NTLM_UNSUPPORTED',
      'NTLM client asked for signing or sealing without extended session security',
    );
  }

  const secret = input.resolveSecret({
    user: auth.user,
    domain: auth.domain,
    workstation: auth.workstation,
  });
  const failed = (): NtlmError =>
    new NtlmError(
      'NTLM_AUTH_FAILED',
      `NTLM authentication failed for ${account}: unknown account or wrong password`,
    );
  if (!secret) throw failed();

  const proof = auth.ntChallengeResponse.subarray(0, 16);
  const blob = auth.ntChallengeResponse.subarray(16);
  const responseKey = ntowfv2(secretToNtHash(secret), auth.user, auth.domain);
  const expected = ntlmv2Response(responseKey, challenge.serverChallenge, blob);
  if (!crypto.timingSafeEqual(expected.ntProofStr, proof)) throw failed();

  // The blob is covered by the proof, so from here on its content is the client's own.
  if (blob.readUInt8(0) !== 1 || blob.readUInt8(1) !== 1)
    throw badMessage(WHAT, 'unknown NTLMv2 response version');
  const pairs = decodeAvPairs(blob.subarray(BLOB_AV_PAIRS_OFFSET), WHAT);

  let exportedSessionKey: Buffer = expected.sessionBaseKey;
  if (hasFlag(auth.flags, F.KEY_EXCH)) {
    if (auth.encryptedRandomSessionKey.length !== 16)
      throw badMessage(WHAT, 'KEY_EXCH is set but EncryptedRandomSessionKey is not 16 bytes');
    exportedSessionKey = rc4(expected.sessionBaseKey, auth.encryptedRandomSessionKey);
  }

  const micVerified = checkMic(input, auth.mic, pairs, exportedSessionKey);
  checkChannelBindings(input, pairs, account);

  const session =
    hasFlag(auth.flags, F.SIGN) || hasFlag(auth.flags, F.SEAL)
      ? new NtlmSession(exportedSessionKey, auth.flags, 'server')
      : null;
  return {
    user: auth.user,
    domain: auth.domain,
    workstation: auth.workstation,
    flags: auth.flags,
    micVerified,
    exportedSessionKey,
    session,
  };
}

function checkMic(
  input: { negotiate: Buffer | undefined; challenge: Buffer; authenticate: Buffer },
  mic: Buffer | undefined,
  pairs: readonly AvPair[],
  exportedSessionKey: Buffer,
): boolean {
  const avFlags = findAvPair(pairs, AvId.FLAGS);
  if (!avFlags || avFlags.length !== 4 || !hasFlag(avFlags.readUInt32LE(0), AvFlag.MIC_PRESENT))
    return false;
  if (!mic) throw badMessage(WHAT, 'MsvAvFlags announces a MIC but the header has no room for one');
  if (!input.negotiate)
    throw new NtlmError(
      'NTLM_BAD_STATE',
      'Cannot check the NTLM MIC without the NEGOTIATE message',
    );
  const zeroed = Buffer.from(input.authenticate);
  zeroed.fill(0, MIC_OFFSET, MIC_OFFSET + 16);
  const expected = computeMic(exportedSessionKey, input.negotiate, input.challenge, zeroed);
  if (!crypto.timingSafeEqual(expected, mic)) {
    throw new NtlmError(
      'NTLM_BAD_MIC',
      'NTLM MIC does not match: a handshake message was altered in transit',
    );
  }
  return true;
}

function checkChannelBindings(
  options: VerifyOptions,
  pairs: readonly AvPair[],
  account: string,
): void {
  const sent = findAvPair(pairs, AvId.CHANNEL_BINDINGS);
  // An all-zero value means "no bindings" (clients that cannot see the TLS channel send it).
  const present = sent !== undefined && sent.some((b) => b !== 0);
  if (!present) {
    if (options.requireChannelBindings) {
      throw new NtlmError(
        'NTLM_BAD_CHANNEL_BINDING',
        `NTLM client ${account} sent no channel binding, which this server requires`,
      );
    }
    return;
  }
  if (!options.channelBindings) return;
  if (
    sent.length !== 16 ||
    !crypto.timingSafeEqual(channelBindingsHash(options.channelBindings), sent)
  ) {
    throw new NtlmError(
      'NTLM_BAD_CHANNEL_BINDING',
      `NTLM channel binding from ${account} does not match this TLS channel`,
    );
  }
}
