// What plan() needs beyond pass/fail, read by probe and carried on each node's installed check
// as `facts` (plain JSON: stored with the checks and read back, so plan stays pure and works from
// stored checks after a restart). Never a secret: thumbprints, an account name, a path, a diff.
import { z } from 'zod';
import type { Check } from '@/lib/engine/types';

export const nodeFactsSchema = z.object({
  host: z.string(),
  installed: z.boolean(),
  account: z.string().nullable(),
  boundThumbprint: z.string().nullable(),
  appId: z.string().nullable(),
  settingsPath: z.string(),
  settingsExists: z.boolean(),
  settingsThumbprint: z.string().nullable(),
  /** The certificate the node should use; null: none fit, a new one must be made (primary). */
  target: z.string().nullable(),
  /** The SSLCertThumbprint edit the plan shows, when one is needed. */
  settingsDiff: z.string().nullable(),
});
export type NodeFacts = z.infer<typeof nodeFactsSchema>;

export type CheckWithFacts = Check & { facts?: NodeFacts };

export function withFacts(check: Check, facts: NodeFacts): CheckWithFacts {
  return { ...check, facts };
}

/** The facts a check carries, when it carries valid ones. */
export function factsOf(check: Check): NodeFacts | null {
  if (!('facts' in check)) return null;
  const parsed = nodeFactsSchema.safeParse(check.facts);
  return parsed.success ? parsed.data : null;
}
