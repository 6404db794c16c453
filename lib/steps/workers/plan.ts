// Step 9's plan: pure, from the checks and the facts two of them carry. Work on many workers is
// grouped into one operation per kind (each master node's trust store, the workers' side, the
// catalog), so that apply runs the workers in parallel; each operation names its workers.
import 'server-only';
import type { Check, Operation } from '@/lib/engine/types';
import { masterFactsOf, workerFactsOf, type WorkerFacts } from './facts';
import { CHECK, idAt } from './ids';
import { attachOp, enableOp, ownCertOp, setupOp, trustOp, type OpEnv } from './ops';

export function plan(ctx: OpEnv & { inventory: { workers: { hostName: string }[] } }, checks: Check[]): Operation[] {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const shared = masterFactsOf(byId.get(CHECK.masterCert))?.thumbprint ?? null;
  const manual: Operation[] = [];
  const trust = new Map<string, { host: string; thumbprint: string }[]>();
  const attach: { host: string; diff: string | null }[] = [];
  const enable: { host: string; agentId: string | null }[] = [];

  for (const { hostName } of ctx.inventory.workers) {
    const status = (id: string) => byId.get(idAt(id, hostName))?.status;
    const installed = byId.get(idAt(CHECK.installed, hostName));
    const facts: WorkerFacts | null = workerFactsOf(installed);
    if (!installed || !facts || installed.status === 'unknown') continue;
    if (installed.status === 'fail') {
      // A file the wizard cannot parse is the DBA's to repair (the check says so); no operation.
      if (facts.needsSetup) manual.push(setupOp(ctx, hostName));
      continue;
    }
    if (status(CHECK.ownCert) === 'fail') {
      manual.push(ownCertOp(hostName));
      continue;
    }
    if (status(CHECK.onMasters) === 'fail' && facts.workerThumbprint) {
      for (const m of facts.missingOn.map((x) => x.toUpperCase())) trust.set(m, [...(trust.get(m) ?? []), { host: hostName, thumbprint: facts.workerThumbprint }]);
    }
    const workerSide = [CHECK.trustsMaster, CHECK.settings, CHECK.service].some((id) => status(id) === 'fail');
    const catalogFails = [CHECK.registered, CHECK.online].some((id) => status(id) === 'fail');
    // A worker configured right but silent is not restarted (a restart kills the packages it
    // runs): the heartbeat is waited for, and the wait's failure names the documented causes.
    if (shared && workerSide) attach.push({ host: hostName, diff: facts.settingsDiff });
    const attached = shared && workerSide;
    // Waiting for a heartbeat makes sense once the worker's own side is right (or is made right now).
    const workerSideOk = [CHECK.trustsMaster, CHECK.settings, CHECK.service].every((id) => status(id) === 'pass');
    if (attached || status(CHECK.enabled) === 'fail' || (catalogFails && workerSideOk)) enable.push({ host: hostName, agentId: facts.agentId });
  }

  const ops: Operation[] = [...manual];
  for (const m of ctx.inventory.masters) {
    const list = trust.get(m.hostName.toUpperCase());
    if (list?.length) ops.push(trustOp(m.hostName, list));
  }
  if (shared && attach.length) ops.push(attachOp(ctx, shared, attach));
  if (enable.length) ops.push(enableOp(ctx, enable));
  return ops;
}
