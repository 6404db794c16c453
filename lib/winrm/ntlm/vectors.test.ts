import { describe, expect, it } from 'vitest';
import { AvId, encodeAvPairs, textPair } from './av-pairs';
import { encodeAuthenticateMessage, parseAuthenticateMessage } from './authenticate-message';
import { encodeChallengeMessage, parseChallengeMessage } from './challenge-message';
import { createAuthenticateMessage } from './client';
import { NegotiateFlag as F, combineFlags } from './flags';
import { lmv2Response, ntHash, ntlmv2ClientBlob, ntlmv2Response, ntowfv2 } from './hashes';
import { deriveSessionKeys } from './keys';
import { rc4 } from './rc4';
import { NtlmSession } from './session';
import { verifyAuthenticateMessage } from './verify';

/**
 * MS-NLMP 4.2.4 "NTLMv2 Authentication": User "User", UserDom "Domain", Password "Password",
 * Workstation "COMPUTER", RandomSessionKey 55×16, Time 0, ClientChallenge aa×8,
 * ServerChallenge 0123456789abcdef, AV pairs MsvAvNbDomainName "Domain", MsvAvNbComputerName "Server".
 */
const h = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const SERVER_CHALLENGE = h('0123456789abcdef');
const CLIENT_CHALLENGE = h('aaaaaaaaaaaaaaaa');
const RANDOM_SESSION_KEY = Buffer.alloc(16, 0x55);
const TIME_ZERO = Buffer.alloc(8);
const FILETIME_EPOCH_MS = -11_644_473_600_000; // 1601-01-01, i.e. FILETIME 0
const AV_PAIRS = [
  textPair(AvId.NB_DOMAIN_NAME, 'Domain'),
  textPair(AvId.NB_COMPUTER_NAME, 'Server'),
];

/** 4.2.4: flags of the CHALLENGE_MESSAGE, 0xe28a8233. */
const CHALLENGE_FLAGS = combineFlags(
  F.KEY_EXCH,
  F.NEGOTIATE_56,
  F.NEGOTIATE_128,
  F.VERSION,
  F.TARGET_INFO,
  F.EXTENDED_SESSIONSECURITY,
  F.TARGET_TYPE_SERVER,
  F.ALWAYS_SIGN,
  F.NTLM,
  F.SEAL,
  F.SIGN,
  F.OEM,
  F.UNICODE,
);

// 4.2.4.3 Messages.
const CHALLENGE_MESSAGE = h(`
  4e544c4d53535000 02000000 0c000c0038000000 33828ae2 0123456789abcdef 0000000000000000
  2400240044000000 060070170000000f 530065007200760065007200
  02000c0044006f006d00610069006e00 01000c00530065007200760065007200 00000000`);
const AUTHENTICATE_MESSAGE = h(`
  4e544c4d535350000300000018001800 6c00000054005400840000000c000c00
  48000000080008005400000010001000 5c00000010001000d8000000358288e2
  0501280a0000000f44006f006d006100 69006e00550073006500720043004f00
  4d005000550054004500520086c35097 ac9cec102554764a57cccc19aaaaaaaa
  aaaaaaaa68cd0ab851e51c96aabc927b ebef6a1c010100000000000000000000
  00000000aaaaaaaaaaaaaaaa00000000 02000c0044006f006d00610069006e00
  01000c00530065007200760065007200 0000000000000000c5dad2544fc97990
  94ce1ce90bc9d03e`);

const NTOWFV2 = '0c868a403bfd7a93a3001ef22ef02e3f'; // 4.2.4.1.1
const SESSION_BASE_KEY = '8de40ccadbc14a82f15cb0ad0de95ca3'; // 4.2.4.1.2
const LMV2_RESPONSE = '86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa'; // 4.2.4.2.1
const NT_PROOF_STR = '68cd0ab851e51c96aabc927bebef6a1c'; // 4.2.4.2.2
const TEMP =
  '01010000000000000000000000000000aaaaaaaaaaaaaaaa00000000' +
  '02000c0044006f006d00610069006e0001000c005300650072007600650072000000000000000000';
