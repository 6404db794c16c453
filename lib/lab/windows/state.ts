// The Windows side of a lab run: the store plus the operations the control API and tests drive
// from outside (reset, failover, host power), and the timers a reboot needs.

import type Database from 'better-sqlite3';

import { moveGroup as moveClusterGroup } from './cluster';
import { WinError } from './errors';
import { setHostUp } from './power';
import { loadScenario, type ScenarioOptions, type WindowsScenarioName } from './scenarios';
import { WindowsStore } from './store';
import type { ClusterGroupInfo, WindowsSnapshot } from './types';
import { LAB_DNS_DOMAIN } from './types';

export class WindowsState {
  readonly store: WindowsStore;
  readonly #timers = new Set<NodeJS.Timeout>();
  /** How long a restarted host stays down. */
  rebootMs: number;

  constructor(db: Database.Database, stateDir: string, options: { rebootMs?: number } = {}) {
    this.store = new WindowsStore(db, stateDir);
    this.rebootMs = options.rebootMs ?? 3000;
  }

  snapshot(): WindowsSnapshot {
    return this.store.snapshot();
  }

  async reset(scenario: WindowsScenarioName, options?: ScenarioOptions): Promise<void> {
    this.#clearTimers();
    await loadScenario(this.store, scenario, options);
  }

  /** Failover of a role, as Move-ClusterGroup does it; with no node, the next one that is up. */
  moveGroup(group: string, node?: string): ClusterGroupInfo {
    const cluster = this.store.clusters().find((c) => this.store.clusterGroup(c.name, group));
    if (!cluster) throw new WinError(`The cluster group '${group}' could not be found.`, { id: 'LabUnknownGroup', category: 'ObjectNotFound' });
    return moveClusterGroup(this.store, cluster.name, group, node);
  }

  setHostUp(host: string, up: boolean): void {
    setHostUp(this.store, host, up);
  }

  /** A reboot: down now, up after `rebootMs` (pending installs finish, Automatic services start). */
  restartHost(host: string, downForMs = this.rebootMs): void {
    const h = this.store.requireHost(host);
    setHostUp(this.store, h.name, false);
    const t = setTimeout(() => {
      this.#timers.delete(t);
      setHostUp(this.store, h.name, true);
    }, downForMs);
    this.#timers.add(t);
  }

  /** An A record in the lab DNS, e.g. the AG listener the SQL side creates. */
  registerDns(name: string, ip: string): void {
    this.store.registerDns(name, ip, LAB_DNS_DOMAIN);
  }

  close(): void {
    this.#clearTimers();
  }

  #clearTimers(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
