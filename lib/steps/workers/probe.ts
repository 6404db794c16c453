import 'server-only';
import type { Check } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { masterCertCheck, workerChecks } from './checks';
import { readAll, sharedCertificate } from './read';

export const NO_WORKERS = 'workers-listed';

/**
 * Every worker, every master node and the catalog at once: one script per host and one query
 * for all workers, so 32 workers cost about what one does.
 */
export async function probe(ctx: StepContext): Promise<Check[]> {
  const { masters, workers, catalog } = await readAll(ctx);
  const shared = sharedCertificate(masters)?.thumbprint ?? null;
  const listed: Check[] = workers.length
    ? []
    : [{ id: NO_WORKERS, title: 'The deployment lists at least one worker', target: 'workers', status: 'fail', evidence: 'The inventory lists no Scale Out Worker', remediation: "Add the worker computers to the deployment's inventory, then probe again." }];
  return [...listed, masterCertCheck(masters, shared), ...workers.flatMap((w) => workerChecks(ctx, w, masters, shared, catalog))];
}
