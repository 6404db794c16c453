/** Finds the procedure a 1/2/3-part name means (as SQL Server resolves it) and binds arguments to its parameters. */

import { E, SqlError } from '../errors';
import type { ExecContext } from '../exec/context';
import { checkAvailable, dbUserFor, findDb, type DbUser } from '../exec/security';
import { convertValue, type DbValue } from '../sqltypes';
import type { DatabaseRow } from '../state/store';
import { SSISDB_PROCEDURES } from './ssisdb';
import { KNOWN_UNIMPLEMENTED_PROCS, SYSTEM_PROCEDURES } from './system';
import { REQUIRED, type CallArg, type ProcDef } from './types';

const ALL = new Map<string, ProcDef>([...SYSTEM_PROCEDURES, ...SSISDB_PROCEDURES].map((p) => [p.key, p]));

export interface ResolvedProc {
  def: ProcDef;
  /** Name without schema, as SQL Server names the procedure in messages. */
  shortName: string;
  db?: DatabaseRow;
  user?: DbUser;
}

export function resolveProcedure(ctx: ExecContext, parts: string[]): ResolvedProc {
  const written = parts.join('.');
  const name = (parts[parts.length - 1] as string).toLowerCase();
  const schema = (parts.length >= 2 ? (parts[parts.length - 2] as string) : '').toLowerCase();
  const dbPart = parts.length === 3 ? (parts[0] as string) : '';
  if (parts.length > 3) throw E.notImplemented('four-part (linked server) procedure names');
  // sp_/xp_ procedures live in the resource database and resolve from every database.
  if ((name.startsWith('sp_') || name.startsWith('xp_')) && (schema === '' || schema === 'sys' || schema === 'dbo')) {
    const def = ALL.get(`sys.${name}`);
    if (def) return { def, shortName: name };
    if (KNOWN_UNIMPLEMENTED_PROCS.has(name)) throw E.notImplemented(`procedure ${name}`);
    throw E.unknownProcedure(written);
  }
  const def = ALL.get(`${schema || 'dbo'}.${name}`);
  if (!def || def.home !== 'ssisdb') throw E.unknownProcedure(written);
  const db = findDb(ctx, dbPart || ctx.database);
  if (!db || ctx.st.content(db.content_id)?.name.toUpperCase() !== 'SSISDB') throw E.unknownProcedure(written);
  checkAvailable(ctx, db, false);
  const user = dbUserFor(ctx, db);
  if (!user) throw E.cannotAccessDb(ctx.session.loginName, db.name);
  return { def, shortName: name, db, user };
}

/** Binds arguments like SQL Server: positional first, then @name = value; conversions to the declared types. */
export function bindArguments(proc: ResolvedProc, args: readonly CallArg[]): Map<string, DbValue> {
  const { def, shortName } = proc;
  const bound = new Map<string, DbValue>();
  let sawNamed = false;
  args.forEach((a, i) => {
    let p;
    if (a.name) {
      sawNamed = true;
      p = def.params.find((x) => `@${x.name}`.toLowerCase() === (a.name as string).toLowerCase());
      if (!p) throw E.notAParam(a.name, shortName);
    } else {
      if (sawNamed) {
        throw new SqlError(
          119,
          `Must pass parameter number ${i + 1} and subsequent parameters as '@name = value'. After the form '@name = value' has been used, all subsequent parameters must be passed in the form '@name = value'.`,
          { severity: 15 },
        );
      }
      p = def.params[i];
      if (!p) throw E.tooManyArgs(shortName);
    }
    if (a.useDefault) return;
    try {
      bound.set(p.name.toLowerCase(), convertValue(a.value, p.type));
    } catch (e) {
      if (e instanceof SqlError) throw E.convertParam(typeof a.value === 'string' ? 'nvarchar' : 'int', p.type.type);
      throw e;
    }
  });
  for (const p of def.params) {
    if (bound.has(p.name.toLowerCase())) continue;
    if (p.default === REQUIRED) throw E.missingParam(shortName, `@${p.name}`);
    bound.set(p.name.toLowerCase(), p.default);
  }
  return bound;
}
