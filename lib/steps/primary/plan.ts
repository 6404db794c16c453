// Step 2's plan: pure, from the checks (and the facts the installed and catalog checks carry).
import 'server-only';
import type { Check, Operation } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { factsOf } from '../master-shared/facts';
import { CHECK, idAt } from '../master-shared/ids';
import { accountOp, newCertOp, rebindOp, restartOp, settingsOp, setupOp, type OpEnv } from '../master-shared/ops';
import { CATALOG_CHECK, catalogOps } from './catalog';
import { primaryHost } from './probe';

/** The master service's operations, then the catalog's (enable_scaleout needs the master feature installed). */
export function plan(ctx: Pick<StepContext, 'inventory' | 'services'>, checks: Check[]): Operation[] {
  const host = primaryHost(ctx);
  const installed = checks.find((c) => c.id === idAt(CHECK.installed, host));
  const catalog = catalogOps(
    checks.find((c) => c.id === idAt(CATALOG_CHECK, host)),
    installed?.status !== 'fail',
  );
  return [...masterOps(ctx, host, checks), ...catalog];
}

function masterOps(ctx: Pick<StepContext, 'inventory' | 'services'>, host: string, checks: Check[]): Operation[] {
  const env: OpEnv = ctx;
  const status = (id: string) => checks.find((c) => c.id === idAt(id, host))?.status;
  const installed = checks.find((c) => c.id === idAt(CHECK.installed, host));
  const facts = installed ? factsOf(installed) : null;
  if (!installed || !facts || installed.status === 'unknown') return [];
  if (installed.status === 'fail') return [setupOp(env, host, { kind: 'new' })];

  const ops: Operation[] = [];
  if (status(CHECK.account) === 'fail') ops.push(accountOp(env, host, facts.account));
  const certFails = [CHECK.covers, CHECK.inRoot, CHECK.settings].some((id) => status(id) === 'fail');
  if (certFails) {
    const target = facts.target;
    if (!target) ops.push(newCertOp(env, host));
    if (!target || facts.boundThumbprint !== target || status(CHECK.inRoot) === 'fail') ops.push(rebindOp(env, host, facts, target));
    if (facts.settingsExists && (!target || facts.settingsThumbprint !== target)) ops.push(settingsOp(host, facts, target));
  }
  // After any certificate change, or when the running service predates its settings file.
  if (certFails || status(CHECK.current) === 'fail') ops.push(restartOp(env, host));
  return ops;
}
