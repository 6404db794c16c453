/** Test helpers: a lab in memory, logged-in sessions, and short accessors for result items. */

import type { ResultItem, SqlValue } from '@/lib/lab/tds/types';
import { openLabSql, LAB_SQL_LOGINS, type LabSqlEngine, type LabSession, type ScenarioName } from './index';

export function lab(scenario: ScenarioName = 'fresh'): LabSqlEngine {
  return openLabSql(':memory:', { scenario });
}

export function login(engine: LabSqlEngine, instance: string, who: 'admin' | 'reader' = 'admin', database = 'master'): LabSession {
  const c = LAB_SQL_LOGINS[who];
  const r = engine.authenticate(instance, c.user, c.password, database);
  if (!r.ok) throw new Error(`login failed: ${JSON.stringify(r)}`);
  return r.session;
}

export function run(engine: LabSqlEngine, session: LabSession, sql: string): readonly ResultItem[] {
  return engine.batch(session.instance, sql, session).items;
}

export function errors(items: readonly ResultItem[]): { number: number; message: string }[] {
  return items.filter((i) => i.kind === 'error').map((i) => ({ number: (i as { number: number }).number, message: (i as { message: string }).message }));
}

export function rowsOf(items: readonly ResultItem[], n = 0): (readonly SqlValue[])[] {
  const sets = items.filter((i) => i.kind === 'rows') as Extract<ResultItem, { kind: 'rows' }>[];
  const s = sets[n];
  if (!s) throw new Error(`no result set ${n}: ${JSON.stringify(errors(items))}`);
  return s.rows.map((r) => [...r]);
}

export function columnsOf(items: readonly ResultItem[], n = 0): { name: string; type: string }[] {
  const sets = items.filter((i) => i.kind === 'rows') as Extract<ResultItem, { kind: 'rows' }>[];
  const s = sets[n];
  if (!s) throw new Error(`no result set ${n}: ${JSON.stringify(errors(items))}`);
  return s.columns.map((c) => ({ name: c.name, type: JSON.stringify(c.type) }));
}

/** Runs and expects no error; returns the first result set's rows. */
export function query(engine: LabSqlEngine, session: LabSession, sql: string): (readonly SqlValue[])[] {
  const items = run(engine, session, sql);
  const errs = errors(items);
  if (errs.length) throw new Error(`unexpected errors: ${JSON.stringify(errs)}`);
  return rowsOf(items);
}

export function errorNumbers(engine: LabSqlEngine, session: LabSession, sql: string): number[] {
  return errors(run(engine, session, sql)).map((e) => e.number);
}
