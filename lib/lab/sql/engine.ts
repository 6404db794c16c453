/**
 * The lab's SQL Server cluster: one SQLite file holding every instance's state, T-SQL
 * batches and RPCs executed against it from the point of view of the instance a
 * connection is on, and the control operations (failover, stop/start) the lab's control
 * API and the Windows side use.
 */

import Database from 'better-sqlite3';
import type { BatchResult, RpcCall, RpcResult, SqlType, SqlValue } from '@/lib/lab/tds/types';
import { authenticateSql, authenticateWindows, type AuthOutcome } from './auth';
import { E, SqlError } from './errors';
import { callProcedure } from './exec/call';
import { ExecContext } from './exec/context';
import { emitError, mapSqliteError, runBatchText } from './exec/run';
import { fromSqlValue, toSqlValue } from './exec/values';
import { registerFunctions, type CtxHolder } from './functions';
import { Parser } from './parse/core';
import type { CallArg } from './procedures/types';
import type { LabSession, SessionOptions } from './session';
import { decryptWithKey, newGuid } from './state/crypto';
import { failover } from './state/failover';
import { setPrimary } from './state/ops';
import { createSchema } from './state/schema';
import { buildSnapshot, type LabSqlSnapshot } from './state/snapshot';
import { Store, nowIso } from './state/store';
import { createViews } from './state/views';
import { tokenize } from './tokenizer';
import type { WindowsNames } from './windows-names';

export interface LabSqlEngineOptions {
  /**
   * The accounts each instance's host resolves (Windows logins, SUSER_SID, SUSER_SNAME): the lab
   * passes the Windows side's (windows-sql-link.ts). Default: the well-known accounts and the SQL
   * services' virtual accounts the SQL side models on each host, no domain account.
   */
  windowsNames?: WindowsNames;
}

/** An availability group's primary changed (a failover, planned, forced or automatic). */
export interface RoleChange {
  ag: string;
  /** The databases of the group. */
  databases: string[];
  from: string | null;
  to: string | null;
}

export class LabSqlEngine {
  readonly st: Store;
  private readonly holder: CtxHolder = { ctx: undefined };
  private readonly roleListeners: ((e: RoleChange) => void)[] = [];

  constructor(readonly db: Database.Database, opts: LabSqlEngineOptions = {}) {
    createSchema(db);
    createViews(db);
    registerFunctions(db, this.holder);
    this.st = new Store(db);
    if (opts.windowsNames) this.st.windowsNames = opts.windowsNames;
  }

  /** Replaces how the hosts resolve Windows names (for a Windows side that starts after the engine). */
  useWindowsNames(names: WindowsNames): void {
    this.st.windowsNames = names;
  }

  close(): void {
    this.db.close();
  }

  /**
   * Calls `fn` after each change of an availability group's primary, whatever made it (T-SQL,
   * the control API, an instance that stopped), once the statement that made it is done.
   */
  onRoleChange(fn: (e: RoleChange) => void): void {
    // Changes made before anyone listened (building the scenario) are nobody's to hear.
    if (this.roleListeners.length === 0) this.st.roleChanges.length = 0;
    this.roleListeners.push(fn);
  }

  private afterStatement<T>(result: T): T {
    for (const c of this.st.roleChanges.splice(0)) {
      const ag = this.st.agById(c.groupId);
      // A change rolled back with its transaction did not happen.
      if (!ag || this.roleListeners.length === 0 || ag.primary_instance?.toLowerCase() !== c.to?.toLowerCase()) continue;
      const e: RoleChange = { ag: ag.name, databases: this.st.agDatabases(c.groupId), from: c.from, to: c.to };
      for (const fn of this.roleListeners) fn(e);
    }
    return result;
  }

  // ---------- connections ----------

  /** SQL authentication at login (LOGIN7 without SSPI). */
  authenticate(instance: string, user: string, password: string, database: string, opts: SessionOptions = {}): AuthOutcome {
    return authenticateSql(this.st, instance, user, password, database, opts);
  }

