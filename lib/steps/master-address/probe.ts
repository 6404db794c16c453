// probe: read-only. The catalog, every master node (WinRM) and the endpoint (TLS), in parallel.
import 'server-only';
import type { Check } from '@/lib/engine/types';
import type { StepContext } from '../context';
import { buildChecks } from './checks';
import { readAll } from './read';

export async function probe(ctx: StepContext): Promise<Check[]> {
  return buildChecks(ctx.inventory, await readAll(ctx));
}
