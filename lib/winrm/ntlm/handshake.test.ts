import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AvFlag, AvId, decodeAvPairs, findAvPair, readTextPair } from './av-pairs';
import {
  MIC_OFFSET,
  encodeAuthenticateMessage,
  parseAuthenticateMessage,
} from './authenticate-message';
import { encodeChallengeMessage, parseChallengeMessage } from './challenge-message';
import { type NtlmClientOptions } from './client';
import { NtlmClientContext } from './client-context';
import type { NtlmCredentials, NtlmSecret } from './credentials';
import { NtlmError, type NtlmErrorCode } from './errors';
import { NegotiateFlag as F, hasFlag } from './flags';
import { BLOB_AV_PAIRS_OFFSET } from './hashes';
import { encodeNegotiateMessage } from './negotiate-message';
import { NtlmServerContext, type NtlmServerOptions } from './server';
import type { NtlmSecretResolver } from './verify';

const PASSWORD = 'S3cret-Pa55!';
const ACCOUNTS: Record<string, string> = { 'lab\\alice': PASSWORD, '\\vagrant': 'vagrant' };

/** Looks accounts up case-insensitively, as Windows does. */
const resolver: NtlmSecretResolver = ({ user, domain }) => {
  const password = ACCOUNTS[`${domain}\\${user}`.toLowerCase()];
  return password === undefined ? undefined : { password };
};

const SERVER: NtlmServerOptions = {
  computerName: 'SQLNODE1',
  domainName: 'LAB',
  dnsComputerName: 'sqlnode1.lab.local',
  dnsDomainName: 'lab.local',
};

function handshake(
  credentials: NtlmCredentials = { user: 'alice', domain: 'LAB', password: PASSWORD },
  clientOptions: NtlmClientOptions = {},
  serverOptions: Partial<NtlmServerOptions> = {},
) {
  const client = new NtlmClientContext(credentials, clientOptions);
  const server = new NtlmServerContext({ ...SERVER, ...serverOptions });
  const negotiate = client.negotiate();
  const challenge = server.challenge(negotiate);
  const authenticate = client.authenticate(challenge);
  return { client, server, negotiate, challenge, authenticate };
}

function codeOf(fn: () => unknown): NtlmErrorCode | 'no error' | 'not an NtlmError' {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return e instanceof NtlmError ? e.code : 'not an NtlmError';
  }
}

function errorOf(fn: () => unknown): NtlmError {
  try {
    fn();
  } catch (e) {
    if (e instanceof NtlmError) return e;
    throw e;
  }
  throw new Error('expected an NtlmError');
}

