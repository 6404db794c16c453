// Maps whatever mssql/tedious throws to a SqlFailure, in one place. The chain is
//   mssql ConnectionError/RequestError --originalError--> tedious error --cause--> socket/TLS error
// and our own LayerError (DNS, TCP, thumbprint, plaintext guard) travels as such a cause.
import 'server-only';
import { describeSqlError } from './errors';
import { LayerError } from './connector';
import { failure, fromProblem, redact, SqlFailureError } from './failure';
import { loginMessages, targetLabel, type LoginMessage } from './config';
import { tlsFailure } from './tls';
import type { SqlFailure, SqlTarget } from './types';

type ErrorLike = Error & {
  code?: string;
  number?: number;
  state?: number;
  originalError?: unknown;
  precedingErrors?: unknown[];
  errors?: unknown[];
};

function chain(e: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let cur: unknown = e;
  while (cur instanceof Error && out.length < 8 && !out.includes(cur)) {
    const err = cur as ErrorLike;
    out.push(err);
    cur = err.originalError ?? err.cause;
  }
  return out;
}

// SQL Server follows a real error with these; the first error says what went wrong.
const TRAILERS = new Set([3621, 3013, 266]);

function pickServerError(errors: readonly { number: number; state?: number; message: string }[]) {
  // 4060 (database) is more specific than the 18456 SQL Server sends after it.
  return (
    errors.find((e) => e.number === 4060) ??
    errors.find((e) => !TRAILERS.has(e.number)) ??
    errors.at(-1)
  );
}

function requestErrors(top: ErrorLike): { number: number; state?: number; message: string }[] {
  const list = [...(top.precedingErrors ?? []), top];
  return list
    .filter(
      (e): e is ErrorLike => e instanceof Error && typeof (e as ErrorLike).number === 'number',
    )
    .map((e) => ({ number: e.number as number, state: e.state, message: e.message }));
}

export function mapError(
  e: unknown,
  target: SqlTarget,
  secrets: readonly string[] = [],
): SqlFailure {
  const all = [target.auth.password, ...secrets];
  return redact(classify(e, target), all);
}

function classify(e: unknown, target: SqlTarget): SqlFailure {
  const label = targetLabel(target);
  if (e instanceof SqlFailureError) return e.failure;
  const errs = chain(e);
  for (const err of errs) if (err instanceof LayerError) return err.sqlFailure;

  const top = errs[0];
  if (!top) return failure('SQL_ERROR', `${label}: the request failed (${String(e)}).`);

  // Login: the tokens recorded during login carry the number and state.
  const seen: LoginMessage[] | undefined = errs
    .map((x) => loginMessages.get(x))
    .find((x) => x !== undefined);
  if (errs.some((x) => x.code === 'ELOGIN')) {
    const picked = seen && pickServerError(seen);
    if (picked)
      return fromProblem(
        describeSqlError(picked.number, picked.state, picked.message, label, target.auth.kind),
      );
    return failure('LOGIN_FAILED', `Login to ${label} failed: ${top.message}`);
  }

  const server = pickServerError(requestErrors(top));
  if (server)
    return fromProblem(
      describeSqlError(server.number, server.state, server.message, label, target.auth.kind),
    );

  for (const err of errs) {
    const tls = tlsFailure(label, target.name, err);
    if (tls) return tls;
  }
  const codes = errs.map((x) => x.code);
  if (codes.includes('ECANCEL'))
    return failure('CANCELLED', `${label}: the request was cancelled.`);
  if (codes.includes('ETIMEOUT'))
    return failure(
      'HANDSHAKE_TIMEOUT',
      `${label}: the TCP connection opened, but no SQL Server handshake (PRELOGIN, TLS, login) completed in time. Is ${target.connectAddress ?? `${target.name}:${target.port}`} this instance's SQL port?`,
    );
  if (
    codes.some(
      (c) => c === 'ESOCKET' || c === 'ECONNRESET' || c === 'ECONNCLOSED' || c === 'ENOCONN',
    )
  )
    return failure(
      'CONNECTION',
      `${label}: the connection failed or was closed (${errs.at(-1)?.message ?? top.message}).`,
    );
  return failure('SQL_ERROR', `${label}: ${top.message}`);
}
