import crypto from 'node:crypto';
import { type AvPair, AvId, fileTime, textPair } from './av-pairs';
import { encodeChallengeMessage } from './challenge-message';
import { NtlmError } from './errors';
import { NegotiateFlag as F, hasFlag } from './flags';
import { parseNegotiateMessage } from './negotiate-message';
import {
  type NtlmSecretResolver,
  type NtlmServerResult,
  type VerifyOptions,
  verifyAuthenticateMessage,
} from './verify';
import { DEFAULT_VERSION } from './wire';

export interface NtlmServerOptions extends VerifyOptions {
  /** NetBIOS computer name, e.g. `SQLNODE1`. */
  computerName: string;
  /** NetBIOS domain name, e.g. `LAB`; absent for a workgroup server (the computer is its own domain). */
  domainName?: string;
  /** DNS names for the target info; default to the NetBIOS names. */
  dnsComputerName?: string;
  dnsDomainName?: string;
  dnsTreeName?: string;
  version?: Buffer;
  /** Deterministic inputs for tests; random or current by default. */
  serverChallenge?: Buffer;
  now?: () => number;
}

/**
 * One server-side authentication (one per connection): challenge(negotiate) → send in a 401;
 * authenticate(message, resolveSecret) → the account and its session security.
 */
export class NtlmServerContext {
  readonly #options: NtlmServerOptions;
  #negotiate: Buffer | undefined;
  #challenge: Buffer | undefined;
  #done = false;

  constructor(options: NtlmServerOptions) {
    this.#options = options;
  }

  /** Server side of 3.2.5.1.1: picks the flags from what the client asked and issues a fresh challenge. */
  challenge(negotiateMessage: Buffer): Buffer {
    if (this.#challenge)
      throw new NtlmError('NTLM_BAD_STATE', 'NTLM challenge() was already called on this context');
    const client = parseNegotiateMessage(negotiateMessage).flags;
    if (
      (hasFlag(client, F.SIGN) || hasFlag(client, F.SEAL)) &&
      !hasFlag(client, F.EXTENDED_SESSIONSECURITY)
    ) {
      throw new NtlmError(
        'NTLM_UNSUPPORTED',
        'NTLM client asked for signing or sealing without extended session security',
      );
    }
    const o = this.#options;
    const domain = o.domainName ?? o.computerName;
    const echoed =
      F.SIGN |
      F.SEAL |
      F.ALWAYS_SIGN |
      F.EXTENDED_SESSIONSECURITY |
      F.NEGOTIATE_128 |
      F.NEGOTIATE_56 |
      F.KEY_EXCH;
    let flags = (client & echoed) | F.NTLM | F.TARGET_INFO | F.VERSION;
    // Character set: UNICODE if asked; OEM echoed too when asked (as MS-NLMP 4.2.4 shows), which keeps OEM-only clients on OEM.
    flags |= client & (F.UNICODE | F.OEM);
    if (!hasFlag(flags, F.UNICODE | F.OEM)) flags |= F.UNICODE;
    let targetName = '';
    if (hasFlag(client, F.REQUEST_TARGET)) {
      flags |= F.REQUEST_TARGET | (o.domainName ? F.TARGET_TYPE_DOMAIN : F.TARGET_TYPE_SERVER);
      targetName = domain;
    }
    const targetInfo: AvPair[] = [
      textPair(AvId.NB_DOMAIN_NAME, domain),
      textPair(AvId.NB_COMPUTER_NAME, o.computerName),
      textPair(AvId.DNS_DOMAIN_NAME, o.dnsDomainName ?? domain),
      textPair(AvId.DNS_COMPUTER_NAME, o.dnsComputerName ?? o.computerName),
      ...(o.dnsTreeName ? [textPair(AvId.DNS_TREE_NAME, o.dnsTreeName)] : []),
      { id: AvId.TIMESTAMP, value: fileTime((o.now ?? Date.now)()) },
    ];
    this.#negotiate = Buffer.from(negotiateMessage);
    this.#challenge = encodeChallengeMessage({
      flags: flags >>> 0,
      serverChallenge: o.serverChallenge ?? crypto.randomBytes(8),
      targetName,
      targetInfo,
      version: o.version ?? DEFAULT_VERSION,
    });
    return Buffer.from(this.#challenge);
  }

  /** Verifies the AUTHENTICATE message; a context authenticates once, success or not. */
  authenticate(authenticateMessage: Buffer, resolveSecret: NtlmSecretResolver): NtlmServerResult {
    if (!this.#challenge)
      throw new NtlmError('NTLM_BAD_STATE', 'NTLM authenticate() needs challenge() first');
    if (this.#done)
      throw new NtlmError(
        'NTLM_BAD_STATE',
        'NTLM authenticate() was already called on this context',
      );
    this.#done = true;
    return verifyAuthenticateMessage({
      negotiate: this.#negotiate,
      challenge: this.#challenge,
      authenticate: authenticateMessage,
      resolveSecret,
      channelBindings: this.#options.channelBindings,
      requireChannelBindings: this.#options.requireChannelBindings,
    });
  }
}