describe('client ↔ server handshake', () => {
  it('authenticates, verifies the MIC and exchanges sealed messages both ways', () => {
    const { client, server, authenticate } = handshake();
    const result = server.authenticate(authenticate, resolver);
    expect(result).toMatchObject({
      user: 'alice',
      domain: 'LAB',
      workstation: '',
      micVerified: true,
    });
    expect(result.flags).toBe(client.flags);
    const serverSession = result.session;
    if (!serverSession) throw new Error('no server session');
    const clientSession = client.session;

    const sizes = [0, 1, 17, 1500, 150_000];
    for (const [round, size] of sizes.entries()) {
      const request = crypto.randomBytes(size);
      const { sealed, signature } = clientSession.seal(request);
      if (size > 16) expect(sealed.equals(request)).toBe(false);
      expect(signature.readUInt32LE(12)).toBe(round);
      // Buffer.equals: vitest's deep equality is slow on 150 KB.
      expect(serverSession.unseal(sealed, signature).equals(request)).toBe(true);

      const reply = Buffer.from(`<s:Envelope>reply ${round}</s:Envelope>`);
      const back = serverSession.seal(reply);
      expect(clientSession.unseal(back.sealed, back.signature)).toEqual(reply);
    }
    // Several in a row in one direction: the keystream continues across messages.
    const burst = ['a', 'bb', 'ccc'].map((s) => clientSession.seal(Buffer.from(s)));
    expect(burst.map((m) => serverSession.unseal(m.sealed, m.signature).toString())).toEqual([
      'a',
      'bb',
      'ccc',
    ]);
  });

  it('sign/verify protects messages sent in the clear', () => {
    const { client, server, authenticate } = handshake();
    const serverSession = server.authenticate(authenticate, resolver).session;
    const msg = Buffer.from('hello');
    const sig = client.session.sign(msg);
    expect(() => serverSession?.verify(Buffer.from('hellO'), sig)).toThrow(
      expect.objectContaining({ code: 'NTLM_BAD_SIGNATURE' }),
    );
    expect(() => serverSession?.verify(msg, sig)).not.toThrow();
  });

  it('sends a MIC, MsvAvFlags and a zero LM response when the server sends a timestamp', () => {
    const { challenge, authenticate } = handshake();
    expect(findAvPair(parseChallengeMessage(challenge).targetInfo, AvId.TIMESTAMP)).toBeDefined();
    const auth = parseAuthenticateMessage(authenticate);
    expect(auth.lmChallengeResponse).toEqual(Buffer.alloc(24));
    expect(auth.mic).toBeDefined();
    expect(auth.mic?.equals(Buffer.alloc(16))).toBe(false);
    const pairs = decodeAvPairs(
      auth.ntChallengeResponse.subarray(16 + BLOB_AV_PAIRS_OFFSET),
      'test',
    );
    expect(hasFlag(findAvPair(pairs, AvId.FLAGS)?.readUInt32LE(0) ?? 0, AvFlag.MIC_PRESENT)).toBe(
      true,
    );
  });

  it('issues a CHALLENGE with the flags, names and timestamp a Windows server would', () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5);
    const { challenge } = handshake(undefined, {}, { now: () => now });
    const parsed = parseChallengeMessage(challenge);
    for (const f of [
      'UNICODE',
      'NTLM',
      'SIGN',
      'SEAL',
      'EXTENDED_SESSIONSECURITY',
      'TARGET_INFO',
      'NEGOTIATE_128',
      'KEY_EXCH',
      'VERSION',
      'TARGET_TYPE_DOMAIN',
      'REQUEST_TARGET',
    ] as const) {
      expect([f, hasFlag(parsed.flags, F[f])]).toEqual([f, true]);
    }
    expect(parsed.targetName).toBe('LAB');
    expect(parsed.targetInfo.map((p) => p.id)).toEqual([
      AvId.NB_DOMAIN_NAME,
      AvId.NB_COMPUTER_NAME,
      AvId.DNS_DOMAIN_NAME,
      AvId.DNS_COMPUTER_NAME,
      AvId.TIMESTAMP,
    ]);
    expect(readTextPair(parsed.targetInfo, AvId.NB_COMPUTER_NAME)).toBe('SQLNODE1');
    expect(readTextPair(parsed.targetInfo, AvId.DNS_COMPUTER_NAME)).toBe('sqlnode1.lab.local');
    const ticks = findAvPair(parsed.targetInfo, AvId.TIMESTAMP)?.readBigUInt64LE(0);
    expect(ticks).toBe((BigInt(now) + 11_644_473_600_000n) * 10_000n);
    expect(parsed.serverChallenge).toHaveLength(8);
  });

  it('a workgroup server names itself as the target domain', () => {
    const server = new NtlmServerContext({ computerName: 'WORKER1' });
    const parsed = parseChallengeMessage(
      server.challenge(new NtlmClientContext({ user: 'u', password: 'p' }).negotiate()),
    );
    expect(parsed.targetName).toBe('WORKER1');
    expect(hasFlag(parsed.flags, F.TARGET_TYPE_SERVER)).toBe(true);
    expect(readTextPair(parsed.targetInfo, AvId.NB_DOMAIN_NAME)).toBe('WORKER1');
  });

  it('answers an OEM-only client (as ntlm_auth negotiates) in OEM, and a UNICODE one in UNICODE', () => {
    const oem = new NtlmServerContext(SERVER).challenge(
      encodeNegotiateMessage({
        flags: F.OEM | F.NTLM | F.SEAL | F.SIGN | F.EXTENDED_SESSIONSECURITY,
      }),
    );
    const oemFlags = parseChallengeMessage(oem).flags;
    expect([hasFlag(oemFlags, F.OEM), hasFlag(oemFlags, F.UNICODE)]).toEqual([true, false]);
    const uni = new NtlmServerContext(SERVER).challenge(
      encodeNegotiateMessage({ flags: F.UNICODE | F.NTLM }),
    );
    const uniFlags = parseChallengeMessage(uni).flags;
    expect([hasFlag(uniFlags, F.OEM), hasFlag(uniFlags, F.UNICODE)]).toEqual([false, true]);
  });

  it('issues a fresh server challenge every time', () => {
    const a = parseChallengeMessage(handshake().challenge).serverChallenge;
    const b = parseChallengeMessage(handshake().challenge).serverChallenge;
    expect(a.equals(b)).toBe(false);
  });

  it('accepts DOMAIN\\user, a local account and any case of the user name', () => {
    for (const credentials of [
      { user: 'LAB\\alice', password: PASSWORD },
      { user: 'ALICE', domain: 'LAB', password: PASSWORD },
      { user: 'vagrant', password: 'vagrant' },
    ]) {
      const { server, authenticate } = handshake(credentials);
      expect(server.authenticate(authenticate, resolver).session).not.toBeNull();
    }
  });

  it('accepts an NT hash on either side instead of the password', () => {
    const hash = crypto.createHash('sha256').digest().subarray(0, 16); // any 16 bytes: both sides use the same
    const { server, authenticate } = handshake({ user: 'bob', domain: 'LAB', ntHash: hash });
    expect(server.authenticate(authenticate, () => ({ ntHash: hash })).user).toBe('bob');
  });
});

