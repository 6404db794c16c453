import {
  type ClientAuthenticateResult,
  CLIENT_FLAGS,
  type NtlmClientOptions,
  createAuthenticateMessage,
} from './client';
import { type NtlmCredentials, secretToNtHash } from './credentials';
import { NtlmError } from './errors';
import { encodeNegotiateMessage } from './negotiate-message';
import type { NtlmSession } from './session';
import { DEFAULT_VERSION } from './wire';

/**
 * One client authentication: negotiate() → send; authenticate(challenge) → send; then `session`.
 * Holds the NT hash, never the password, in private fields.
 */
export class NtlmClientContext {
  readonly #credentials: NtlmCredentials;
  readonly #options: NtlmClientOptions;
  #negotiate: Buffer | undefined;
  #result: ClientAuthenticateResult | undefined;

  constructor(credentials: NtlmCredentials, options: NtlmClientOptions = {}) {
    this.#credentials = {
      user: credentials.user,
      domain: credentials.domain,
      ntHash: secretToNtHash(credentials),
    };
    this.#options = options;
  }

  negotiate(): Buffer {
    if (this.#negotiate)
      throw new NtlmError('NTLM_BAD_STATE', 'NTLM negotiate() was already called on this context');
    this.#negotiate = encodeNegotiateMessage({
      flags: CLIENT_FLAGS,
      version: this.#options.version ?? DEFAULT_VERSION,
    });
    return Buffer.from(this.#negotiate);
  }

  authenticate(challenge: Buffer): Buffer {
    if (!this.#negotiate)
      throw new NtlmError('NTLM_BAD_STATE', 'NTLM authenticate() needs negotiate() first');
    if (this.#result)
      throw new NtlmError(
        'NTLM_BAD_STATE',
        'NTLM authenticate() was already called on this context',
      );
    this.#result = createAuthenticateMessage({
      ...this.#options,
      negotiate: this.#negotiate,
      challenge,
      credentials: this.#credentials,
    });
    return Buffer.from(this.#result.message);
  }

  get complete(): boolean {
    return this.#result !== undefined;
  }

  /** The negotiated flags; throws before authenticate(). */
  get flags(): number {
    if (!this.#result)
      throw new NtlmError('NTLM_BAD_STATE', 'NTLM flags are known only after authenticate()');
    return this.#result.flags;
  }

  /**
   * The client's session security; throws before authenticate() or when no signing or sealing
   * with extended session security was negotiated (possible only with requireSeal: false).
   */
  get session(): NtlmSession {
    const session = this.#result?.session;
    if (!session)
      throw new NtlmError(
        'NTLM_BAD_STATE',
        'No NTLM session security is established on this context',
      );
    return session;
  }
}
