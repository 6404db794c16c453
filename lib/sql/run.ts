// query() and exec(): parameters only, a timeout and an AbortSignal that both cancel the
// request on the server (TDS ATTENTION through mssql's request.cancel()), and every failure
// mapped to a SqlFailure with the target named and secrets masked.
import 'server-only';
import type sql from 'mssql';
import { z } from 'zod';
import { targetLabel } from './config';
import { failure, SqlFailureError } from './failure';
import { mapError } from './map';
import { bindParams, checkProcName } from './params';
import { connect } from './pool';
import type { ExecResult, QueryResult, Row, RunOptions, SqlParams, SqlTarget } from './types';

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Runs `send(request)` with the timeout and signal wired to request.cancel(). mssql resolves a
 * cancelled request with ECANCEL; which of the two fired decides TIMEOUT vs CANCELLED.
 */
async function run<R>(
  target: SqlTarget,
  params: SqlParams,
  options: RunOptions,
  allowOutput: boolean,
  send: (request: sql.Request) => Promise<R>,
): Promise<R> {
  const label = targetLabel(target);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let secrets: string[] = [...(options.secrets ?? [])];
  let why: 'timeout' | 'abort' | undefined;
  let timer: NodeJS.Timeout | undefined;
  let request: sql.Request | undefined;
  // Rejects once the caller gives up, so waiting for a slow connect stops too (the connect
  // itself carries on in the background and leaves a pool for the next call).
  let stop = (): void => undefined;
  const stopped = new Promise<never>((_, reject) => {
    stop = () => reject(new Error('stopped'));
  });
  stopped.catch(() => undefined);
  const cancel = (reason: 'timeout' | 'abort'): void => {
    why ??= reason;
    request?.cancel();
    stop();
  };
  const onAbort = (): void => cancel('abort');
  try {
    if (options.signal?.aborted)
      throw new SqlFailureError(
        failure('CANCELLED', `${label}: the request was cancelled before it started.`),
      );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(() => cancel('timeout'), timeoutMs);
    const { pool } = await Promise.race([connect(target), stopped]);
    request = pool.request();
    if (why) throw new Error('stopped');
    secrets = [...secrets, ...bindParams(request, label, params, allowOutput)];
    return await send(request);
  } catch (e) {
    if (why === 'timeout' && !(e instanceof SqlFailureError && e.failure.layer !== 'request'))
      throw new SqlFailureError(
        failure(
          'TIMEOUT',
          `${label}: the request took longer than ${timeoutMs / 1000} s and was cancelled.`,
        ),
      );
    if (why === 'abort')
      throw new SqlFailureError(failure('CANCELLED', `${label}: the request was cancelled.`));
    throw new SqlFailureError(mapError(e, target, secrets));
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function shape<T>(r: sql.IResult<Row>): QueryResult<T> {
  const recordsets = (Array.isArray(r.recordsets) ? r.recordsets : []) as Row[][];
  return { rows: (recordsets[0] ?? []) as T[], recordsets, rowsAffected: r.rowsAffected };
}

/** Runs parameterised T-SQL (sp_executesql). `text` must not contain values: pass them in `params`. */
export function query<T = Row>(
  target: SqlTarget,
  text: string,
  params: SqlParams = {},
  options: RunOptions = {},
): Promise<QueryResult<T>> {
  return run(target, params, options, false, async (req) => shape<T>(await req.query<Row>(text)));
}

/** Calls a stored procedure by name (an RPC, not T-SQL text), with OUTPUT parameters and the return value. */
export async function exec<T = Row>(
  target: SqlTarget,
  procName: string,
  params: SqlParams = {},
  options: RunOptions = {},
): Promise<ExecResult<T>> {
  checkProcName(targetLabel(target), procName);
  return await run(target, params, options, true, async (req) => {
    const r = await req.execute<Row>(procName);
    return { ...shape<T>(r), returnValue: r.returnValue as number, output: { ...r.output } };
  });
}

/**
 * query() whose first result set is checked against a zod row schema: a server that answers
 * with other columns (another version, a wrong database) fails as UNEXPECTED_RESULT instead
 * of flowing on as undefined.
 */
export async function queryRows<S extends z.ZodType>(
  target: SqlTarget,
  text: string,
  params: SqlParams,
  schema: S,
  options: RunOptions = {},
): Promise<z.infer<S>[]> {
  const r = await query(target, text, params, options);
  const parsed = z.array(schema).safeParse(r.rows);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? `row ${issue.path.map(String).join('.')}: ${issue.message}` : 'unknown';
  throw new SqlFailureError(
    failure(
      'UNEXPECTED_RESULT',
      `${targetLabel(target)}: the result did not have the expected shape (${where}).`,
    ),
  );
}
