import path from 'node:path';
import Database from 'better-sqlite3';
import { startPhysics, type Physics } from './physics';
import type { LabSqlEngine } from './sql';
import { LAB_LISTENER } from './sql';
import { createWindowsApi, LAB_TOPOLOGY, windowsPrelude, windowsSessionEnv, WindowsState, type WindowsApi, type WindowsScenarioName } from './windows';
import { ensureWorkers, labWorkers } from './windows/scenarios';
import { startServiceCmdlet, stopServiceRaw } from './windows/services';
import { linkSqlToWindows } from './windows-sql-link';
import { createPwshExecutor, type PwshExecutor } from './winrm';
import { WarmPool } from './winrm/warm-pool';

/**
 * The Windows half of the lab: the simulated hosts' state (its own SQLite file in the state
 * folder), the internal API their PowerShell module calls, one executor per host that loads that
 * module before every script, and the physics that join both halves (master endpoint, workers).
 */
export type WindowsSide = {
  state: WindowsState;
  api: WindowsApi;
  executor(host: string): PwshExecutor;
  physics: Physics;
  /**
   * Stops or starts a host's SQL Server service (MSSQLSERVER), which stops or starts its instance
   * (windows-sql-link.ts); resolves once the instance's endpoint is closed or listening.
   */
  setSqlService(host: string, running: boolean): Promise<void>;
  reset(scenario: WindowsScenarioName): Promise<void>;
  close(): Promise<void>;
};

export const LAB_MASTER_IP = LAB_TOPOLOGY.masterIp;

export async function startWindowsSide(opts: {
  stateDir: string;
  scenario: WindowsScenarioName;
  reset?: boolean;
  /** Every host with a WinRM endpoint: the masters and the workers. */
  hosts: string[];
  /** The topology's worker hosts (WORKER1..n): each installed like WORKER1 (see labWorkers). */
  workers?: string[];
  pwshPath: string;
  sql: () => LabSqlEngine;
  /** Opens or closes a SQL instance's TDS endpoint when its MSSQLSERVER service starts or stops. */
  sqlEndpoint: (host: string, running: boolean) => Promise<void>;
  masterDnsName: string;
  masterPort?: number;
  /**
   * Domain accounts besides the scenario's: the wizard's own WinRM account, which Task Scheduler
   * must know to run a task as it (Register-ScheduledTask checks the password). Kept over resets.
   */
  accounts?: { domain: string; name: string; password: string }[];
}): Promise<WindowsSide> {
  const db = new Database(path.join(opts.stateDir, 'windows.db'));
  db.pragma('journal_mode = WAL');
  const state = new WindowsState(db, opts.stateDir);
  linkSqlToWindows(state.store, { sql: opts.sql, endpoint: opts.sqlEndpoint });
  const scenarioOptions = {
    listener: { name: LAB_LISTENER.dnsName, port: LAB_LISTENER.port, ip: LAB_LISTENER.ip },
    ...(opts.workers ? { workers: labWorkers(opts.workers) } : {}),
  };
  const addAccounts = () => {
    for (const a of opts.accounts ?? []) state.store.addAccount(a.domain, a.name, a.password);
  };
  const fresh = state.store.hosts().length === 0;
  if (fresh || opts.reset) await state.reset(opts.scenario, scenarioOptions);
  // A kept state from a run with fewer workers: the new ones join as installed, not attached.
  else if (scenarioOptions.workers) await ensureWorkers(state.store, scenarioOptions.workers);
  addAccounts();
  const api = await createWindowsApi(state, {});
  const executors = new Map<string, PwshExecutor>();
  // One pool of warm PowerShell hosts for every simulated host: a command costs ~50 ms of CPU
  // there instead of ~1.7 s for a pwsh of its own (LAB_PWSH_WARM=0: a pwsh per command).
  const pool = process.env.LAB_PWSH_WARM === '0' ? undefined : new WarmPool({ pwshPath: opts.pwshPath });
  // Started with the lab, so its first probes do not wait for pwsh to start (LAB_PWSH_PREWARM hosts, default 2).
  pool?.prewarm(Number(process.env.LAB_PWSH_PREWARM ?? 2));
  for (const host of opts.hosts) {
    executors.set(
      host,
      createPwshExecutor({
        pwshPath: opts.pwshPath,
        warm: pool ?? false,
        preludeScript: windowsPrelude(host),
        // The lab's WinRM accepts Basic and NTLM only: neither delegates credentials (no CredSSP).
        env: windowsSessionEnv(api, host, { remote: true, auth: 'ntlm', user: 'LAB\\wizard' }),
      }),
    );
  }
  const physics = await startPhysics({ sql: opts.sql, windows: state, masterDnsName: opts.masterDnsName, port: opts.masterPort ?? 0, tickMs: 5000 });
  return {
    state,
    api,
    executor: (host) => {
      const e = executors.get(host);
      if (!e) throw new Error(`No simulated Windows host ${host}`);
      return e;
    },
    physics,
    async setSqlService(host, running) {
      if (running) startServiceCmdlet(state.store, host, 'MSSQLSERVER');
      else stopServiceRaw(state.store, host, 'MSSQLSERVER');
      await state.store.settled();
    },
    async reset(scenario) {
      await state.reset(scenario, scenarioOptions);
      addAccounts();
    },
    async close() {
      await physics.close();
      await Promise.allSettled([...executors.values()].map((e) => e.close?.()));
      await pool?.close();
      await api.close();
      state.close();
      db.close();
    },
  };
}
