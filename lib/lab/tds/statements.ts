/**
 * Lets a simulator think in statements: the system procedures clients use to run
 * parameterised T-SQL (sp_executesql, sp_prepare/sp_execute/sp_prepexec/sp_unprepare)
 * become one `statement(sql, params)` callback; every other RPC goes to `procedure`.
 */

import type {
  Awaitable,
  RequestContext,
  RpcCall,
  RpcParam,
  RpcResult,
  SqlValue,
  TdsHandler,
  TdsSession,
} from './types';

export interface StatementHandlers<TContext> {
  /** Run `sql` with the caller's parameters (named as in the declaration list). */
  statement(
    sql: string,
    params: readonly RpcParam[],
    session: TdsSession<TContext>,
    request: RequestContext,
  ): Awaitable<RpcResult>;
  /** Any other procedure call, by name as written or by well-known ProcID name. */
  procedure(
    call: RpcCall,
    session: TdsSession<TContext>,
    request: RequestContext,
  ): Awaitable<RpcResult>;
}

interface Prepared {
  sql: string;
  names: string[];
}

/** Parameter names of a declaration list such as "@id int, @d decimal(10,2) output". */
export function declaredNames(declarations: string): string[] {
  return [...declarations.matchAll(/(?:^|,)\s*(@[^\s,]+)/g)].map((m) => m[1] ?? '');
}

function text(p: RpcParam | undefined): string {
  return typeof p?.value === 'string' ? p.value : '';
}

function intValue(p: RpcParam | undefined): number | undefined {
  const v = p?.value;
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
}

/** Positional parameters (sp_execute may send names or not) get the declared names. */
function named(params: readonly RpcParam[], names: readonly string[]): RpcParam[] {
  return params.map((p, i) => (p.name === '' && names[i] ? { ...p, name: names[i] } : p));
}

function withHandle(
  result: RpcResult,
  handleParam: RpcParam | undefined,
  handle: number,
): RpcResult {
  if (!handleParam) return result;
  const outputs: Record<string, SqlValue | { type: RpcParam['type']; value: SqlValue }> = {
    ...(result.outputs ?? {}),
  };
  outputs[handleParam.name || '@handle'] = { type: { type: 'int' }, value: handle };
  return { ...result, outputs };
}

function unknownHandle(handle: number | undefined): RpcResult {
  return {
    items: [
      {
        kind: 'error',
        number: 8179,
        state: 4,
        class: 16,
        message: `Could not find prepared statement with handle ${handle ?? 'NULL'}.`,
      },
    ],
  };
}

/** 'sys.sp_executesql', '[SP_EXECUTESQL]' → 'sp_executesql'; other names unchanged in meaning. */
export function systemProcName(name: string): string {
  const last = name.split('.').at(-1) ?? name;
  return last.replace(/^\[|\]$/g, '').toLowerCase();
}

export function statementRpc<TContext>(
  handlers: StatementHandlers<TContext>,
): TdsHandler<TContext>['rpc'] {
  // Prepared handles live as long as the session object (one per connection).
  const prepared = new WeakMap<
    TdsSession<TContext>,
    { next: number; byHandle: Map<number, Prepared> }
  >();
  const store = (session: TdsSession<TContext>) => {
    let s = prepared.get(session);
    if (!s) {
      s = { next: 1, byHandle: new Map() };
      prepared.set(session, s);
    }
    return s;
  };

  return async (call, session, request) => {
    const [first, second, third, ...rest] = call.params;
    switch (systemProcName(call.procName)) {
      case 'sp_executesql':
        // @statement, then (when there are parameters) @params and the parameters.
        return handlers.statement(
          text(first),
          named(call.params.slice(2), declaredNames(text(second))),
          session,
          request,
        );
      case 'sp_prepare':
      case 'sp_prepexec': {
        // @handle OUTPUT, @params, @stmt, then (sp_prepexec) the parameters.
        const s = store(session);
        const handle = s.next++;
        const entry = { sql: text(third), names: declaredNames(text(second)) };
        s.byHandle.set(handle, entry);
        if (call.procName === 'sp_prepare') return withHandle({ items: [] }, first, handle);
        return withHandle(
          await handlers.statement(entry.sql, named(rest, entry.names), session, request),
          first,
          handle,
        );
      }
      case 'sp_execute': {
        const handle = intValue(first);
        const entry = handle === undefined ? undefined : store(session).byHandle.get(handle);
        if (!entry) return unknownHandle(handle);
        return handlers.statement(
          entry.sql,
          named(call.params.slice(1), entry.names),
          session,
          request,
        );
      }
      case 'sp_unprepare': {
        const handle = intValue(first);
        if (handle === undefined || !store(session).byHandle.delete(handle))
          return unknownHandle(handle);
        return { items: [] };
      }
      default:
        return handlers.procedure(call, session, request);
    }
  };
}
