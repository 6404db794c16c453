// What apply runs. Every job reads its hosts again first (each worker once, see readOncePerJob)
// and does only what is still missing, so applying a plan twice changes nothing the second time.
// Work over many workers runs WORKER_CONCURRENCY at a time, with one log row per worker; one
// worker's failure does not stop the others, and the operation fails at the end naming every
// worker that failed.
import 'server-only';
import { z } from 'zod';
import type { ApplyContext } from '@/lib/engine/types';
import { psScript } from '@/lib/powershell/scripts';
import { exec } from '@/lib/sql';
import type { StepContext } from '@/lib/steps/context';
import { analyseWorker, masterAddress, onlineToleranceSeconds, rowOf, settingsEdit, sha256, type WorkerState } from './analyse';
import { mapLimit, WORKER_CONCURRENCY } from './limit';
import { readCatalog, readMasters, readWorkerRaw, sharedCertificate } from './read';
import type { AgentRow, CatalogRead } from './read-schema';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** What does not change while a job runs (AgentId, heartbeat interval), from any read of the worker in it. */
type Identity = Pick<WorkerState, 'host' | 'settings'>;
const identities = new WeakMap<StepContext, Map<string, Identity>>();

async function workerState(ctx: StepContext, host: string, signal: AbortSignal): Promise<WorkerState> {
  const w = analyseWorker(host, await readWorkerRaw(ctx, host, signal));
  let byHost = identities.get(ctx);
  if (!byHost) identities.set(ctx, (byHost = new Map()));
  if (w.settings.bytes && !w.settings.error) byHost.set(host.toUpperCase(), w);
  return w;
}

async function identity(ctx: StepContext, host: string, signal: AbortSignal): Promise<Identity> {
  return identities.get(ctx)?.get(host.toUpperCase()) ?? workerState(ctx, host, signal);
}

