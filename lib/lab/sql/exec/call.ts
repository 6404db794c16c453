/** EXEC in a batch and RPC calls: resolve, bind, run, hand back OUTPUT parameters and the return status. */

import type { Stmt } from '../ast';
import { E, SqlError } from '../errors';
import { bindArguments, resolveProcedure } from '../procedures/registry';
import type { CallArg, ProcEnv } from '../procedures/types';
import { convertValue, type DbValue } from '../sqltypes';
import type { ExecContext } from './context';
import { evalExpr } from './run';

export interface CallResult {
  returnStatus: number;
  outputs: Map<string, DbValue>;
}

export function callProcedure(ctx: ExecContext, parts: string[], args: readonly CallArg[]): CallResult {
  const proc = resolveProcedure(ctx, parts);
  const saved = ctx.procedure;
  ctx.procedure = proc.shortName;
  try {
    const env: ProcEnv = {
      ctx,
      args: proc.def.rawArgs ? new Map() : bindArguments(proc, args),
      outputs: new Map(),
      raw: args,
      ...(proc.db ? { db: proc.db } : {}),
      ...(proc.user ? { user: proc.user } : {}),
    };
    const rc = proc.def.run(env);
    return { returnStatus: typeof rc === 'number' ? rc : 0, outputs: env.outputs };
  } catch (e) {
    if (e instanceof SqlError && !e.procedure) e.procedure = proc.shortName;
    throw e;
  } finally {
    ctx.procedure = saved;
  }
}

export function execStatement(ctx: ExecContext, s: Extract<Stmt, { k: 'exec' }>): void {
  const args: CallArg[] = s.args.map((a) => {
    if (a.value.k === 'default') return { ...(a.name ? { name: a.name } : {}), value: null, useDefault: true, output: a.output };
    if (a.output && a.value.k !== 'var') throw new SqlError(179, 'Cannot use the OUTPUT option when passing a constant to a stored procedure.', { severity: 15 });
    return { ...(a.name ? { name: a.name } : {}), value: evalExpr(ctx, a.value).value, output: a.output };
  });
  if (s.returnVar && !ctx.variable(s.returnVar)) throw E.mustDeclare(s.returnVar);
  const r = callProcedure(ctx, s.proc, args);
  // OUTPUT arguments write back into the caller's variables.
  s.args.forEach((a, i) => {
    if (!a.output || a.value.k !== 'var') return;
    // Named arguments come back by parameter name, positional ones by position.
    const key = a.name ? a.name.replace(/^@/, '').toLowerCase() : `#${i}`;
    const v = ctx.variable(a.value.name);
    if (v && r.outputs.has(key)) v.value = convertValue(r.outputs.get(key) ?? null, v.type);
  });
  if (s.returnVar) {
    const v = ctx.variable(s.returnVar);
    if (v) v.value = r.returnStatus;
  }
}
