/** Per-request execution state: the session, declared variables and the result items produced so far. */

import type { ResultItem, SqlType } from '@/lib/lab/tds/types';
import type { LabSession } from '../session';
import type { DbValue } from '../sqltypes';
import type { InstanceRow, Store } from '../state/store';
import type { Prefetch } from '../functions';

export interface Variable {
  type: SqlType;
  value: DbValue;
}

export class ExecContext {
  readonly items: ResultItem[] = [];
  readonly vars = new Map<string, Variable>();
  rowcount = 0;
  error = 0;
  returned = false;
  returnStatus: number | undefined;
  /** Context snapshot for SQL functions (built before a statement that needs it). */
  prefetch: Prefetch | undefined = undefined;

  constructor(
    readonly st: Store,
    readonly session: LabSession,
    readonly inst: InstanceRow,
    /** Name of the procedure being run, for error messages. */
    public procedure = '',
  ) {}

  get database(): string {
    return this.session.database;
  }

  emit(item: ResultItem): void {
    this.items.push(item);
  }

  /** Counts a state change; inside a transaction the lab cannot undo it, so ROLLBACK reports it. */
  changed(): void {
    if (this.session.tranCount > 0) this.session.changesInTran++;
  }

  variable(name: string): Variable | undefined {
    return this.vars.get(name.toLowerCase());
  }
}
