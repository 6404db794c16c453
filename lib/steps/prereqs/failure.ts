// Turns whatever a probe call threw into a Failure: lib/winrm and lib/sql already name the layer
// and a closed code; anything else is reported as a client-side problem rather than crashing.
import { isWinrmError } from '@/lib/winrm';
import { isSqlFailureError } from '@/lib/sql';
import type { Failure } from './readings';

export function toFailure(e: unknown): Failure {
  if (isWinrmError(e)) return { layer: e.layer, code: e.code, message: e.message };
  if (isSqlFailureError(e)) return { layer: e.failure.layer, code: e.failure.code, message: e.failure.message };
  return { layer: 'client', code: 'UNEXPECTED', message: e instanceof Error ? e.message : String(e) };
}
