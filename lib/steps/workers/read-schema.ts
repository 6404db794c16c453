// The one JSON object workers-probe.ps1 returns, and the catalog rows, as zod checks them. Pure
// (no target access), so the tests can build readings from it too.
import { z } from 'zod';

// ConvertTo-Json may write an empty list as null on 5.1; every list comes back as an array.
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullable()
    .transform((v) => v ?? []);

export const workerReadSchema = z.object({
  computerName: z.string(),
  service: z.object({ name: z.string(), state: z.string(), startMode: z.string(), startName: z.string() }).nullable(),
  settingsPath: z.string(),
  settingsBase64: z.string().nullable(),
  myCerts: list(z.object({ thumbprint: z.string(), der: z.string(), hasPrivateKey: z.boolean() })),
  rootThumbprints: list(z.string()),
});
export type WorkerRead = z.infer<typeof workerReadSchema>;

/** One row of SSISDB.catalog.worker_agents (reference section 4.2). */
export const agentRowSchema = z.object({
  WorkerAgentId: z.string(),
  IsEnabled: z.union([z.boolean(), z.number()]).transform((v) => v === true || v === 1),
  MachineName: z.string().nullable(),
  LastOnlineTime: z.date().nullable(),
});
export type AgentRow = z.infer<typeof agentRowSchema>;

export const catalogHeadSchema = z.object({
  server_time: z.date(),
  server_name: z.string(),
  is_sysadmin: z.number().nullable(),
  is_ssis_admin: z.number().nullable(),
});

/** What the catalog said, once, for every worker. */
export type CatalogRead =
  | { ok: true; server: string; via: string; serverTime: Date; canSeeAll: boolean; rows: AgentRow[] }
  | { ok: false; error: string };
