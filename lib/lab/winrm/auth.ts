import {
  NtlmServerContext,
  type NtlmIdentity,
  type NtlmSession,
  isNtlmError,
} from '../../winrm/ntlm';
import type { Principal } from './operations';
import type { WinrmAccount } from './types';

/**
 * Who may log on and how, per listener. Windows' WinRM: Basic (local accounts only, and only
 * where the traffic is encrypted, i.e. HTTPS), Negotiate carrying raw NTLM on both listeners.
 * Kerberos and SPNEGO-wrapped tokens are not offered by the lab: there is no KDC.
 */
export interface AuthPolicy {
  hostName: string;
  domainName?: string;
  dnsDomainName?: string;
  accounts: readonly WinrmAccount[];
  /** Basic is accepted on this listener (HTTPS with Service\Auth\Basic=true). */
  basic: boolean;
  /** RFC 5929 tls-server-end-point data of the HTTPS certificate; checked when the client sends a CBT. */
  channelBindings?: Buffer;
}

export interface Authenticated {
  account: WinrmAccount;
  principal: Principal;
  /** NTLM session security (sign/seal) when negotiated: message encryption over HTTP needs it. */
  session: NtlmSession | null;
}

export type AuthOutcome =
  | { kind: 'ok'; auth: Authenticated }
  /** 401 carrying this WWW-Authenticate value (the NTLM CHALLENGE). */
  | { kind: 'challenge'; header: string }
  /** 401 offering the listener's schemes. */
  | { kind: 'rejected' };

/**
 * NTLM state of one TCP connection. HTTP.sys binds a Negotiate logon to the connection: later
 * requests on it carry no Authorization header, and a new connection must authenticate again.
 */
export class ConnectionAuth {
  pending: NtlmServerContext | undefined;
  established: Authenticated | undefined;
}

const NTLMSSP = Buffer.from('NTLMSSP\0', 'latin1');

/** The WWW-Authenticate values of a 401: Negotiate always, Basic only where it is accepted. */
export function offeredSchemes(policy: AuthPolicy): string[] {
  return policy.basic ? ['Negotiate', 'Basic realm="WSMAN"'] : ['Negotiate'];
}

function same(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

function isLocal(account: WinrmAccount): boolean {
  return !account.domain;
}

/** Whether a domain name as a client sent it designates this host (a local logon). */
function meansThisHost(policy: AuthPolicy, domain: string): boolean {
  return domain === '' || domain === '.' || same(domain, policy.hostName);
}

function principalOf(policy: AuthPolicy, account: WinrmAccount): Principal {
  const displayName = isLocal(account) ? account.user : `${account.domain}\\${account.user}`;
  const owner = isLocal(account) ? `${policy.hostName}\\${account.user}` : displayName;
  return { key: owner.toLowerCase(), displayName };
}

function findAccount(
  policy: AuthPolicy,
  identity: { user: string; domain: string },
): WinrmAccount | undefined {
  return policy.accounts.find((a) => {
    if (!same(a.user, identity.user)) return false;
    if (isLocal(a)) return meansThisHost(policy, identity.domain);
    // A domain account may be named by its NetBIOS or its DNS domain name.
    const netbios = identity.domain.split('.')[0] ?? '';
    return same(a.domain, identity.domain) || same(a.domain, netbios);
  });
}

function basic(policy: AuthPolicy, token: string): AuthOutcome {
  if (!policy.basic) return { kind: 'rejected' };
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { kind: 'rejected' };
  const name = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const slash = name.indexOf('\\');
  const domain = slash < 0 ? '' : name.slice(0, slash);
  const user = slash < 0 ? name : name.slice(slash + 1);
  // Basic logs on local accounts only: a domain account is refused like a wrong password.
  if (!meansThisHost(policy, domain)) return { kind: 'rejected' };
  const account = findAccount(policy, { user, domain: '' });
  if (!account || !isLocal(account) || account.password !== password) return { kind: 'rejected' };
  return { kind: 'ok', auth: { account, principal: principalOf(policy, account), session: null } };
}

function ntlm(
  policy: AuthPolicy,
  conn: ConnectionAuth,
  scheme: string,
  token: string,
): AuthOutcome {
  const message = Buffer.from(token, 'base64');
  if (message.length < 12 || !message.subarray(0, 8).equals(NTLMSSP)) return { kind: 'rejected' };
  const type = message.readUInt32LE(8);
  try {
    if (type === 1) {
      conn.established = undefined;
      const context = new NtlmServerContext({
        computerName: policy.hostName,
        domainName: policy.domainName,
        dnsDomainName: policy.dnsDomainName,
        channelBindings: policy.channelBindings,
      });
      const challenge = context.challenge(message);
      conn.pending = context;
      return { kind: 'challenge', header: `${scheme} ${challenge.toString('base64')}` };
    }
    if (type === 3 && conn.pending) {
      const context = conn.pending;
      conn.pending = undefined;
      const result = context.authenticate(message, (identity: NtlmIdentity) => {
        const account = findAccount(policy, identity);
        return account ? { password: account.password } : undefined;
      });
      const account = findAccount(policy, result);
      if (!account) return { kind: 'rejected' };
      const auth = { account, principal: principalOf(policy, account), session: result.session };
      conn.established = auth;
      return { kind: 'ok', auth };
    }
  } catch (e) {
    if (!isNtlmError(e)) throw e;
  }
  conn.pending = undefined;
  return { kind: 'rejected' };
}

/** Decides one request's authentication from its Authorization header and its connection. */
export function authenticate(
  policy: AuthPolicy,
  conn: ConnectionAuth,
  authorization: string | undefined,
): AuthOutcome {
  if (!authorization) {
    return conn.established ? { kind: 'ok', auth: conn.established } : { kind: 'rejected' };
  }
  const space = authorization.indexOf(' ');
  const scheme = space < 0 ? authorization : authorization.slice(0, space);
  const token = space < 0 ? '' : authorization.slice(space + 1).trim();
  switch (scheme.toLowerCase()) {
    case 'basic':
      return basic(policy, token);
    case 'negotiate':
    case 'ntlm':
      return ntlm(policy, conn, scheme, token);
    default:
      return { kind: 'rejected' };
  }
}
