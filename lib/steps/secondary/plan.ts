// Step 3's plan: pure, from the checks (and the facts the primary's and each node's checks carry).
import 'server-only';
import type { Check, Operation } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { factsOf } from '../master-shared/facts';
import { CHECK, idAt } from '../master-shared/ids';
import { accountOp, importCertOp, rebindOp, restartOp, settingsOp, setupOp, type OpEnv } from '../master-shared/ops';
import { primaryHost } from '../primary/probe';
import { secondaryHosts } from './probe';

export function plan(ctx: Pick<StepContext, 'inventory' | 'services'>, checks: Check[]): Operation[] {
  const env: OpEnv = ctx;
  const primary = primaryHost(ctx);
  const primaryCheck = checks.find((c) => c.id === idAt(CHECK.primaryCert, primary));
  const shared = primaryCheck?.status === 'pass' ? (factsOf(primaryCheck)?.target ?? null) : null;
  // Nothing can be copied before the primary's certificate is right (step 2).
  if (!shared) return [];

  return secondaryHosts(ctx).flatMap((host): Operation[] => {
    const status = (id: string) => checks.find((c) => c.id === idAt(id, host))?.status;
    const installed = checks.find((c) => c.id === idAt(CHECK.installed, host));
    const facts = installed ? factsOf(installed) : null;
    if (!installed || !facts || installed.status === 'unknown') return [];
    const ops: Operation[] = [];
    if (status(CHECK.inRoot) === 'fail') ops.push(importCertOp(host, primary, shared));
    if (installed.status === 'fail') return [...ops, setupOp(env, host, { kind: 'existing', thumbprint: shared })];
    if (status(CHECK.account) === 'fail') ops.push(accountOp(env, host, facts.account));
    const rebind = status(CHECK.bound) === 'fail';
    const settings = status(CHECK.settings) === 'fail' && facts.settingsExists;
    if (rebind) ops.push(rebindOp(env, host, facts, shared));
    if (settings) ops.push(settingsOp(host, facts, shared));
    // After a change, or when the running service predates its settings file (a restart that failed).
    if (rebind || settings || status(CHECK.current) === 'fail') ops.push(restartOp(env, host));
    return ops;
  });
}
