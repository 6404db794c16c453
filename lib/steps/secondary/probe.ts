import 'server-only';
import type { Check } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { analyseNode } from '../master-shared/analyse';
import { readNodes } from '../master-shared/node-read';
import { checkEnv, primaryHost } from '../primary/probe';
import { allEqualCheck, nodeChecks, primaryCertCheck, type NodeResult } from './checks';
import { sharedThumbprint } from './shared';

/** Every master node after the first: N backup masters, not just one. */
export const secondaryHosts = (ctx: Pick<StepContext, 'inventory'>) => ctx.inventory.masters.slice(1).map((m) => m.hostName);

export async function probe(ctx: StepContext): Promise<Check[]> {
  const env = checkEnv(ctx);
  const readings = await readNodes(ctx, [primaryHost(ctx), ...secondaryHosts(ctx)]);
  const results = readings.map((r): NodeResult => {
    if (!r.ok) return { host: r.host, error: r.error };
    try {
      return { host: r.host, state: analyseNode(r.host, r.read, env.masterDnsName) };
    } catch (e) {
      return { host: r.host, error: `what it returned could not be understood: ${e instanceof Error ? e.message : String(e)}` };
    }
  });
  const [primary, ...secondaries] = results;
  const shared = primary && 'state' in primary ? sharedThumbprint(primary.state) : null;
  return [
    primaryCertCheck(primary!, shared, env),
    ...secondaries.flatMap((r) => nodeChecks(r, shared, env)),
    allEqualCheck(results, shared),
  ];
}
