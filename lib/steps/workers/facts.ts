// What plan() needs beyond pass/fail, carried as `facts` on two checks (plain JSON, stored with
// the checks, so plan stays pure and works from stored checks after a restart). Never a secret:
// thumbprints, an agent id, a path, a diff, node names.
import { z } from 'zod';
import type { Check } from '@/lib/engine/types';

export const workerFactsSchema = z.object({
  host: z.string(),
  /** The worker service or its WorkerSettings.config is missing: SQL Server Setup is the fix. */
  needsSetup: z.boolean(),
  agentId: z.string().nullable(),
  workerThumbprint: z.string().nullable(),
  settingsPath: z.string(),
  /** The MasterEndpoint / MasterHttpsCertThumbprint edit the plan shows, when one is needed. */
  settingsDiff: z.string().nullable(),
  /** Master nodes whose LocalMachine\Root lacks this worker's certificate. */
  missingOn: z.array(z.string()),
});
export type WorkerFacts = z.infer<typeof workerFactsSchema>;

export const masterFactsSchema = z.object({ thumbprint: z.string().nullable() });
export type MasterFacts = z.infer<typeof masterFactsSchema>;

export function withFacts<F>(check: Check, facts: F): Check & { facts: F } {
  return { ...check, facts };
}

function factsBy<S extends z.ZodType>(schema: S) {
  return (check: Check | undefined): z.infer<S> | null => {
    if (!check || !('facts' in check)) return null;
    const parsed = schema.safeParse(check.facts);
    return parsed.success ? parsed.data : null;
  };
}

export const workerFactsOf = factsBy(workerFactsSchema);
export const masterFactsOf = factsBy(masterFactsSchema);
