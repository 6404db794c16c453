import 'server-only';
import type { Check } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { configChecks, type ConfigEnv } from './checks';
import { readConfigNodes } from './read';

export const configEnv = (ctx: Pick<StepContext, 'inventory' | 'services'>): ConfigEnv => ({
  listenerName: ctx.inventory.listenerName,
  listenerPort: ctx.inventory.listenerPort,
  service: ctx.services.master,
});

export const masterHosts = (ctx: Pick<StepContext, 'inventory'>) => ctx.inventory.masters.map((m) => m.hostName);

/** Every master node at once: MasterSettings.config is per node and never replicated. */
export async function probe(ctx: StepContext): Promise<Check[]> {
  return configChecks(await readConfigNodes(ctx, masterHosts(ctx)), configEnv(ctx));
}
