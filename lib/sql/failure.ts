// The error type every function of lib/sql throws, and the masking that keeps secrets out of it.

import type { SqlErrorCode, SqlProblem } from './errors';
import type { SqlFailure, SqlLayer } from './types';

const LAYER: Record<SqlErrorCode, SqlLayer> = {
  CONFIG: 'config',
  DNS: 'dns',
  TCP_REFUSED: 'tcp',
  TCP_TIMEOUT: 'tcp',
  CONNECTION: 'tcp',
  TLS_UNTRUSTED: 'tls',
  TLS_NAME_MISMATCH: 'tls',
  TLS_THUMBPRINT_MISMATCH: 'tls',
  TLS: 'tls',
  HANDSHAKE_TIMEOUT: 'tls',
  NOT_ENCRYPTED: 'tls',
  LOGIN_FAILED: 'login',
  LOGIN_WINDOWS_ONLY: 'login',
  LOGIN_WINDOWS_FAILED: 'login',
  DATABASE_UNAVAILABLE: 'database',
  PERMISSION_DENIED: 'request',
  OBJECT_NOT_FOUND: 'request',
  PROCEDURE_NOT_FOUND: 'request',
  LOGIN_EXISTS: 'request',
  LOGIN_NOT_FOUND: 'request',
  WINDOWS_ACCOUNT_NOT_FOUND: 'request',
  SID_IN_USE: 'request',
  SECONDARY_NOT_READABLE: 'request',
  DATABASE_READ_ONLY: 'request',
  NOT_PRIMARY: 'request',
  SYNTAX: 'request',
  TIMEOUT: 'request',
  CANCELLED: 'request',
  UNEXPECTED_RESULT: 'request',
  SQL_ERROR: 'request',
};

/**
 * Thrown by lib/sql. Carries only the failure (no `cause`): driver errors can hold the
 * connection configuration, and whatever reaches a log or the browser must not.
 */
export class SqlFailureError extends Error {
  readonly failure: SqlFailure;
  constructor(failure: SqlFailure) {
    super(failure.message);
    this.name = 'SqlFailureError';
    this.failure = failure;
  }
}

export function isSqlFailureError(e: unknown): e is SqlFailureError {
  return e instanceof SqlFailureError;
}

export function failure(
  code: SqlErrorCode,
  message: string,
  extra: { number?: number; state?: number } = {},
): SqlFailure {
  const f: SqlFailure = { code, layer: LAYER[code], message };
  if (extra.number !== undefined) f.number = extra.number;
  if (extra.state !== undefined) f.state = extra.state;
  return f;
}

/** A mapped SQL Server error; `serverMessage` stays out (the message already quotes what matters). */
export function fromProblem(p: SqlProblem): SqlFailure {
  return failure(p.code, p.message, { number: p.number, state: p.state });
}

/** The layer a given code belongs to. The login layer's 4060 counts as 'database'. */
export function layerOf(code: SqlErrorCode): SqlLayer {
  return LAYER[code];
}

export const MASK = '********';

/** Replaces every secret (length ≥ 1) in the message; longest first so overlapping secrets stay hidden. */
export function redact(f: SqlFailure, secrets: readonly string[]): SqlFailure {
  const list = [...new Set(secrets.filter((s) => s.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  let message = f.message;
  for (const s of list) message = message.split(s).join(MASK);
  return { ...f, message };
}
