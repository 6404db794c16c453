import { ntHash } from './hashes';

/** What proves the user: the password, or its NT hash (what the lab may store instead). */
export type NtlmSecret = { password: string } | { ntHash: Buffer };

/** A user, the user's domain (empty or absent for a local account) and the secret. */
export type NtlmCredentials = { user: string; domain?: string } & NtlmSecret;

/** The account as the client named it in the AUTHENTICATE message. */
export interface NtlmIdentity {
  user: string;
  domain: string;
  workstation: string;
}

export function secretToNtHash(secret: NtlmSecret): Buffer {
  if ('ntHash' in secret) {
    if (secret.ntHash.length !== 16) throw new RangeError('An NT hash must be 16 bytes');
    return Buffer.from(secret.ntHash);
  }
  return ntHash(secret.password);
}

/**
 * Splits a down-level logon name `DOMAIN\user`. A UPN (`user@dns.domain`) stays whole with an
 * empty domain, which is how Windows sends it over NTLM.
 */
export function splitLogonName(name: string): { user: string; domain: string } {
  const slash = name.indexOf('\\');
  return slash < 0
    ? { user: name, domain: '' }
    : { user: name.slice(slash + 1), domain: name.slice(0, slash) };
}
