// probe: every master node in parallel (one batch each), then what only the primary and the
// listener can answer. Read-only throughout.
import 'server-only';
import type { Check } from '@/lib/engine/types';
import type { StepContext } from '../context';
import { agChecks } from './checks-ag';
import { nodeChecks } from './checks-node';
import { readAg } from './read-ag';
import { readNode } from './read-node';
import { sameName } from './names';
import { buildView } from './view';

export async function probe(ctx: StepContext): Promise<Check[]> {
  const inv = ctx.inventory;
  const nodes = await Promise.all(inv.masters.map((m) => readNode(ctx, m.hostName)));
  const view = buildView(inv, nodes);
  const hasListener = view.listeners.some((l) => sameName(l.dns_name, inv.listenerName));
  const reads = await readAg(ctx, {
    primary: view.primaryNode,
    needNetworks: view.agFound && !hasListener,
    tryListener: hasListener,
  });
  return [...agChecks(view, reads), ...inv.masters.flatMap((m) => nodeChecks(view, m.hostName))];
}
