// apply: one operation, idempotently. Each T-SQL operation looks first and does nothing when
// its change is already there; the engine probes again afterwards.
import 'server-only';
import { z } from 'zod';
import type { ApplyContext, Operation } from '@/lib/engine/types';
import { isSqlFailureError, query, queryRows } from '@/lib/sql';
import type { StepContext } from '../context';
import { OP, sameName } from './names';
import { ADD_DMK_PASSWORD_SQL } from './scripts';
import { DMK_SECRET, dmkPassword } from './secret';

const LISTENER_SQL = `
SELECT l.dns_name, l.port
  FROM sys.availability_groups g
  JOIN sys.availability_group_listeners l ON l.group_id = g.group_id
 WHERE g.name = @ag;`;
const listenerRow = z.object({ dns_name: z.string(), port: z.number().nullable() });

/** SQL Server's answer when the same password is already stored for the database (the lab's too). */
const DMK_ALREADY_STORED = 15576;

async function listenerNow(ctx: StepContext, op: Operation, run: ApplyContext) {
  const rows = await queryRows(ctx.sql(op.target), LISTENER_SQL, { ag: { type: 'sysname', value: ctx.inventory.agName } }, listenerRow, { signal: run.signal });
  return rows.find((r) => sameName(r.dns_name, ctx.inventory.listenerName));
}

async function addListener(ctx: StepContext, op: Operation, run: ApplyContext): Promise<string> {
  const existing = await listenerNow(ctx, op, run);
  if (existing) return `${existing.dns_name} already exists on ${ctx.inventory.agName} (port ${existing.port ?? 'NULL'}): nothing to do.`;
  run.log(op.target, `Adding listener ${ctx.inventory.listenerName} to ${ctx.inventory.agName}.`);
  // op.script is the statement plan() built from the inventory and the cluster's subnet masks.
  await query(ctx.sql(op.target), op.script, {}, { signal: run.signal, timeoutMs: 120_000 });
  return `Listener ${ctx.inventory.listenerName} added on port ${ctx.inventory.listenerPort}.`;
}

async function setListenerPort(ctx: StepContext, op: Operation, run: ApplyContext): Promise<string> {
  const existing = await listenerNow(ctx, op, run);
  if (!existing) throw new Error(`${ctx.inventory.agName} has no listener ${ctx.inventory.listenerName} on ${op.target}: check the step again.`);
  if (existing.port === ctx.inventory.listenerPort) return `${existing.dns_name} already has port ${existing.port}: nothing to do.`;
  run.log(op.target, `Setting port ${ctx.inventory.listenerPort} on listener ${existing.dns_name} (was ${existing.port ?? 'NULL'}).`);
  await query(ctx.sql(op.target), op.script, {}, { signal: run.signal });
  return `Listener ${existing.dns_name} now has port ${ctx.inventory.listenerPort}.`;
}

async function addDmkPassword(ctx: StepContext, op: Operation, run: ApplyContext): Promise<string> {
  const password = dmkPassword(ctx);
  if (!password) throw new Error(`The SSISDB master key password is not set (deployment secret "${DMK_SECRET}").`);
  run.log(op.target, 'Registering the SSISDB master key password (sp_control_dbmasterkey_password).');
  try {
    await query(ctx.sql(op.target), ADD_DMK_PASSWORD_SQL, { p: { type: 'nvarchar', value: password, secret: true } }, { signal: run.signal });
    return `The SSISDB master key password is registered on ${op.target}.`;
  } catch (e) {
    if (isSqlFailureError(e) && e.failure.number === DMK_ALREADY_STORED) return `${op.target} already holds this SSISDB master key password: nothing to do.`;
    throw e;
  }
}

export async function apply(ctx: StepContext, op: Operation, run: ApplyContext): Promise<string> {
  if (op.kind === 'manual') throw new Error(`"${op.summary}" is a manual operation: follow its instructions, then check the step again.`);
  if (op.id === OP.addListener) return addListener(ctx, op, run);
  if (op.id === OP.setListenerPort) return setListenerPort(ctx, op, run);
  if (op.id.startsWith(OP.addDmkPassword(''))) return addDmkPassword(ctx, op, run);
  throw new Error(`Unknown operation ${op.id} for the always-on step.`);
}
