// The one JSON object master-probe.ps1 returns, as zod checks it. Pure (no target access), so
// the plan tests can build readings from it too.
import { z } from 'zod';

// ConvertTo-Json writes an empty array as [] but a one-element array from 5.1 may arrive bare;
// the probe wraps every list in @(), and this accepts null for "none" as 5.1 writes it.
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullable()
    .transform((v) => v ?? []);

export const certEntrySchema = z.object({
  thumbprint: z.string(),
  store: z.string(),
  der: z.string(),
  hasPrivateKey: z.boolean(),
  friendlyName: z.string(),
  notBefore: z.string(),
});
export type CertEntry = z.infer<typeof certEntrySchema>;

export const masterReadSchema = z.object({
  computerName: z.string(),
  service: z
    .object({ name: z.string(), state: z.string(), startMode: z.string(), startName: z.string() })
    .nullable(),
  /** The running service's process and when it started (UTC, ISO 8601, the node's clock); null when not running or unreadable. */
  serviceProcessId: z.number().nullish(),
  serviceStartTime: z.string().nullish(),
  settingsPath: z.string(),
  settingsBase64: z.string().nullable(),
  /** MasterSettings.config's LastWriteTime (UTC, ISO 8601, the node's clock); null when there is no file. */
  settingsLastWrite: z.string().nullish(),
  netsh: list(z.string()),
  netshExitCode: z.number(),
  rootThumbprints: list(z.string()),
  rootCerts: list(certEntrySchema),
  boundCert: certEntrySchema.nullable(),
});
export type MasterRead = z.infer<typeof masterReadSchema>;
