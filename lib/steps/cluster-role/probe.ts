import 'server-only';
import type { Check } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { roleStepChecks, type RoleEnv } from './checks';
import { readRoleNodes } from './read';

export const roleEnv = (ctx: Pick<StepContext, 'inventory' | 'services'>): RoleEnv => ({
  roleName: ctx.inventory.masterDnsName,
  ip: ctx.inventory.masterIp,
  service: ctx.services.master,
  masters: ctx.inventory.masters.map((m) => m.hostName),
});

/** The node that creates the role (and so first owns it): the primary, the first master node. */
export const creatingNode = (ctx: Pick<StepContext, 'inventory'>) => ctx.inventory.masters[0]!.hostName;

export async function probe(ctx: StepContext): Promise<Check[]> {
  const env = roleEnv(ctx);
  return roleStepChecks(await readRoleNodes(ctx, env.masters), env);
}
