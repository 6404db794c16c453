// What config-probe.ps1 returns for one master node, checked by zod, and the reading of every node
// in parallel (one round trip each; one node's failure does not fail the others).
import 'server-only';
import { z } from 'zod';
import { psScript } from '@/lib/powershell/scripts';
import type { StepContext } from '@/lib/steps/context';

export const configReadSchema = z.object({
  computerName: z.string(),
  service: z.object({ state: z.string(), startMode: z.string() }).nullable(),
  settingsPath: z.string(),
  settingsBase64: z.string().nullable(),
  role: z.object({ group: z.string(), resource: z.string(), ownerNode: z.string(), state: z.string() }).nullable(),
  clusterError: z.string().nullable(),
});
export type ConfigRead = z.infer<typeof configReadSchema>;

export type ConfigReading = { host: string; ok: true; read: ConfigRead } | { host: string; ok: false; error: string };

export async function readConfigNode(ctx: StepContext, host: string, signal?: AbortSignal): Promise<ConfigRead> {
  const { value } = await ctx.winrm(host).runPowerShell(psScript('config-probe.ps1'), {
    params: { ServiceName: ctx.services.master, Folder: ctx.services.folder },
    schema: configReadSchema,
    idempotent: true,
    ...(signal ? { signal } : {}),
  });
  return value;
}

export function readConfigNodes(ctx: StepContext, hosts: string[]): Promise<ConfigReading[]> {
  return Promise.all(
    hosts.map(async (host): Promise<ConfigReading> => {
      try {
        return { host, ok: true, read: await readConfigNode(ctx, host) };
      } catch (e) {
        return { host, ok: false, error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
}
