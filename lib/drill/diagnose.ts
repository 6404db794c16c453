// Why a worker did not come back: the cause a DBA meets most after moving the master role is the
// worker's client certificate missing from LocalMachine\Root on the new owner node, where the
// master then refuses the worker with HTTP 403 (ssis-scale-out-ha.md §9).
import 'server-only';
import { z } from 'zod';
import { psScript } from '@/lib/powershell/scripts';
import { readWorkerSettings } from '@/lib/settings';
import type { StepContext } from '@/lib/steps/context';

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function workerThumbprint(ctx: StepContext, worker: string, signal?: AbortSignal): Promise<string> {
  const { value } = await ctx.winrm(worker).runPowerShell(psScript('drill-worker-settings.ps1'), {
    params: { Folder: ctx.services.folder },
    schema: z.object({ path: z.string(), settings: z.string().nullable() }),
    idempotent: true,
    ...(signal ? { signal } : {}),
  });
  if (!value.settings) throw new Error(`${worker}: ${value.path} does not exist`);
  const s = readWorkerSettings(Buffer.from(value.settings, 'base64'), { fileLabel: `WorkerSettings.config on ${worker}` });
  const t = s.workerHttpsCertThumbprint?.replace(/[^0-9a-f]/gi, '').toUpperCase();
  if (!t) throw new Error(`${worker}: WorkerSettings.config has no WorkerHttpsCertThumbprint`);
  return t;
}

/** Per worker: whether the node running the master trusts its certificate (null: could not tell), in a sentence. */
export type Trust = { trusted: boolean | null; text: string };

export async function diagnoseWorkers(ctx: StepContext, owner: string | null, workers: string[], signal?: AbortSignal): Promise<Map<string, Trust>> {
  const causes = new Map<string, Trust>();
  if (!workers.length) return causes;
  const thumbs = await Promise.all(
    workers.map(async (w) => {
      try {
        return { w, thumb: await workerThumbprint(ctx, w, signal) };
      } catch (e) {
        causes.set(w, { trusted: null, text: `Its client certificate could not be read: ${msg(e)}` });
        return null;
      }
    }),
  );
  const known = thumbs.filter((x): x is { w: string; thumb: string } => !!x);
  if (!owner) {
    for (const k of known) causes.set(k.w, { trusted: null, text: 'The node that runs the master role could not be read, so its trust of the worker was not checked.' });
    return causes;
  }
  try {
    const { value } = await ctx.winrm(owner).runPowerShell(psScript('drill-root-store.ps1'), {
      params: { Thumbprints: known.map((k) => k.thumb) },
      schema: z.object({ computer: z.string(), present: z.array(z.string()) }),
      idempotent: true,
      ...(signal ? { signal } : {}),
    });
    const present = new Set(value.present.map((t) => t.toUpperCase()));
    for (const k of known) {
      causes.set(
        k.w,
        present.has(k.thumb)
          ? { trusted: true, text: `Its certificate ${k.thumb} is trusted on ${owner}, where the master runs; look at the worker's log (WorkerLog) and its MasterEndpoint.` }
          : {
              trusted: false,
              text: `Its certificate ${k.thumb} is not in LocalMachine\\Root on ${owner}, where the master runs now, so the master refuses it (HTTP 403). Step 9 (workers) imports it on every master node.`,
            },
      );
    }
  } catch (e) {
    for (const k of known) causes.set(k.w, { trusted: null, text: `${owner}'s Root store could not be read: ${msg(e)}` });
  }
  return causes;
}
