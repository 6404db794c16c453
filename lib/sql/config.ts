// Turns a target into an mssql configuration. No connection string is ever built: values go
// into the config object field by field, so nothing can be injected through a password and no
// string holding the password exists to end up in an error.
import 'server-only';
import type sql from 'mssql';
import type { Connection } from 'tedious';
import { parseAddressPort } from '@/lib/inventory/rules';
import { LayerError, makeConnector } from './connector';
import { failure } from './failure';
import { tlsOptions, validateTrust, watchTls } from './tls';
import { DEFAULT_INSTANCE, type PeerCertificate, type SqlTarget } from './types';

/** Time tedious gets after our TCP budget for TLS and login: as much again, at most 5 s. */
const loginGraceMs = (timeoutMs: number): number => Math.min(5000, timeoutMs);

export interface LoginMessage {
  number: number;
  state: number;
  message: string;
}

/**
 * tedious' login error (ELOGIN) keeps only the last message's text, not its number or state.
 * The 'errorMessage' tokens seen during login are kept here, keyed by the error tedious
 * reported, so the mapper can read 18456 state 8 or 4060 exactly.
 */
export const loginMessages = new WeakMap<object, LoginMessage[]>();

export function targetLabel(t: Pick<SqlTarget, 'name' | 'instance'>): string {
  return t.instance && t.instance.toUpperCase() !== DEFAULT_INSTANCE
    ? `${t.name}\\${t.instance}`
    : t.name;
}

export function endpointOf(t: SqlTarget): { host: string; port: number } {
  if (!t.connectAddress) return { host: t.name, port: t.port };
  const o = parseAddressPort(t.connectAddress);
  if (!o)
    throw new LayerError(
      failure(
        'CONFIG',
        `${targetLabel(t)}: the "connect to" address ${t.connectAddress} is not host:port.`,
      ),
    );
  return o;
}

function authentication(t: SqlTarget): NonNullable<sql.config['authentication']> {
  if (t.auth.kind === 'sql')
    return { type: 'default', options: { userName: t.auth.user, password: t.auth.password } };
  const [domain, user] = t.auth.user.includes('\\')
    ? t.auth.user.split('\\', 2)
    : ['', t.auth.user];
  if (!domain || !user)
    throw new LayerError(
      failure('CONFIG', `${targetLabel(t)}: a Windows login is written DOMAIN\\user.`),
    );
  return { type: 'ntlm', options: { domain, userName: user, password: t.auth.password } };
}

export interface PoolHooks {
  /** Called with the certificate each new connection saw (undefined when TLS did not happen). */
  certificate(cert: PeerCertificate | undefined): void;
}

export function buildConfig(t: SqlTarget, hooks: PoolHooks): sql.config {
  const label = targetLabel(t);
  const endpoint = endpointOf(t);
  const trust = validateTrust(label, t.trust);
  const timeoutMs = t.connectTimeoutMs ?? 15_000;
  return {
    server: endpoint.host,
    port: endpoint.port,
    database: t.database,
    authentication: authentication(t),
    connectionTimeout: timeoutMs + loginGraceMs(timeoutMs),
    // Requests time out in lib/sql/run.ts (per call, with cancel), not per connection.
    requestTimeout: 0,
    pool: { min: 0, max: 4, idleTimeoutMillis: 60_000 },
    // A pooled connection is handed out when it is logged in and its socket open, without the
    // default SELECT 1 before every request (one more round trip each); a connection the server
    // ended (a failover's role change, KILL) is closed in tedious and replaced.
    validateConnection: 'socket',
    options: {
      ...tlsOptions(t.name, trust),
      appName: 'ssis-scaleout-ha-wizard',
      connector: makeConnector({
        endpoint,
        label,
        timeoutMs,
        allowPlaintext: t.allowPlaintext === true,
      }),
    },
    beforeConnect(conn: Connection) {
      const seen: LoginMessage[] = [];
      const onMessage = (m: { number: number; state: number; message: string }): void => {
        seen.push({ number: m.number, state: m.state, message: m.message });
      };
      let secured = false;
      conn.on('errorMessage', onMessage);
      watchTls(conn, label, trust, (cert) => {
        secured = true;
        hooks.certificate(cert);
      });
      conn.once('connect', (err) => {
        conn.removeListener('errorMessage', onMessage);
        if (err) loginMessages.set(err, seen);
        else if (!secured) hooks.certificate(undefined);
      });
    },
  };
}
