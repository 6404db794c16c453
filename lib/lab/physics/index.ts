// The lab's physics across both sides: the master endpoint (a real TLS listener at the client
// access point), the workers' heartbeats over it into SSISDB, and the execution-logging check.
//
//   const physics = await startPhysics({ sql: () => ref.engine, windows, masterDnsName: 'SSISMASTER' });
//   physics.masterEndpoint();   // { host: '127.0.0.1', port } while a master serves, else null
//   await physics.tick();       // reconcile the listener, one heartbeat per worker
//   physics.state();            // for the control API's /state
//   await physics.close();

import type { LabSqlEngine } from '@/lib/lab/sql/engine';
import { WORKER_SERVICE, type WindowsState } from '@/lib/lab/windows';

import { startMasterEndpoint } from './endpoint';
import { writeHeartbeat, writeMasterOnline, type HeartbeatResult } from './heartbeat';
import { checkLogging } from './logging';
import { viewMaster, type MasterView } from './master';
import type { LoggingCheck, MasterEndpointState, WorkerOutcome } from './types';
import { workerHeartbeat } from './worker';

export type { LoggingCheck, MasterEndpointState, WorkerOutcome, WorkerOutcomeCode } from './types';

export interface PhysicsOptions {
  /** The current SQL state (a getter: a reset replaces the engine). */
  sql: () => LabSqlEngine;
  windows: WindowsState;
  /** The client access point's name when the role's network name cannot be read. */
  masterDnsName: string;
  /** Loopback port of the master endpoint; 0 (default) picks a free one, kept until close. */
  port?: number;
  /** Heartbeat period; 0 or absent = no timer (drive it with tick()). */
  tickMs?: number;
  /**
   * The master logs in to SQL Server with its service account (a domain account needs a login
   * on every replica). Default true.
   */
  checkMasterLogin?: boolean;
}

export interface Physics {
  /** The loopback port the master endpoint uses whenever a master serves (fixed until close). */
  readonly port: number;
  masterEndpoint(): { host: string; port: number } | null;
  /** Reconciles the listener with the state, then runs one heartbeat for every worker. */
  tick(): Promise<void>;
  state(): { master: MasterEndpointState; masterHeartbeat: HeartbeatResult | null; workers: WorkerOutcome[]; logging: LoggingCheck };
  workers(): WorkerOutcome[];
  loggingWorks(): LoggingCheck;
  close(): Promise<void>;
}

function heartbeatBody(body: unknown): { agentId: string; machineName: string; displayName: string; userAccount: string } | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(str('agentId')) || !str('machineName')) return null;
  return { agentId: str('agentId'), machineName: str('machineName'), displayName: str('displayName') || str('machineName'), userAccount: str('userAccount') };
}

export async function startPhysics(opts: PhysicsOptions): Promise<Physics> {
  const { windows, masterDnsName } = opts;
  const view = (): MasterView => viewMaster(windows, masterDnsName);
  const outcomes = new Map<string, WorkerOutcome>();
  /** The master's own heartbeat on the last tick (null while no master serves). */
  let masterBeat: HeartbeatResult | null = null;
  const identity = (v: Extract<MasterView, { serving: true }>) => ({
    ownerNode: v.role.ownerNode,
    sqlServerName: v.settings?.sqlServerName,
    serviceAccount: v.serviceAccount,
    checkLogin: opts.checkMasterLogin ?? true,
  });

  const endpoint = await startMasterEndpoint(
    {
      view,
      trusts: (node, thumb) => windows.store.certificate(node, 'Root', thumb) !== undefined,
      heartbeat: (v, body) => {
        const worker = heartbeatBody(body);
        if (!worker) return { status: 400, body: { error: 'Bad Request' } };
        const r = writeHeartbeat(opts.sql(), identity(v), worker);
        return r.ok ? { status: 200, body: { ok: true, instance: r.instance } } : { status: 500, body: { error: r.message } };
      },
    },
    opts.port ?? 0,
  );

  let running: Promise<void> | null = null;
  const tick = (): Promise<void> => {
    // Overlapping ticks share one run: heartbeats of one worker never race each other.
    running ??= (async () => {
      try {
        await endpoint.reconcile();
        const v = view();
        // The master service writes its own heartbeat into SSISDB while it runs.
        masterBeat = v.serving ? writeMasterOnline(opts.sql(), identity(v)) : null;
        const target = { view: v, port: endpoint.listening ? endpoint.port : null };
        const hosts = windows.store.hosts().filter((h) => windows.store.service(h.name, WORKER_SERVICE));
        const results = await Promise.all(hosts.map((h) => workerHeartbeat(windows, h.name, target)));
        for (const r of results) outcomes.set(r.host, r);
        for (const known of [...outcomes.keys()]) if (!hosts.some((h) => h.name === known)) outcomes.delete(known);
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const timer = opts.tickMs ? setInterval(() => void tick().catch(() => undefined), opts.tickMs) : null;
  timer?.unref();

  const masterState = (): MasterEndpointState => {
    const v = view();
    if (!v.serving) return { serving: false, reason: v.reason, ownerNode: v.role?.ownerNode ?? null, dnsName: v.role?.dnsName ?? null };
    return { serving: true, dnsName: v.role.dnsName, ownerNode: v.role.ownerNode, virtualPort: v.port, thumbprint: v.thumbprint, host: '127.0.0.1', port: endpoint.port };
  };
  const workers = () => [...outcomes.values()].sort((a, b) => a.host.localeCompare(b.host));
  const loggingWorks = () => checkLogging(opts.sql());

  return {
    get port() {
      return endpoint.port;
    },
    masterEndpoint: () => {
      // Between ticks the socket may lag the state: start catching up now.
      void endpoint.reconcile().catch(() => undefined);
      return view().serving ? { host: '127.0.0.1', port: endpoint.port } : null;
    },
    tick,
    state: () => ({ master: masterState(), masterHeartbeat: masterBeat, workers: workers(), logging: loggingWorks() }),
    workers,
    loggingWorks,
    async close() {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
      await endpoint.close();
    },
  };
}
