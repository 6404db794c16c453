// The reads of step 9, all at once: one workers-probe.ps1 per worker, one master-probe.ps1 per
// master node (the same read as steps 2 and 3), and one query of catalog.worker_agents for all
// workers (through the listener; a master node if the listener does not answer).
import 'server-only';
import { query } from '@/lib/sql';
import { psScript } from '@/lib/powershell/scripts';
import type { StepContext } from '@/lib/steps/context';
import { analyseNode, type NodeState } from '../master-shared/analyse';
import { readNodes } from '../master-shared/node-read';
import { sharedThumbprint } from '../secondary/shared';
import { analyseWorker, type WorkerState } from './analyse';
import { agentRowSchema, catalogHeadSchema, workerReadSchema, type CatalogRead, type WorkerRead } from './read-schema';
import { z } from 'zod';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export type WorkerResult = { host: string; state: WorkerState } | { host: string; error: string };
/** A master node as read, with the public DER of the certificate it binds (for the workers' Root). */
export type MasterResult = { host: string; state: NodeState; boundDer: string | null } | { host: string; error: string };

export async function readWorkerRaw(ctx: StepContext, host: string, signal?: AbortSignal): Promise<WorkerRead> {
  const { value } = await ctx.winrm(host).runPowerShell(psScript('workers-probe.ps1'), {
    params: { ServiceName: ctx.services.worker, Folder: ctx.services.folder },
    schema: workerReadSchema,
    idempotent: true,
    ...(signal ? { signal } : {}),
  });
  return value;
}

export async function readWorker(ctx: StepContext, host: string, signal?: AbortSignal): Promise<WorkerResult> {
  try {
    const read = await readWorkerRaw(ctx, host, signal);
    try {
      return { host, state: analyseWorker(host, read) };
    } catch (e) {
      return { host, error: `what it returned could not be understood: ${message(e)}` };
    }
  } catch (e) {
    return { host, error: message(e) };
  }
}

/**
 * Every master node; with `firstFit`, the primary alone unless it has no certificate to share
 * (apply needs only the shared certificate, not every node's state).
 */
export async function readMasters(ctx: StepContext, firstFit = false): Promise<MasterResult[]> {
  const hosts = ctx.inventory.masters.map((m) => m.hostName);
  if (firstFit && hosts.length > 1) {
    const primary = await readMasterHosts(ctx, hosts.slice(0, 1));
    if (sharedCertificate(primary)) return primary;
  }
  return readMasterHosts(ctx, hosts);
}

async function readMasterHosts(ctx: StepContext, hosts: string[]): Promise<MasterResult[]> {
  const readings = await readNodes(ctx, hosts);
  return readings.map((r): MasterResult => {
    if (!r.ok) return { host: r.host, error: r.error };
    try {
      return { host: r.host, state: analyseNode(r.host, r.read, ctx.inventory.masterDnsName), boundDer: r.read.boundCert?.der ?? null };
    } catch (e) {
      return { host: r.host, error: `what it returned could not be understood: ${message(e)}` };
    }
  });
}

/**
 * The certificate workers must trust: the primary's once steps 2 and 3 hold there (bound from Root
 * with its key, naming the DNS host name, = SSLCertThumbprint); another node's when the primary
 * cannot be read. Its public DER comes along for the workers' Root stores.
 */
export function sharedCertificate(masters: MasterResult[]): { thumbprint: string; der: string; from: string } | null {
  for (const m of masters) {
    if (!('state' in m)) continue;
    const t = sharedThumbprint(m.state);
    if (t && m.boundDer) return { thumbprint: t, der: m.boundDer, from: m.host };
  }
  return null;
}

// Two result sets: the server's clock and who we are (catalog.worker_agents filters its rows to
// ssis_admin, ssis_cluster_executor and sysadmin, reference 4.2), then every worker's row.
export const CATALOG_SQL = `SELECT SYSDATETIMEOFFSET() AS server_time, @@SERVERNAME AS server_name,
       IS_SRVROLEMEMBER(N'sysadmin') AS is_sysadmin, IS_MEMBER(N'ssis_admin') AS is_ssis_admin;
SELECT WorkerAgentId, IsEnabled, MachineName, LastOnlineTime FROM catalog.worker_agents;`;

async function catalogAt(ctx: StepContext, where: string | { listener: true }, signal?: AbortSignal): Promise<CatalogRead> {
  const r = await query(ctx.sql(where, 'SSISDB'), CATALOG_SQL, {}, signal ? { signal } : {});
  const head = catalogHeadSchema.parse(r.recordsets[0]?.[0]);
  const rows = z.array(agentRowSchema).parse(r.recordsets[1] ?? []);
  const via = typeof where === 'object' ? `${ctx.inventory.listenerName} (${head.server_name})` : head.server_name;
  return { ok: true, server: head.server_name, via, serverTime: head.server_time, canSeeAll: head.is_sysadmin === 1 || head.is_ssis_admin === 1, rows };
}

/** catalog.worker_agents through the listener, else through whichever master node answers (the primary). */
export async function readCatalog(ctx: StepContext, signal?: AbortSignal): Promise<CatalogRead> {
  try {
    return await catalogAt(ctx, { listener: true }, signal);
  } catch (viaListener) {
    const tries = ctx.inventory.masters.map((m) => catalogAt(ctx, m.hostName, signal));
    try {
      return await Promise.any(tries);
    } catch {
      return { ok: false, error: `catalog.worker_agents could not be read through ${ctx.inventory.listenerName}: ${message(viaListener)}` };
    }
  }
}

export type Readings = { masters: MasterResult[]; workers: WorkerResult[]; catalog: CatalogRead };

/** Everything step 9 reads, every host in parallel, in one round trip each. */
export async function readAll(ctx: StepContext): Promise<Readings> {
  const [masters, workers, catalog] = await Promise.all([
    readMasters(ctx),
    Promise.all(ctx.inventory.workers.map((w) => readWorker(ctx, w.hostName))),
    readCatalog(ctx),
  ]);
  return { masters, workers, catalog };
}