  /** Windows authentication for the lab's domain accounts (the Windows side vouches for the account). */
  authenticateWindows(instance: string, account: string, database: string, opts: SessionOptions = {}): AuthOutcome {
    return authenticateWindows(this.st, instance, account, database, opts);
  }

  disconnect(session: LabSession): void {
    this.db.prepare('DELETE FROM lab_sql_sessions WHERE instance = ? AND session_id = ?').run(session.instance, session.spid);
  }

  private context(instance: string, session: LabSession): ExecContext | SqlError {
    const inst = this.st.instance(instance);
    if (!inst || !inst.running) return new SqlError(10054, 'A transport-level error has occurred: the instance is not running.', { severity: 20 });
    return new ExecContext(this.st, session, inst);
  }

  private run<T>(ctx: ExecContext, fn: () => T): T {
    this.holder.ctx = ctx;
    try {
      return fn();
    } finally {
      this.holder.ctx = undefined;
    }
  }

  batch(instance: string, sql: string, session: LabSession): BatchResult {
    const ctx = this.context(instance, session);
    if (ctx instanceof SqlError) return { items: [{ kind: 'error', ...ctx.toMessage() }] };
    this.run(ctx, () => runBatchText(ctx, sql));
    return this.afterStatement({ items: ctx.items });
  }

  rpc(instance: string, call: RpcCall, session: LabSession): RpcResult {
    const ctx = this.context(instance, session);
    if (ctx instanceof SqlError) return { items: [{ kind: 'error', ...ctx.toMessage() }] };
    return this.afterStatement(this.rpcIn(ctx, call));
  }

  private rpcIn(ctx: ExecContext, call: RpcCall): RpcResult {
    return this.run(ctx, () => {
      const args: CallArg[] = call.params.map((p) => ({
        ...(p.name ? { name: p.name } : {}),
        value: fromSqlValue(p.value),
        output: p.output,
        useDefault: p.useDefault,
        type: p.type,
      }));
      try {
        let parts: string[];
        try {
          parts = new Parser(tokenize(call.procName)).multipartName();
        } catch {
          throw E.unknownProcedure(call.procName);
        }
        const r = this.db.transaction(() => callProcedure(ctx, parts, args))();
        const outputs: Record<string, { type: SqlType; value: SqlValue }> = {};
        call.params.forEach((p, i) => {
          if (!p.output) return;
          const key = p.name ? p.name.replace(/^@/, '').toLowerCase() : `#${i}`;
          if (r.outputs.has(key) && p.name) outputs[p.name] = { type: p.type, value: toSqlValue(r.outputs.get(key) ?? null, p.type) };
        });
        return { items: ctx.items, returnStatus: r.returnStatus, outputs };
      } catch (e) {
        emitError(ctx, mapSqliteError(e), 1);
        return { items: ctx.items };
      }
    });
  }

  // ---------- control ----------

  /** The instance holding the primary role of an AG (by AG name or listener DNS name), or null. */
  primaryOf(agOrListener: string): string | null {
    const ag = this.st.ag(agOrListener) ?? this.agOfListener(agOrListener);
    if (!ag?.primary_instance) return null;
    return this.st.instance(ag.primary_instance)?.running ? ag.primary_instance : null;
  }

  /** The listener's AG and port (for the TDS listener endpoint). */
  listener(dns: string): { ag: string; port: number | null; primary: string | null } | undefined {
    const l = this.st.listenerByName(dns);
    if (!l) return undefined;
    const ag = this.st.agById(l.group_id);
    if (!ag) return undefined;
    return { ag: ag.name, port: l.port, primary: this.primaryOf(ag.name) };
  }

  private agOfListener(dns: string): ReturnType<Store['ag']> {
    const l = this.st.listenerByName(dns);
    return l ? this.st.agById(l.group_id) : undefined;
  }