describe('failures are detected with a clear error', () => {
  it('a wrong password fails with NTLM_AUTH_FAILED and the message holds no secret', () => {
    const { server, authenticate } = handshake({
      user: 'alice',
      domain: 'LAB',
      password: 'wrong-password',
    });
    const error = errorOf(() => server.authenticate(authenticate, resolver));
    expect(error.code).toBe('NTLM_AUTH_FAILED');
    expect(error.message).toContain('LAB\\alice');
    expect(error.message).not.toContain(PASSWORD);
    expect(error.message).not.toContain('wrong-password');
  });

  it('an unknown account fails the same way as a wrong password', () => {
    const { server, authenticate } = handshake({
      user: 'mallory',
      domain: 'LAB',
      password: PASSWORD,
    });
    expect(codeOf(() => server.authenticate(authenticate, resolver))).toBe('NTLM_AUTH_FAILED');
  });

  it('the account is looked up in the domain the client named', () => {
    const { server, authenticate } = handshake({
      user: 'alice',
      domain: 'OTHER',
      password: PASSWORD,
    });
    expect(codeOf(() => server.authenticate(authenticate, () => ({ password: PASSWORD })))).toBe(
      'no error',
    );
    const { server: s2, authenticate: a2 } = handshake({
      user: 'alice',
      domain: 'OTHER',
      password: PASSWORD,
    });
    expect(codeOf(() => s2.authenticate(a2, resolver))).toBe('NTLM_AUTH_FAILED');
  });

  it('an altered workstation name (outside the NTLMv2 proof) is caught by the MIC', () => {
    const { server, authenticate } = handshake(undefined, { workstation: 'CLIENT01' });
    const at = authenticate.indexOf(Buffer.from('CLIENT01', 'utf16le'));
    const altered = Buffer.from(authenticate);
    altered.write('E', at, 'utf16le');
    expect(codeOf(() => server.authenticate(altered, resolver))).toBe('NTLM_BAD_MIC');
  });

  it('a NEGOTIATE altered in transit (flag stripped) is caught by the MIC', () => {
    const client = new NtlmClientContext({ user: 'alice', domain: 'LAB', password: PASSWORD });
    const server = new NtlmServerContext(SERVER);
    const negotiate = client.negotiate();
    const stripped = Buffer.from(negotiate);
    stripped.writeUInt32LE((stripped.readUInt32LE(12) & ~F.ALWAYS_SIGN) >>> 0, 12);
    const authenticate = client.authenticate(server.challenge(stripped));
    expect(codeOf(() => server.authenticate(authenticate, resolver))).toBe('NTLM_BAD_MIC');
  });

  it('a removed MIC is refused when MsvAvFlags announces one', () => {
    const { server, authenticate } = handshake();
    const zeroed = Buffer.from(authenticate);
    zeroed.fill(0, MIC_OFFSET, MIC_OFFSET + 16);
    expect(codeOf(() => server.authenticate(zeroed, resolver))).toBe('NTLM_BAD_MIC');
  });

  it('an altered NTLMv2 blob fails the proof', () => {
    const { server, authenticate } = handshake();
    const auth = parseAuthenticateMessage(authenticate);
    const at = authenticate.indexOf(auth.ntChallengeResponse) + 16 + 16; // inside the client challenge
    const altered = Buffer.from(authenticate);
    altered.writeUInt8(altered.readUInt8(at) ^ 1, at);
    expect(codeOf(() => server.authenticate(altered, resolver))).toBe('NTLM_AUTH_FAILED');
  });

  it('security flags the server did not offer are refused', () => {
    const client = new NtlmClientContext({ user: 'alice', domain: 'LAB', password: PASSWORD });
    const server = new NtlmServerContext(SERVER);
    const negotiate = encodeNegotiateMessage({
      flags: F.UNICODE | F.NTLM | F.EXTENDED_SESSIONSECURITY | F.SIGN | F.SEAL | F.NEGOTIATE_128,
    });
    client.negotiate();
    const challenge = server.challenge(negotiate); // offers no KEY_EXCH
    const authenticate = client.authenticate(challenge);
    const forged = Buffer.from(authenticate);
    forged.writeUInt32LE((forged.readUInt32LE(60) | F.KEY_EXCH) >>> 0, 60);
    expect(codeOf(() => server.authenticate(forged, resolver))).toBe('NTLM_BAD_MESSAGE');
  });

  it('NTLMv1 and anonymous AUTHENTICATE messages are refused', () => {
    const fields = {
      flags: F.UNICODE | F.NTLM,
      domain: 'LAB',
      workstation: '',
      encryptedRandomSessionKey: Buffer.alloc(0),
    };
    const v1 = encodeAuthenticateMessage({
      ...fields,
      user: 'alice',
      lmChallengeResponse: Buffer.alloc(24, 1),
      ntChallengeResponse: Buffer.alloc(24, 2),
    });
    const anon = encodeAuthenticateMessage({
      ...fields,
      user: '',
      lmChallengeResponse: Buffer.alloc(1),
      ntChallengeResponse: Buffer.alloc(0),
    });
    for (const [message, code] of [
      [v1, 'NTLM_UNSUPPORTED'],
      [anon, 'NTLM_AUTH_FAILED'],
    ] as const) {
      const server = new NtlmServerContext(SERVER);
      server.challenge(new NtlmClientContext({ user: 'x', password: 'y' }).negotiate());
      expect(codeOf(() => server.authenticate(message, resolver))).toBe(code);
    }
  });

  it('a client refuses a server that offers no 128-bit sealing', () => {
    const client = new NtlmClientContext({ user: 'alice', domain: 'LAB', password: PASSWORD });
    const server = new NtlmServerContext(SERVER);
    client.negotiate();
    const weak = server.challenge(
      encodeNegotiateMessage({ flags: F.UNICODE | F.NTLM | F.SIGN | F.EXTENDED_SESSIONSECURITY }),
    );
    expect(codeOf(() => client.authenticate(weak))).toBe('NTLM_UNSUPPORTED');
  });

  it('with requireSeal: false a client answers a server that offers no session security', () => {
    const client = new NtlmClientContext(
      { user: 'alice', domain: 'LAB', password: PASSWORD },
      { requireSeal: false },
    );
    client.negotiate();
    // What a server answers to a client that asked for neither signing nor sealing.
    const plain = new NtlmServerContext(SERVER).challenge(
      encodeNegotiateMessage({ flags: F.UNICODE | F.NTLM }),
    );
    const authenticate = client.authenticate(plain);
    expect(parseAuthenticateMessage(authenticate).user).toBe('alice');
    expect(hasFlag(client.flags, F.SEAL)).toBe(false);
    expect(codeOf(() => client.session)).toBe('NTLM_BAD_STATE');
  });

  it('signing or sealing without extended session security is refused by the server', () => {
    const server = new NtlmServerContext(SERVER);
    expect(
      codeOf(() =>
        server.challenge(encodeNegotiateMessage({ flags: F.UNICODE | F.NTLM | F.SEAL })),
      ),
    ).toBe('NTLM_UNSUPPORTED');
  });

  it('contexts refuse to run out of order', () => {
    const client = new NtlmClientContext({ user: 'alice', domain: 'LAB', password: PASSWORD });
    expect(codeOf(() => client.session)).toBe('NTLM_BAD_STATE');
    expect(codeOf(() => client.authenticate(Buffer.alloc(0)))).toBe('NTLM_BAD_STATE');
    const { server, authenticate, client: done } = handshake();
    expect(codeOf(() => done.negotiate())).toBe('NTLM_BAD_STATE');
    expect(codeOf(() => new NtlmServerContext(SERVER).authenticate(authenticate, resolver))).toBe(
      'NTLM_BAD_STATE',
    );
    server.authenticate(authenticate, resolver);
    expect(codeOf(() => server.authenticate(authenticate, resolver))).toBe('NTLM_BAD_STATE');
  });

  it('channel bindings must match the server TLS end point when sent, and can be required', () => {
    const good = Buffer.from('tls-server-end-point:good');
    const bad = Buffer.from('tls-server-end-point:evil');
    const run = (
      client: Buffer | undefined,
      server: Buffer | undefined,
      required = false,
    ): string => {
      const { server: s, authenticate } = handshake(
        undefined,
        { channelBindings: client },
        { channelBindings: server, requireChannelBindings: required },
      );
      return codeOf(() => s.authenticate(authenticate, resolver));
    };
    expect(run(good, good)).toBe('no error');
    expect(run(bad, good)).toBe('NTLM_BAD_CHANNEL_BINDING');
    expect(run(undefined, good)).toBe('no error');
    expect(run(undefined, good, true)).toBe('NTLM_BAD_CHANNEL_BINDING');
  });

  it('sends the target SPN as MsvAvTargetName', () => {
    const { authenticate } = handshake(undefined, { targetSpn: 'HTTP/sqlnode1.lab.local' });
    const pairs = decodeAvPairs(
      parseAuthenticateMessage(authenticate).ntChallengeResponse.subarray(
        16 + BLOB_AV_PAIRS_OFFSET,
      ),
      'test',
    );
    expect(readTextPair(pairs, AvId.TARGET_NAME)).toBe('HTTP/sqlnode1.lab.local');
  });
});

