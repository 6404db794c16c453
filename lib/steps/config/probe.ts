import 'server-only';
import type { Check } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { configChecks, type ConfigEnv } from './checks';
import { isNtName, loginChecks, upnChecks, userCheck } from './login-checks';
import { readMasterLogins } from './login-read';
import { readConfigNodes } from './read';

export const configEnv = (ctx: Pick<StepContext, 'inventory' | 'services'>): ConfigEnv => ({
  listenerName: ctx.inventory.listenerName,
  listenerPort: ctx.inventory.listenerPort,
  service: ctx.services.master,
});

export const masterHosts = (ctx: Pick<StepContext, 'inventory'>) => ctx.inventory.masters.map((m) => m.hostName);

async function loginChecksOf(ctx: StepContext): Promise<Check[]> {
  const account = ctx.inventory.masterAccount;
  if (!isNtName(account)) return upnChecks(masterHosts(ctx), account);
  const r = await readMasterLogins(ctx, account);
  return [...loginChecks(r), userCheck(r)];
}

/**
 * Every master node at once: the master account's login on each replica and its SSISDB user on
 * the primary (what SqlServerName = listener needs to work), and MasterSettings.config, which is
 * per node and never replicated.
 */
export async function probe(ctx: StepContext): Promise<Check[]> {
  const [logins, nodes] = await Promise.all([loginChecksOf(ctx), readConfigNodes(ctx, masterHosts(ctx))]);
  return [...logins, ...configChecks(nodes, configEnv(ctx))];
}
