// What cluster-role-probe.ps1 returns for one master node, checked by zod, and every node read in
// parallel (one round trip each; a node that cannot be read does not fail the others).
import 'server-only';
import { z } from 'zod';
import { psScript } from '@/lib/powershell/scripts';
import type { StepContext } from '@/lib/steps/context';

// ConvertTo-Json on 5.1 may write an empty list as null: read it as [].
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullable()
    .transform((v) => v ?? []);

export const resourceSchema = z.object({
  name: z.string(),
  type: z.string(),
  state: z.string(),
  possibleOwners: list(z.string()),
  parameters: z.record(z.string(), z.string()).nullable().transform((v) => v ?? {}),
});
export type RoleResource = z.infer<typeof resourceSchema>;

export const roleSchema = z.object({
  group: z.string(),
  /** How the group was found: by the master DNS host name, or by the service it runs. */
  match: z.enum(['name', 'service']),
  ownerNode: z.string(),
  state: z.string(),
  resources: list(resourceSchema),
});
export type RoleRead = z.infer<typeof roleSchema>;

export const roleReadSchema = z.object({
  computerName: z.string(),
  service: z.object({ state: z.string(), startMode: z.string() }).nullable(),
  cluster: z.object({ name: z.string(), nodes: list(z.object({ name: z.string(), state: z.string() })), role: roleSchema.nullable() }).nullable(),
  clusterError: z.string().nullable(),
  dns: z.object({ addresses: list(z.string()), error: z.string().nullable() }),
});
export type NodeRoleRead = z.infer<typeof roleReadSchema>;

export type RoleReading = { host: string; ok: true; read: NodeRoleRead } | { host: string; ok: false; error: string };

export async function readRoleNode(ctx: StepContext, host: string, signal?: AbortSignal): Promise<NodeRoleRead> {
  const { value } = await ctx.winrm(host).runPowerShell(psScript('cluster-role-probe.ps1'), {
    params: { ServiceName: ctx.services.master, RoleName: ctx.inventory.masterDnsName },
    schema: roleReadSchema,
    idempotent: true,
    ...(signal ? { signal } : {}),
  });
  return value;
}

export function readRoleNodes(ctx: StepContext, hosts: string[]): Promise<RoleReading[]> {
  return Promise.all(
    hosts.map(async (host): Promise<RoleReading> => {
      try {
        return { host, ok: true, read: await readRoleNode(ctx, host) };
      } catch (e) {
        return { host, ok: false, error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
}