describe('sealed message integrity', () => {
  function sessions() {
    const { client, server, authenticate } = handshake();
    const serverSession = server.authenticate(authenticate, resolver).session;
    if (!serverSession) throw new Error('no server session');
    return { c: client.session, s: serverSession };
  }

  it('a tampered payload fails with NTLM_BAD_SIGNATURE and the next genuine message still opens', () => {
    const { c, s } = sessions();
    const first = c.seal(Buffer.from('first'));
    const tampered = Buffer.from(first.sealed);
    tampered.writeUInt8(tampered.readUInt8(0) ^ 0x01, 0);
    expect(codeOf(() => s.unseal(tampered, first.signature))).toBe('NTLM_BAD_SIGNATURE');
    expect(s.unseal(first.sealed, first.signature).toString()).toBe('first');
  });

  it('a tampered checksum or version fails with NTLM_BAD_SIGNATURE', () => {
    const { c, s } = sessions();
    const m = c.seal(Buffer.from('x'));
    for (const at of [0, 4, 11]) {
      const sig = Buffer.from(m.signature);
      sig.writeUInt8(sig.readUInt8(at) ^ 0x80, at);
      expect(codeOf(() => s.unseal(m.sealed, sig))).toBe('NTLM_BAD_SIGNATURE');
    }
    expect(codeOf(() => s.unseal(m.sealed, m.signature.subarray(0, 15)))).toBe(
      'NTLM_BAD_SIGNATURE',
    );
  });

  it('a replayed message fails with NTLM_BAD_SEQUENCE', () => {
    const { c, s } = sessions();
    const m0 = c.seal(Buffer.from('zero'));
    s.unseal(m0.sealed, m0.signature);
    expect(codeOf(() => s.unseal(m0.sealed, m0.signature))).toBe('NTLM_BAD_SEQUENCE');
    const m1 = c.seal(Buffer.from('one'));
    expect(s.unseal(m1.sealed, m1.signature).toString()).toBe('one');
  });

  it('a reordered or dropped message fails with NTLM_BAD_SEQUENCE', () => {
    const { c, s } = sessions();
    const m0 = c.seal(Buffer.from('zero'));
    const m1 = c.seal(Buffer.from('one'));
    expect(codeOf(() => s.unseal(m1.sealed, m1.signature))).toBe('NTLM_BAD_SEQUENCE');
    expect(s.unseal(m0.sealed, m0.signature).toString()).toBe('zero');
    expect(s.unseal(m1.sealed, m1.signature).toString()).toBe('one');
  });

  it('a message sealed for the other direction does not open (reflection)', () => {
    const { c } = sessions();
    const m = c.seal(Buffer.from('to server'));
    expect(codeOf(() => c.unseal(m.sealed, m.signature))).toBe('NTLM_BAD_SIGNATURE');
  });

  it('a session from another handshake cannot open the messages', () => {
    const a = sessions();
    const b = sessions();
    const m = a.c.seal(Buffer.from('secret'));
    expect(codeOf(() => b.s.unseal(m.sealed, m.signature))).toBe('NTLM_BAD_SIGNATURE');
  });
});

