import 'server-only';
import { psScript } from '@/lib/powershell/scripts';
import type { StepContext } from '@/lib/steps/context';
import { masterReadSchema, type MasterRead } from './read-schema';

/** Reads one master node in one round trip (master-probe.ps1). Throws WinrmError when it cannot. */
export async function readMasterNode(ctx: StepContext, host: string, signal?: AbortSignal): Promise<MasterRead> {
  const { value } = await ctx.winrm(host).runPowerShell(psScript('master-probe.ps1'), {
    params: { ServiceName: ctx.services.master, Port: ctx.inventory.masterPort, Folder: ctx.services.folder },
    schema: masterReadSchema,
    idempotent: true,
    ...(signal ? { signal } : {}),
  });
  return value;
}

/** Every reading, or the error that prevented it, without letting one node fail the others. */
export type Reading = { host: string; ok: true; read: MasterRead } | { host: string; ok: false; error: string };

export async function readNodes(ctx: StepContext, hosts: string[]): Promise<Reading[]> {
  return Promise.all(
    hosts.map(async (host): Promise<Reading> => {
      try {
        return { host, ok: true, read: await readMasterNode(ctx, host) };
      } catch (e) {
        return { host, ok: false, error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
}
