// probe: every master node in parallel (one batch each; a node SQL cannot read is read over WinRM
// too: LoginMode in the registry and its SQL Server service), then SSISDB on the primary and the
// sign-in through the listener. Read-only.
import 'server-only';
import type { Check } from '@/lib/engine/types';
import type { StepContext } from '../context';
import { buildChecks, type Probed } from './checks';
import { errorText, readCatalog, readNodeOrRegistry, signInThroughListener } from './read';
import { logdbPassword } from './secret';

export async function probe(ctx: StepContext): Promise<Check[]> {
  const password = logdbPassword(ctx);
  const nodes = await Promise.all(ctx.inventory.masters.map((m) => readNodeOrRegistry(ctx, m.hostName, password)));
  const primary = nodes.find((n) => n.ok && n.read.role === 'PRIMARY')?.node;
  const [catalog, signin] = await Promise.all([
    primary
      ? readCatalog(ctx, primary).then(
          (value) => ({ ok: true as const, value }),
          (e: unknown) => ({ ok: false as const, error: errorText(e) }),
        )
      : undefined,
    password ? signInThroughListener(ctx, password) : undefined,
  ]);
  const probed: Probed = { nodes, hasSecret: !!password, ...(primary ? { primary } : {}), ...(catalog ? { catalog } : {}), ...(signin ? { signin } : {}) };
  return buildChecks(ctx.inventory, probed);
}
