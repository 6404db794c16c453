// apply: the one operation the wizard runs, idempotently: it reads MASTER_ADDRESS first and
// changes nothing when it is already right; the engine probes again afterwards.
import 'server-only';
import type { ApplyContext, Operation } from '@/lib/engine/types';
import { query } from '@/lib/sql';
import type { StepContext } from '../context';
import { masterUrl, OP, sameUrl, SSISDB } from './names';
import { readMasterAddress } from './read';
import { UPDATE_MASTER_ADDRESS_SQL } from './scripts';

async function setAddress(ctx: StepContext, op: Operation, run: ApplyContext): Promise<string> {
  const want = masterUrl(ctx.inventory);
  const before = await readMasterAddress(ctx, op.target, run.signal);
  if (sameUrl(before, want)) return `MASTER_ADDRESS on ${op.target} is already ${before}: nothing to do.`;
  run.log(op.target, `catalog.update_master_address: ${before ?? '(none)'} → ${want}`);
  await query(ctx.sql(op.target, SSISDB), UPDATE_MASTER_ADDRESS_SQL, { a: { type: 'nvarchar', value: want } }, { signal: run.signal });
  return `MASTER_ADDRESS on ${op.target} is now ${want} (was ${before ?? 'not set'}).`;
}

export async function apply(ctx: StepContext, op: Operation, run: ApplyContext): Promise<string> {
  if (op.kind === 'manual') throw new Error(`"${op.summary}" is a manual operation: follow its instructions, then check the step again.`);
  if (op.id === OP.setAddress) return setAddress(ctx, op, run);
  throw new Error(`Unknown operation ${op.id} for the master-address step.`);
}
