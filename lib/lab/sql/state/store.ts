/** Typed reads and writes of the lab_* tables, shared by statements, procedures and the control API. */

import type Database from 'better-sqlite3';
import { sqlSideWindowsNames, type WindowsNames } from '../windows-names';

export interface InstanceRow {
  name: string;
  machine_name: string;
  instance_name: string | null;
  product_version: string;
  product_level: string;
  edition: string;
  hadr_enabled: number;
  hadr_enabled_pending: number;
  login_mode: number;
  login_mode_registry: number;
  running: number;
  tls_configured: number;
  force_encryption: number;
  sql_port: number;
  ip_address: string | null;
  service_account: string | null;
  ssis_master_installed: number;
  server_id: number;
  started_at: string;
}

export interface ServerPrincipalRow {
  instance: string;
  principal_id: number;
  name: string;
  sid: Buffer | null;
  type: string;
  is_disabled: number;
  is_fixed_role: number;
  default_database_name: string | null;
  password_hash: Buffer | null;
  is_policy_checked: number | null;
  is_expiration_checked: number | null;
  must_change: number;
}

export interface DatabaseRow {
  instance: string;
  name: string;
  database_id: number;
  content_id: string;
  state: number;
  recovery_model: number;
  is_read_only: number;
  owner_sid: Buffer | null;
  group_database_id: string | null;
}

export interface ContentRow {
  content_id: string;
  name: string;
  guest_enabled: number;
  dmk_verifier: Buffer | null;
  logdb_key: Buffer | null;
}

export interface DbPrincipalRow {
  content_id: string;
  principal_id: number;
  name: string;
  type: string;
  sid: Buffer | null;
  is_fixed_role: number;
}

export interface AgRow {
  group_id: string;
  name: string;
  resource_id: string;
  resource_group_id: string;
  primary_instance: string | null;
  sequence_number: number;
}

export interface ReplicaRow {
  replica_id: string;
  group_id: string;
  replica_server_name: string;
  availability_mode: number;
  failover_mode: number;
  secondary_role_allow_connections: number;
}

export interface ListenerRow {
  listener_id: string;
  group_id: string;
  dns_name: string;
  port: number | null;
}

export const nowIso = (): string => new Date().toISOString();

export class Store {
  /**
   * How each host resolves Windows names (CREATE LOGIN ... FROM WINDOWS, SUSER_SID, SUSER_SNAME):
   * the Windows side's accounts in the lab (LabSqlEngine's windowsNames option), else what the
   * SQL side alone knows of its hosts.
   */
  windowsNames: WindowsNames;

  /** Primary changes made by setPrimary since the engine last looked (it tells its listeners after each statement). */
  readonly roleChanges: { groupId: string; from: string | null; to: string | null }[] = [];

  constructor(readonly db: Database.Database) {
    this.windowsNames = sqlSideWindowsNames(this);
  }

  instance(name: string): InstanceRow | undefined {
    return this.db.prepare('SELECT * FROM lab_sql_instances WHERE name = ?').get(name) as InstanceRow | undefined;
  }

  instances(): InstanceRow[] {
    return this.db.prepare('SELECT * FROM lab_sql_instances ORDER BY name').all() as InstanceRow[];
  }

  principal(instance: string, name: string): ServerPrincipalRow | undefined {
    return this.db.prepare('SELECT * FROM lab_sql_server_principals WHERE instance = ? AND name = ?').get(instance, name) as ServerPrincipalRow | undefined;
  }

  principalBySid(instance: string, sid: Buffer): ServerPrincipalRow | undefined {
    return this.db.prepare("SELECT * FROM lab_sql_server_principals WHERE instance = ? AND sid = ? AND type <> 'R'").get(instance, sid) as
      | ServerPrincipalRow
      | undefined;
  }

  principalById(instance: string, id: number): ServerPrincipalRow | undefined {
    return this.db.prepare('SELECT * FROM lab_sql_server_principals WHERE instance = ? AND principal_id = ?').get(instance, id) as ServerPrincipalRow | undefined;
  }

  nextServerPrincipalId(instance: string): number {
    const r = this.db.prepare('SELECT max(principal_id) AS m FROM lab_sql_server_principals WHERE instance = ? AND principal_id >= 256').get(instance) as {
      m: number | null;
    };
    return Math.max(256, (r.m ?? 255) + 1);
  }

  isServerRoleMember(instance: string, role: string, principalId: number): boolean {
    const r = this.db
      .prepare(
        `SELECT 1 FROM lab_sql_server_role_members m JOIN lab_sql_server_principals r ON r.instance = m.instance AND r.principal_id = m.role_principal_id
         WHERE m.instance = ? AND r.name = ? AND m.member_principal_id = ?`,
      )
      .get(instance, role, principalId);
    return r !== undefined;
  }

  database(instance: string, name: string): DatabaseRow | undefined {
    return this.db.prepare('SELECT * FROM lab_sql_databases WHERE instance = ? AND name = ?').get(instance, name) as DatabaseRow | undefined;
  }

  databaseById(instance: string, id: number): DatabaseRow | undefined {
    return this.db.prepare('SELECT * FROM lab_sql_databases WHERE instance = ? AND database_id = ?').get(instance, id) as DatabaseRow | undefined;
  }

