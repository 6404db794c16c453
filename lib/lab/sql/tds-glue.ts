/** Shapes an authentication outcome for the TDS server's `authenticate` callback. */

import type { AuthResult } from '@/lib/lab/tds/types';
import type { AuthOutcome } from './auth';
import type { LabSession } from './session';

export function toTdsAuthResult(outcome: AuthOutcome): AuthResult<LabSession> {
  if (outcome.ok) return { ok: true, database: outcome.database, context: outcome.session };
  return { ok: false, error: outcome.errors };
}