const ENCRYPTED_SESSION_KEY = 'c5dad2544fc9799094ce1ce90bc9d03e'; // 4.2.4.2.3
// 4.2.4.4 GSS_WrapEx: "Plaintext" (UTF-16LE), sequence number 0, client-to-server.
const PLAINTEXT = Buffer.from('Plaintext', 'utf16le');
const SEALING_KEY = '59f600973cc4960a25480a7c196e4c58';
const SIGNING_KEY = '4788dc861b4782f35d43fd98fe1a2d39';
const SEALED = '54e50165bf1936dc996020c1811b0f06fb5f';
const SIGNATURE = '010000007fb38ec5c55d497600000000';
/** The AUTHENTICATE_MESSAGE flags 4.2.4.3 shows, 0xe2888235. */
const AUTH_FLAGS = h('358288e2').readUInt32LE(0);

const hex = (b: Buffer): string => b.toString('hex');

describe('MS-NLMP 4.2.4 NTLMv2 test vectors', () => {
  it('4.2.4.1.1 NTOWFv2 (and the NT hash it starts from)', () => {
    expect(hex(ntHash('Password'))).toBe('a4f49c406510bdcab6824ee7c30fd852');
    expect(hex(ntowfv2(ntHash('Password'), 'User', 'Domain'))).toBe(NTOWFV2);
  });

  it('4.2.4.2.2 NTProofStr, NTLMv2 response and 4.2.4.1.2 session base key', () => {
    const blob = ntlmv2ClientBlob(TIME_ZERO, CLIENT_CHALLENGE, encodeAvPairs(AV_PAIRS));
    expect(hex(blob)).toBe(TEMP);
    const nt = ntlmv2Response(h(NTOWFV2), SERVER_CHALLENGE, blob);
    expect(hex(nt.ntProofStr)).toBe(NT_PROOF_STR);
    expect(hex(nt.response)).toBe(NT_PROOF_STR + TEMP);
    expect(hex(nt.sessionBaseKey)).toBe(SESSION_BASE_KEY);
  });

  it('4.2.4.2.1 LMv2 response', () => {
    expect(hex(lmv2Response(h(NTOWFV2), SERVER_CHALLENGE, CLIENT_CHALLENGE))).toBe(LMV2_RESPONSE);
  });

  it('4.2.4.2.3 encrypted session key', () => {
    expect(hex(rc4(h(SESSION_BASE_KEY), RANDOM_SESSION_KEY))).toBe(ENCRYPTED_SESSION_KEY);
  });

  it('4.2.4.4 client-to-server sealing and signing keys', () => {
    const keys = deriveSessionKeys(RANDOM_SESSION_KEY, CHALLENGE_FLAGS);
    expect(hex(keys.clientSealingKey)).toBe(SEALING_KEY);
    expect(hex(keys.clientSigningKey)).toBe(SIGNING_KEY);
  });

  it('4.2.4.4 GSS_WrapEx: sealed "Plaintext" and its signature', () => {
    const session = new NtlmSession(RANDOM_SESSION_KEY, AUTH_FLAGS, 'client');
    const { sealed, signature } = session.seal(PLAINTEXT);
    expect(hex(sealed)).toBe(SEALED);
    expect(hex(signature)).toBe(SIGNATURE);
  });

  it('4.2.4.3 CHALLENGE_MESSAGE parses to the documented fields and encodes back byte for byte', () => {
    const parsed = parseChallengeMessage(CHALLENGE_MESSAGE);
    expect(parsed.flags).toBe(CHALLENGE_FLAGS);
    expect(parsed.flags).toBe(0xe28a8233);
    expect(hex(parsed.serverChallenge)).toBe('0123456789abcdef');
    expect(parsed.targetName).toBe('Server');
    expect(parsed.targetInfo).toEqual(AV_PAIRS);
    expect(hex(parsed.version ?? Buffer.alloc(0))).toBe('060070170000000f');
    expect(encodeChallengeMessage(parsed)).toEqual(CHALLENGE_MESSAGE);
  });

  it('4.2.4.3 AUTHENTICATE_MESSAGE parses to the documented fields and encodes back byte for byte', () => {
    const parsed = parseAuthenticateMessage(AUTHENTICATE_MESSAGE);
    expect(parsed).toMatchObject({
      flags: AUTH_FLAGS,
      domain: 'Domain',
      user: 'User',
      workstation: 'COMPUTER',
      mic: undefined,
    });
    expect(hex(parsed.lmChallengeResponse)).toBe(LMV2_RESPONSE);
    expect(hex(parsed.ntChallengeResponse)).toBe(NT_PROOF_STR + TEMP);
    expect(hex(parsed.encryptedRandomSessionKey)).toBe(ENCRYPTED_SESSION_KEY);
    expect(
      encodeAuthenticateMessage({ ...parsed, version: parsed.version, mic: undefined }),
    ).toEqual(AUTHENTICATE_MESSAGE);
  });

  it('our client answers the 4.2.4.3 challenge with the documented AUTHENTICATE_MESSAGE', () => {
    const result = createAuthenticateMessage({
      negotiate: Buffer.alloc(0), // no MIC without a server timestamp, so the NEGOTIATE bytes do not matter
      challenge: CHALLENGE_MESSAGE,
      credentials: { user: 'User', domain: 'Domain', password: 'Password' },
      workstation: 'COMPUTER',
      version: h('0501280a0000000f'),
      clientChallenge: CLIENT_CHALLENGE,
      randomSessionKey: RANDOM_SESSION_KEY,
      now: () => FILETIME_EPOCH_MS,
    });
    // The documented client also keeps REQUEST_TARGET, which the challenge did not carry; ours takes
    // the intersection. Every other byte is the same.
    expect(result.flags).toBe((AUTH_FLAGS & ~F.REQUEST_TARGET) >>> 0);
    const expected = Buffer.from(AUTHENTICATE_MESSAGE);
    expected.writeUInt32LE(result.flags, 60);
    expect(hex(result.message)).toBe(hex(expected));
    expect(hex(result.exportedSessionKey)).toBe(hex(RANDOM_SESSION_KEY));
    const { sealed, signature } = result.session?.seal(PLAINTEXT) ?? {
      sealed: Buffer.alloc(0),
      signature: Buffer.alloc(0),
    };
    expect(hex(sealed)).toBe(SEALED);
    expect(hex(signature)).toBe(SIGNATURE);
  });

  it.each([
    ['the password', { password: 'Password' }],
    ['the NT hash', { ntHash: h('a4f49c406510bdcab6824ee7c30fd852') }],
  ])(
    'our server verifies the 4.2.4.3 AUTHENTICATE_MESSAGE with %s and unseals the 4.2.4.4 message',
    (_, secret) => {
      const seen: unknown[] = [];
      const result = verifyAuthenticateMessage({
        negotiate: undefined,
        challenge: CHALLENGE_MESSAGE,
        authenticate: AUTHENTICATE_MESSAGE,
        resolveSecret: (identity) => {
          seen.push(identity);
          return secret;
        },
      });
      expect(seen).toEqual([{ user: 'User', domain: 'Domain', workstation: 'COMPUTER' }]);
      expect(result).toMatchObject({
        user: 'User',
        domain: 'Domain',
        workstation: 'COMPUTER',
        flags: AUTH_FLAGS,
        micVerified: false,
      });
      expect(hex(result.exportedSessionKey)).toBe(hex(RANDOM_SESSION_KEY));
      expect(result.session?.unseal(h(SEALED), h(SIGNATURE))).toEqual(PLAINTEXT);
    },
  );

  it('our server refuses the 4.2.4.3 AUTHENTICATE_MESSAGE for another password', () => {
    expect(() =>
      verifyAuthenticateMessage({
        negotiate: undefined,
        challenge: CHALLENGE_MESSAGE,
        authenticate: AUTHENTICATE_MESSAGE,
        resolveSecret: () => ({ password: 'password' }),
      }),
    ).toThrow(expect.objectContaining({ code: 'NTLM_AUTH_FAILED' }));
  });
});