  content(contentId: string): ContentRow | undefined {
    return this.db.prepare('SELECT * FROM lab_sql_db_contents WHERE content_id = ?').get(contentId) as ContentRow | undefined;
  }

  dbPrincipal(contentId: string, name: string): DbPrincipalRow | undefined {
    return this.db.prepare('SELECT * FROM lab_sql_db_principals WHERE content_id = ? AND name = ?').get(contentId, name) as DbPrincipalRow | undefined;
  }

  dbPrincipalById(contentId: string, id: number): DbPrincipalRow | undefined {
    return this.db.prepare('SELECT * FROM lab_sql_db_principals WHERE content_id = ? AND principal_id = ?').get(contentId, id) as DbPrincipalRow | undefined;
  }

  dbUserBySid(contentId: string, sid: Buffer): DbPrincipalRow | undefined {
    return this.db.prepare("SELECT * FROM lab_sql_db_principals WHERE content_id = ? AND sid = ? AND type <> 'R'").get(contentId, sid) as DbPrincipalRow | undefined;
  }

  nextDbPrincipalId(contentId: string): number {
    const r = this.db.prepare('SELECT max(principal_id) AS m FROM lab_sql_db_principals WHERE content_id = ? AND principal_id >= 5 AND principal_id < 16384').get(contentId) as {
      m: number | null;
    };
    return Math.max(5, (r.m ?? 4) + 1);
  }

  isDbRoleMember(contentId: string, role: string, principalId: number): boolean {
    // Role membership nests (a role can be a member of a role).
    const r = this.db
      .prepare(
        `WITH RECURSIVE m(id) AS (SELECT ? UNION SELECT rm.role_principal_id FROM lab_sql_db_role_members rm JOIN m ON rm.member_principal_id = m.id AND rm.content_id = ?)
         SELECT 1 FROM m JOIN lab_sql_db_principals p ON p.principal_id = m.id AND p.content_id = ? WHERE p.name = ? AND p.type = 'R'`,
      )
      .get(principalId, contentId, contentId, role);
    return r !== undefined;
  }

  ag(name: string): AgRow | undefined {
    return this.db.prepare('SELECT * FROM lab_sql_ags WHERE name = ?').get(name) as AgRow | undefined;
  }

  agById(groupId: string): AgRow | undefined {
    return this.db.prepare('SELECT * FROM lab_sql_ags WHERE group_id = ?').get(groupId) as AgRow | undefined;
  }

  ags(): AgRow[] {
    return this.db.prepare('SELECT * FROM lab_sql_ags ORDER BY name').all() as AgRow[];
  }

  replicas(groupId: string): ReplicaRow[] {
    return this.db.prepare('SELECT * FROM lab_sql_ag_replicas WHERE group_id = ? ORDER BY replica_server_name').all(groupId) as ReplicaRow[];
  }

  replicaOn(groupId: string, instance: string): ReplicaRow | undefined {
    return this.db.prepare('SELECT * FROM lab_sql_ag_replicas WHERE group_id = ? AND replica_server_name = ?').get(groupId, instance) as ReplicaRow | undefined;
  }

  listeners(groupId: string): ListenerRow[] {
    return this.db.prepare('SELECT * FROM lab_sql_ag_listeners WHERE group_id = ?').all(groupId) as ListenerRow[];
  }

  listenerByName(dns: string): ListenerRow | undefined {
    return this.db.prepare('SELECT * FROM lab_sql_ag_listeners WHERE dns_name = ?').get(dns) as ListenerRow | undefined;
  }

  /** The names of the databases in an AG. */
  agDatabases(groupId: string): string[] {
    return (this.db.prepare('SELECT database_name AS n FROM lab_sql_ag_databases WHERE group_id = ? ORDER BY database_name').all(groupId) as { n: string }[]).map((r) => r.n);
  }

  /** The AG a database row belongs to, if it is joined to one. */
  agOfDatabase(d: DatabaseRow): AgRow | undefined {
    if (!d.group_database_id) return undefined;
    return this.db
      .prepare('SELECT g.* FROM lab_sql_ag_databases x JOIN lab_sql_ags g ON g.group_id = x.group_id WHERE x.group_database_id = ?')
      .get(d.group_database_id) as AgRow | undefined;
  }

  masterProperty(contentId: string, name: string): string | null | undefined {
    const r = this.db.prepare('SELECT property_value AS v FROM lab_ssis_master_properties WHERE content_id = ? AND property_name = ?').get(contentId, name) as
      | { v: string | null }
      | undefined;
    return r?.v;
  }

  setMasterProperty(contentId: string, name: string, value: string | null): void {
    this.db
      .prepare(
        `INSERT INTO lab_ssis_master_properties (content_id, property_name, property_value) VALUES (?, ?, ?)
         ON CONFLICT (content_id, property_name) DO UPDATE SET property_value = excluded.property_value`,
      )
      .run(contentId, name, value);
  }

  errorlog(instance: string, processInfo: string, text: string): void {
    this.db.prepare('INSERT INTO lab_sql_errorlog (instance, log_date, process_info, text) VALUES (?, ?, ?, ?)').run(instance, nowIso(), processInfo, text);
  }
}
