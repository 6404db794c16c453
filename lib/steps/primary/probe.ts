import 'server-only';
import type { Check } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { analyseNode } from '../master-shared/analyse';
import { unknownChecks, type CheckEnv } from '../master-shared/checks';
import { readNodes } from '../master-shared/node-read';
import { catalogCheck } from './catalog';
import { readCatalog } from './catalog-read';
import { primaryChecks, primaryCheckTitles } from './checks';

export const checkEnv = (ctx: StepContext): CheckEnv => ({
  masterDnsName: ctx.inventory.masterDnsName,
  masterPort: ctx.inventory.masterPort,
  masterAccount: ctx.inventory.masterAccount,
  service: ctx.services.master,
});

/** The primary is the first master node of the inventory: the one the HA document installs first. */
export const primaryHost = (ctx: Pick<StepContext, 'inventory'>) => ctx.inventory.masters[0]!.hostName;

function nodeChecks(host: string, env: CheckEnv, reading: Awaited<ReturnType<typeof readNodes>>[number] | undefined): Check[] {
  if (!reading || !reading.ok) return unknownChecks(host, reading?.error ?? 'no answer', primaryCheckTitles(env));
  try {
    return primaryChecks(analyseNode(host, reading.read, env.masterDnsName), env);
  } catch (e) {
    return unknownChecks(host, `what it returned could not be understood: ${e instanceof Error ? e.message : String(e)}`, primaryCheckTitles(env));
  }
}

/** The node through WinRM (service, certificate, settings) and its SQL instance (the catalog), in parallel. */
export async function probe(ctx: StepContext): Promise<Check[]> {
  const host = primaryHost(ctx);
  const env = checkEnv(ctx);
  const [[reading], catalog] = await Promise.all([readNodes(ctx, [host]), readCatalog(ctx, host)]);
  return [...nodeChecks(host, env, reading), catalogCheck(catalog)];
}