  /** Fails an AG over to `toInstance` (what ALTER AVAILABILITY GROUP ... FAILOVER on that instance does). */
  failover(ag: string, toInstance: string, opts: { force?: boolean } = {}): void {
    const err = this.db.transaction(() => failover(this.st, ag, toInstance, opts.force ?? false))();
    this.afterStatement(undefined);
    if (err) throw err;
  }

  /**
   * Stops or starts an instance. Start applies what SQL Server reads at startup (LoginMode,
   * Always On enabled). Stopping a primary fails its AGs over automatically to a
   * synchronized synchronous replica set to automatic failover, if there is one. In the lab this
   * follows the host's MSSQLSERVER service (lib/lab/windows-sql-link.ts).
   */
  setInstanceRunning(instance: string, running: boolean): void {
    this.db.transaction(() => {
      const inst = this.st.instance(instance);
      if (!inst) throw new Error(`no instance ${instance}`);
      if (running) {
        const mode = inst.login_mode_registry === 2 ? 2 : 1;
        this.db
          .prepare('UPDATE lab_sql_instances SET running = 1, login_mode = ?, hadr_enabled = hadr_enabled_pending, started_at = ? WHERE name = ?')
          .run(mode, nowIso(), inst.name);
        this.st.errorlog(inst.name, 'Server', `SQL Server is starting. Authentication mode is ${mode === 2 ? 'MIXED' : 'WINDOWS-ONLY'}.`);
        return;
      }
      this.db.prepare('UPDATE lab_sql_instances SET running = 0 WHERE name = ?').run(inst.name);
      this.db.prepare('DELETE FROM lab_sql_sessions WHERE instance = ?').run(inst.name);
      for (const ag of this.st.ags()) {
        if (ag.primary_instance?.toLowerCase() !== inst.name.toLowerCase()) continue;
        const primaryRep = this.st.replicaOn(ag.group_id, inst.name);
        const target = this.st.replicas(ag.group_id).find((r) => {
          if (r.replica_server_name.toLowerCase() === inst.name.toLowerCase()) return false;
          const ri = this.st.instance(r.replica_server_name);
          const unsynced = this.db.prepare('SELECT 1 FROM lab_sql_ag_db_replicas WHERE replica_id = ? AND synchronization_state <> 2').get(r.replica_id);
          return ri?.running && ri.hadr_enabled && r.failover_mode === 0 && r.availability_mode === 1 && primaryRep?.failover_mode === 0 && !unsynced;
        });
        if (target) setPrimary(this.st, ag.group_id, target.replica_server_name);
      }
    })();
    this.afterStatement(undefined);
  }

  /** Whether an instance runs; undefined when the lab has no such instance. */
  isRunning(instance: string): boolean | undefined {
    const inst = this.st.instance(instance);
    return inst ? inst.running === 1 : undefined;
  }

  /**
   * The instance's LoginMode value in the Windows registry (HKLM\SOFTWARE\Microsoft\Microsoft SQL
   * Server\MSSQLxx.<instance>\MSSQLServer): what it reads at its next start. The one copy of that
   * value: xp_instance_regread/regwrite and the Windows side's registry both use it.
   * Undefined when the lab has no such instance.
   */
  registryLoginMode(instance: string): number | undefined {
    return this.st.instance(instance)?.login_mode_registry;
  }

  /** Writes the registry value only: the running instance keeps its mode until it restarts. */
  setRegistryLoginMode(instance: string, mode: number): void {
    const r = this.db.prepare('UPDATE lab_sql_instances SET login_mode_registry = ? WHERE name = ?').run(mode, instance);
    if (r.changes === 0) throw new Error(`no instance ${instance}`);
  }