/** Fails naming every worker that failed, after the others were done. */
function settle<T>(hosts: string[], results: PromiseSettledResult<T>[], what: string): T[] {
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${hosts[i]}: ${message(r.reason)}`] : []));
  if (failed.length) throw new Error(`${failed.length} of ${hosts.length} worker(s) could not ${what}: ${failed.join('; ')}`);
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/**
 * Each worker read once per job, by the first operation that needs it (trusting its certificate
 * on the master nodes, else attaching it): keyed by the job's AbortSignal, which the engine gives
 * every operation of one job. A later operation acting on that read cannot write over a change
 * made since: workers-attach.ps1 refuses a WorkerSettings.config whose SHA-256 is not the one read.
 */
const jobReads = new WeakMap<AbortSignal, Map<string, Promise<WorkerState>>>();

function readOncePerJob(ctx: StepContext, host: string, signal: AbortSignal): Promise<WorkerState> {
  let byHost = jobReads.get(signal);
  if (!byHost) jobReads.set(signal, (byHost = new Map()));
  const key = host.toUpperCase();
  let p = byHost.get(key);
  if (!p) {
    p = workerState(ctx, host, signal);
    p.catch(() => byHost.delete(key));
    byHost.set(key, p);
  }
  return p;
}

/** Each worker's public certificate: it passes from the worker to the master nodes in the server's memory only. */
async function ownCertOnce(ctx: StepContext, host: string, signal: AbortSignal): Promise<{ thumbprint: string; der: string }> {
  const w = await readOncePerJob(ctx, host, signal);
  if (!w.ownCert?.hasPrivateKey) throw new Error(`WorkerHttpsCertThumbprint ${w.settings.workerThumbprint ?? '(empty)'} names no certificate with a private key in LocalMachine\\My`);
  return { thumbprint: w.ownCert.thumbprint, der: w.ownCert.der };
}

const trustResult = z.object({ imported: z.array(z.string()).nullable(), present: z.array(z.string()).nullable() });

export async function trustWorkers(ctx: StepContext, master: string, hosts: string[], run: ApplyContext): Promise<string> {
  const read = await mapLimit(hosts, WORKER_CONCURRENCY, (h) => ownCertOnce(ctx, h, run.signal));
  const ok = hosts.flatMap((h, i) => (read[i]!.status === 'fulfilled' ? [{ host: h, ...(read[i] as PromiseFulfilledResult<{ thumbprint: string; der: string }>).value }] : []));
  let imported = new Set<string>();
  if (ok.length) {
    const r = await ctx
      .winrm(master)
      .runPowerShell(psScript('workers-trust.ps1'), {
        params: { Certificates: ok.map((c) => ({ thumbprint: c.thumbprint, der: c.der, from: c.host })) },
        schema: trustResult,
        signal: run.signal,
      });
    imported = new Set(r.value.imported ?? []);
    for (const c of ok) run.log(c.host, `${c.thumbprint} ${imported.has(c.thumbprint) ? 'imported into' : 'already in'} LocalMachine\\Root on ${master}`);
  }
  settle(hosts, read, `be read for their certificate`);
  return `${master}: ${imported.size} worker certificate(s) imported into LocalMachine\\Root, ${ok.length - imported.size} already there`;
}

/** When each worker was restarted by this job (wizard clock): the enable operation waits for a heartbeat after it. */
const restartedAt = new WeakMap<StepContext, Map<string, number>>();

const attachResult = z.object({ imported: z.boolean(), backup: z.string().nullable(), sha256: z.string().nullable(), restarted: z.boolean(), status: z.string() });

export async function attachWorkers(ctx: StepContext, hosts: string[], run: ApplyContext): Promise<string> {
  const shared = sharedCertificate(await readMasters(ctx, true));
  if (!shared) throw new Error('The master nodes do not bind one certificate fit to share any more: complete steps 2 and 3, then probe again.');
  let restarts = restartedAt.get(ctx);
  if (!restarts) restartedAt.set(ctx, (restarts = new Map()));
  const results = await mapLimit(hosts, WORKER_CONCURRENCY, async (host) => {
    const w = await readOncePerJob(ctx, host, run.signal);
    if (!w.service) throw new Error(`${ctx.services.worker} is not installed`);
    const importCert = !w.root.has(shared.thumbprint);
    const edit = settingsEdit(w, ctx.inventory, shared.thumbprint);
    const restart = importCert || edit !== null || w.service.state !== 'Running';
    if (!restart) {
      run.log(host, `already attached: trusts ${shared.thumbprint}, points at ${masterAddress(ctx.inventory)}, ${ctx.services.worker} running`);
      return 'already';
    }
    if (edit) run.log(host, edit.diff);
    const { value: r } = await ctx.winrm(host).runPowerShell(psScript('workers-attach.ps1'), {
      params: {
        ServiceName: ctx.services.worker,
        MasterThumbprint: shared.thumbprint,
        MasterCertBase64: importCert ? shared.der : '',
        SettingsPath: edit ? w.settings.path : '',
        ExpectedSha256: edit ? sha256(w.settings.bytes!) : '',
        ContentBase64: edit ? edit.bytes.toString('base64') : '',
        Restart: true,
      },
      schema: attachResult,
      signal: run.signal,
    });
    if (edit && r.sha256 !== sha256(edit.bytes)) throw new Error(`${w.settings.path} does not hold the bytes written (backup at ${r.backup ?? 'none'})`);
    restarts.set(host.toUpperCase(), Date.now());
    run.log(
      host,
      [
        r.imported ? `master certificate ${shared.thumbprint} imported into LocalMachine\\Root (from ${shared.from})` : '',
        edit ? `WorkerSettings.config written (backup ${r.backup})` : '',
        `${ctx.services.worker} ${r.restarted ? 'restarted' : 'left'} (${r.status})`,
      ]
        .filter(Boolean)
        .join('; '),
    );
    return 'attached';
  });
  const done = settle(hosts, results, 'be attached');
  const changed = done.filter((d) => d === 'attached').length;
  return `${changed} worker(s) attached or restarted, ${done.length - changed} already attached`;
}

/** Time between reads of catalog.worker_agents while waiting for heartbeats. */
export const POLL_MS = 2000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('Cancelled'));
    const t = setTimeout(() => (signal.removeEventListener('abort', onAbort), resolve()), ms);
    const onAbort = () => (clearTimeout(t), reject(signal.reason instanceof Error ? signal.reason : new Error('Cancelled')));
    signal.addEventListener('abort', onAbort, { once: true });
  });

async function enableOne(ctx: StepContext, catalog: Extract<CatalogRead, { ok: true }>, row: AgentRow, signal: AbortSignal): Promise<void> {
  const params = { WorkerAgentId: { type: 'uniqueidentifier' as const, value: row.WorkerAgentId } };
  try {
    await exec(ctx.sql({ listener: true }, 'SSISDB'), 'catalog.enable_worker_agent', params, { signal });
  } catch (e) {
    // The listener may be what is down: the server that answered the read is the primary.
    const node = ctx.inventory.masters.find((m) => m.hostName.toUpperCase() === catalog.server.toUpperCase());
    if (!node) throw e;
    await exec(ctx.sql(node.hostName, 'SSISDB'), 'catalog.enable_worker_agent', params, { signal });
  }
}

/**
 * Waits until each worker has a heartbeat newer than its restart (or than the first read: the
 * LastOnlineTime advancing), then enables the disabled ones. A worker already online that only
 * needs enabling is enabled at once.
 */
export async function enableWorkers(ctx: StepContext, hosts: string[], run: ApplyContext): Promise<string> {
  const states = settle(hosts, await mapLimit(hosts, WORKER_CONCURRENCY, (h) => identity(ctx, h, run.signal)), 'be read');
  const first = await readCatalog(ctx, run.signal);
  if (!first.ok) throw new Error(first.error);
  // The server's clock minus the wizard's: restart times are the wizard's.
  const skew = first.serverTime.getTime() - Date.now();
  const restarts = restartedAt.get(ctx);
  const since = new Map<string, number>();
  const pending = new Set<string>();
  for (const w of states) {
    const row = rowOf(first.rows, w.host, w.settings.agentId);
    const restarted = restarts?.get(w.host.toUpperCase());
    const age = row?.LastOnlineTime ? (first.serverTime.getTime() - row.LastOnlineTime.getTime()) / 1000 : Infinity;
    if (restarted !== undefined) since.set(w.host, restarted + skew);
    else if (!row || age > onlineToleranceSeconds(w.settings.heartbeatSeconds)) since.set(w.host, row?.LastOnlineTime?.getTime() ?? -Infinity);
    else continue;
    pending.add(w.host);
    run.log(w.host, `waiting for a heartbeat in catalog.worker_agents (AgentId ${w.settings.agentId ?? 'unknown'})`);
  }
  const waitS = Math.min(600, Math.max(...states.map((w) => onlineToleranceSeconds(w.settings.heartbeatSeconds))));
  const deadline = Date.now() + waitS * 1000;
  const enabled: string[] = [];
  const handled = new Set<string>();
  let catalog: CatalogRead = first;
  for (;;) {
    if (!catalog.ok) throw new Error(catalog.error);
    for (const w of states) {
      if (handled.has(w.host)) continue;
      const row = rowOf(catalog.rows, w.host, w.settings.agentId);
      if (pending.has(w.host)) {
        if (!row?.LastOnlineTime || row.LastOnlineTime.getTime() <= since.get(w.host)!) continue;
        pending.delete(w.host);
        run.log(w.host, `heartbeat at ${row.LastOnlineTime.toISOString()} (WorkerAgentId ${row.WorkerAgentId.toUpperCase()})`);
      }
      if (!row) continue;
      handled.add(w.host);
      if (row.IsEnabled) {
        run.log(w.host, 'already enabled');
        continue;
      }
      await enableOne(ctx, catalog, row, run.signal);
      enabled.push(w.host);
      run.log(w.host, `enabled (catalog.enable_worker_agent @WorkerAgentId = '${row.WorkerAgentId.toUpperCase()}')`);
    }
    if (pending.size === 0 || Date.now() >= deadline) break;
    await sleep(POLL_MS, run.signal);
    catalog = await readCatalog(ctx, run.signal);
  }
  if (pending.size) {
    throw new Error(
      `No heartbeat within ${waitS} s from ${[...pending].join(', ')}: probe again; the worker's checks show whether its certificate, settings or the master side is at fault; a worker whose WorkerSettings.config was edited by hand reads it only after a restart of its service.${enabled.length ? ` Enabled meanwhile: ${enabled.join(', ')}.` : ''}`,
    );
  }
  return `${states.length} worker(s) online; enabled now: ${enabled.join(', ') || 'none (already enabled)'}`;
}
