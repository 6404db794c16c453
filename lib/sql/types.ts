// Public shapes of the SQL access layer. No runtime code: safe to import anywhere (the values
// that fill these shapes, passwords included, only ever live on the server).

import type { SqlErrorCode } from './errors';

/** The default instance's name, as SQL Server and the inventory spell it. */
export const DEFAULT_INSTANCE = 'MSSQLSERVER';

export type SqlAuth =
  /** A SQL Server login (needs mixed-mode authentication on the server). */
  | { kind: 'sql'; user: string; password: string }
  /** A Windows account, `DOMAIN\user`, through NTLM (tedious' `ntlm` authentication type). */
  | { kind: 'windows'; user: string; password: string };

/** How the server certificate is trusted. Encryption itself is always requested. */
export type SqlTrust =
  /** Node's CA store (bundled roots plus NODE_EXTRA_CA_CERTS), name checked. */
  | { mode: 'system' }
  /** Only these CAs (PEM bundle from the deployment), name checked. */
  | { mode: 'ca'; caPem: string }
  /** Exactly this leaf certificate by SHA-1 thumbprint (Windows style); chain and name not checked. */
  | { mode: 'thumbprint'; thumbprint: string }
  /** No verification at all (trustServerCertificate): still encrypted, but flagged in every result. */
  | { mode: 'insecure' };

export interface SqlTarget {
  /** Pools are cached per deployment and dropped together when its inventory changes. */
  deploymentId: string;
  /** Host name as in the inventory (SQLNODE1) or the AG listener name: the TLS identity. */
  name: string;
  /** Instance name; MSSQLSERVER is the default instance. */
  instance: string;
  port: number;
  /** "address:port" to connect to instead (tunnels, the lab); TLS is still verified against `name`. */
  connectAddress?: string;
  database: string;
  auth: SqlAuth;
  trust: SqlTrust;
  /**
   * Allow a server that declines encryption. Off by default: tedious would otherwise send the
   * login (password included) in clear text. When on, the connection result carries a warning.
   */
  allowPlaintext?: boolean;
  /** DNS + TCP + TLS + login budget. Default 15 s. */
  connectTimeoutMs?: number;
}

/** The layer a failure belongs to, so a DBA knows where to look first. */
export type SqlLayer = 'config' | 'dns' | 'tcp' | 'tls' | 'login' | 'database' | 'request';

/** Every failure of this layer: a closed code, a message naming the target, never a secret. */
export interface SqlFailure {
  code: SqlErrorCode;
  layer: SqlLayer;
  message: string;
  number?: number;
  state?: number;
}

/** The server certificate as seen on the wire (evidence for checks). */
export interface PeerCertificate {
  /** SHA-1 of the DER, 40 upper-case hex characters (what Windows shows). */
  thumbprint: string;
  subject: string;
  issuer: string;
  /** Node's subjectaltname string, e.g. "DNS:sqlnode1.corp.example, DNS:SQLNODE1". */
  altNames: string;
  validTo: string;
}

/** What a pool learnt when it first connected. */
export interface ConnectionStatus {
  /** The client negotiated TLS for the session (tedious' 'secure' event fired). */
  tls: boolean;
  /** sys.dm_exec_connections.encrypt_option for our session: 'TRUE', 'FALSE', or null when unreadable. */
  encryptOption: string | null;
  certificate?: PeerCertificate;
  warnings: string[];
}

/** Parameter types a caller can name; plain values get mssql's inference. */
export type SqlParamType =
  | 'int'
  | 'bigint'
  | 'bit'
  | 'nvarchar'
  | 'nvarchar(max)'
  | 'sysname'
  | 'varchar'
  | 'varbinary'
  | 'varbinary(max)'
  | 'uniqueidentifier'
  | 'datetime2';

export type SqlParamValue = string | number | boolean | bigint | Date | Buffer | null;

export interface SqlTypedParam {
  type: SqlParamType;
  value?: SqlParamValue;
  /** An OUTPUT parameter (exec only). */
  output?: boolean;
  /** Masked in every error message (passwords travelling as parameters). */
  secret?: boolean;
}

/** Parameters by name without '@'. */
export type SqlParams = Readonly<Record<string, SqlParamValue | SqlTypedParam>>;

export interface RunOptions {
  /** Default 30 s; the request is cancelled (ATTENTION) when it runs out. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** More strings to mask in errors (e.g. a password inlined by CREATE LOGIN … WITH PASSWORD). */
  secrets?: readonly string[];
}

export type Row = Record<string, unknown>;

export interface QueryResult<T = Row> {
  /** The first result set. */
  rows: T[];
  recordsets: Row[][];
  rowsAffected: number[];
}

export interface ExecResult<T = Row> extends QueryResult<T> {
  returnValue: number;
  output: Record<string, unknown>;
}