describe('malformed messages', () => {
  const { negotiate, challenge, authenticate } = handshake();

  it('every truncation of a valid message fails as NTLM_BAD_MESSAGE, never with a raw RangeError', () => {
    const cases: Array<[Buffer, (b: Buffer) => unknown]> = [
      [challenge, (b) => parseChallengeMessage(b)],
      [authenticate, (b) => parseAuthenticateMessage(b)],
    ];
    for (const [message, parse] of cases) {
      for (let n = 0; n < message.length; n++) {
        const code = codeOf(() => parse(message.subarray(0, n)));
        expect([n, code]).toEqual([n, 'NTLM_BAD_MESSAGE']);
      }
    }
    for (let n = 0; n < challenge.length; n++) {
      const client = new NtlmClientContext({ user: 'a', password: 'b' });
      client.negotiate();
      expect([n, codeOf(() => client.authenticate(challenge.subarray(0, n)))]).toEqual([
        n,
        'NTLM_BAD_MESSAGE',
      ]);
    }
  });

  it('a CHALLENGE with a malformed MsvAvTimestamp is NTLM_BAD_MESSAGE', () => {
    const client = new NtlmClientContext({ user: 'a', password: 'b' });
    client.negotiate();
    const challengeWithBadTime = encodeChallengeMessage({
      flags:
        F.UNICODE |
        F.NTLM |
        F.SEAL |
        F.SIGN |
        F.EXTENDED_SESSIONSECURITY |
        F.NEGOTIATE_128 |
        F.TARGET_INFO,
      serverChallenge: Buffer.alloc(8, 1),
      targetName: '',
      targetInfo: [{ id: AvId.TIMESTAMP, value: Buffer.alloc(20) }],
    });
    expect(codeOf(() => client.authenticate(challengeWithBadTime))).toBe('NTLM_BAD_MESSAGE');
  });

  it('a wrong signature, type or field offset is NTLM_BAD_MESSAGE', () => {
    const badSig = Buffer.from(challenge);
    badSig.write('NTLMSSX', 0, 'latin1');
    expect(codeOf(() => parseChallengeMessage(badSig))).toBe('NTLM_BAD_MESSAGE');
    expect(codeOf(() => parseChallengeMessage(negotiate))).toBe('NTLM_BAD_MESSAGE');
    const badOffset = Buffer.from(authenticate);
    badOffset.writeUInt32LE(0xfffffff0, 24);
    expect(codeOf(() => parseAuthenticateMessage(badOffset))).toBe('NTLM_BAD_MESSAGE');
  });

  it('random garbage after the header never escapes as anything but an NtlmError', () => {
    for (let i = 0; i < 300; i++) {
      const junk = Buffer.concat([
        authenticate.subarray(0, 12),
        crypto.randomBytes(crypto.randomInt(0, 200)),
      ]);
      const server = new NtlmServerContext(SERVER);
      server.challenge(negotiate);
      const code = codeOf(() => server.authenticate(junk, resolver));
      expect(code).not.toBe('not an NtlmError');
      expect(code).not.toBe('no error');
    }
  });
});

describe('secrets stay out of sight', () => {
  it('a client context does not show the password or NT hash when inspected or serialised', async () => {
    const { inspect } = await import('node:util');
    const client = new NtlmClientContext({ user: 'alice', domain: 'LAB', password: PASSWORD });
    expect(inspect(client, { depth: 5, showHidden: true })).not.toContain(PASSWORD);
    expect(JSON.stringify(client)).not.toContain(PASSWORD);
  });

  it('resolver secrets are typed as password or NT hash only', () => {
    const secrets: NtlmSecret[] = [{ password: 'p' }, { ntHash: Buffer.alloc(16) }];
    expect(secrets).toHaveLength(2);
  });
});