  /** What Enable-SqlAlwaysOn / Disable-SqlAlwaysOn change (effective after a restart). */
  setHadrEnabledPending(instance: string, enabled: boolean): void {
    this.db.prepare('UPDATE lab_sql_instances SET hadr_enabled_pending = ? WHERE name = ?').run(enabled ? 1 : 0, instance);
  }

  /** SQL Setup's Scale Out Master feature on the instance's host (checked by enable_scaleout). */
  setScaleOutMasterInstalled(instance: string, installed: boolean): void {
    this.db.prepare('UPDATE lab_sql_instances SET ssis_master_installed = ? WHERE name = ?').run(installed ? 1 : 0, instance);
  }

  /**
   * A Scale Out Worker registering with the master: the row appears in SSISDB (disabled),
   * written through the instance the master's SqlServerName points at.
   */
  registerWorker(instance: string, w: { id?: string; machineName: string; displayName?: string; userAccount?: string; description?: string }): string {
    const content = this.writableSsisdb(instance);
    const id = w.id?.toUpperCase() ?? newGuid();
    this.db
      .prepare(
        `INSERT INTO lab_ssis_worker_agents (content_id, WorkerAgentId, IsEnabled, DisplayName, Description, MachineName, Tags, UserAccount, LastOnlineTime)
         VALUES (?, ?, 0, ?, ?, ?, NULL, ?, ?)
         ON CONFLICT (content_id, WorkerAgentId) DO UPDATE SET LastOnlineTime = excluded.LastOnlineTime, MachineName = excluded.MachineName`,
      )
      .run(content, id, w.displayName ?? w.machineName, w.description ?? '', w.machineName, w.userAccount ?? `NT Service\\SSISScaleOutWorker160`, nowIso());
    return id;
  }

  /**
   * The master service's own heartbeat (catalog.master_properties LAST_ONLINE_TIME, MACHINE_NAME),
   * written through the instance its SqlServerName reaches. The real text format of
   * LAST_ONLINE_TIME is not documented: the lab writes datetimeoffset text.
   */
  masterOnline(instance: string, machineName: string): void {
    const content = this.writableSsisdb(instance);
    this.st.setMasterProperty(content, 'LAST_ONLINE_TIME', nowIso());
    this.st.setMasterProperty(content, 'MACHINE_NAME', machineName);
  }

  workerHeartbeat(instance: string, workerId: string): void {
    const content = this.writableSsisdb(instance);
    this.db.prepare('UPDATE lab_ssis_worker_agents SET LastOnlineTime = ? WHERE content_id = ? AND WorkerAgentId = ?').run(nowIso(), content, workerId.toUpperCase());
  }

  private writableSsisdb(instance: string): string {
    const inst = this.st.instance(instance);
    const db = this.st.database(instance, 'SSISDB');
    if (!inst?.running || !db) throw E.dbNotExist('SSISDB');
    const ag = this.st.agOfDatabase(db);
    if (ag && ag.primary_instance?.toLowerCase() !== inst.name.toLowerCase()) throw E.readOnlyDb('SSISDB');
    return db.content_id;
  }

  /**
   * The logging connection string as a worker decrypts it (lab-internal: the Windows side
   * needs it to simulate worker logging). Null when not set or SSISDB is missing.
   */
  logdbConnectionString(instance: string): string | null {
    const db = this.st.database(instance, 'SSISDB');
    if (!db) return null;
    const c = this.st.content(db.content_id);
    const enc = this.st.masterProperty(db.content_id, 'CLUSTER_LOGDB_CONNECTIONSTRING');
    if (!c?.logdb_key || !enc) return null;
    return decryptWithKey(c.logdb_key, enc);
  }

  /** Everything the control API shows, without secrets. */
  snapshot(): LabSqlSnapshot {
    return buildSnapshot(this.st);
  }
}

export function openEngine(file: string, opts: LabSqlEngineOptions = {}): LabSqlEngine {
  const db = new Database(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = OFF');
  return new LabSqlEngine(db, opts);
}
