/**
 * State changes shared by T-SQL statements, procedures, scenarios and the control API.
 * They check nothing: permission and existence checks belong to the callers, which raise
 * SQL Server's errors.
 */

import { createHash, randomBytes } from 'node:crypto';
import { newGuid } from './crypto';
import { nowIso, type Store } from './store';

export const FIXED_SERVER_ROLES = ['sysadmin', 'securityadmin', 'serveradmin', 'setupadmin', 'processadmin', 'diskadmin', 'dbcreator', 'bulkadmin'];
export const FIXED_DB_ROLES = ['db_owner', 'db_accessadmin', 'db_securityadmin', 'db_ddladmin', 'db_backupoperator', 'db_datareader', 'db_datawriter', 'db_denydatareader', 'db_denydatawriter'];
export const SSISDB_ROLES = ['ssis_admin', 'ssis_logreader', 'ssis_cluster_executor', 'ssis_cluster_worker'];

export interface NewServerPrincipal {
  name: string;
  type: 'S' | 'U' | 'G' | 'R';
  sid: Buffer | null;
  passwordHash?: Buffer | null;
  checkPolicy?: boolean;
  checkExpiration?: boolean;
  defaultDatabase?: string;
  disabled?: boolean;
  fixedRole?: boolean;
  principalId?: number;
}

export function createServerPrincipal(st: Store, instance: string, p: NewServerPrincipal): number {
  const id = p.principalId ?? st.nextServerPrincipalId(instance);
  const now = nowIso();
  st.db
    .prepare(
      `INSERT INTO lab_sql_server_principals (instance, principal_id, name, sid, type, is_disabled, is_fixed_role, owning_principal_id, default_database_name,
         default_language_name, password_hash, is_policy_checked, is_expiration_checked, create_date, modify_date)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      instance,
      id,
      p.name,
      p.sid,
      p.type,
      p.disabled ? 1 : 0,
      p.fixedRole ? 1 : 0,
      p.type === 'R' ? 1 : null,
      p.type === 'R' ? null : (p.defaultDatabase ?? 'master'),
      p.type === 'R' ? null : 'us_english',
      p.passwordHash ?? null,
      p.type === 'S' ? (p.checkPolicy === false ? 0 : 1) : null,
      p.type === 'S' ? (p.checkExpiration ? 1 : 0) : null,
      now,
      now,
    );
  return id;
}

export function dropServerPrincipal(st: Store, instance: string, principalId: number): void {
  st.db.prepare('DELETE FROM lab_sql_server_role_members WHERE instance = ? AND (member_principal_id = ? OR role_principal_id = ?)').run(instance, principalId, principalId);
  st.db.prepare('DELETE FROM lab_sql_server_principals WHERE instance = ? AND principal_id = ?').run(instance, principalId);
}

export function setServerRoleMember(st: Store, instance: string, roleId: number, memberId: number, member: boolean): void {
  if (member) st.db.prepare('INSERT OR IGNORE INTO lab_sql_server_role_members VALUES (?, ?, ?)').run(instance, roleId, memberId);
  else st.db.prepare('DELETE FROM lab_sql_server_role_members WHERE instance = ? AND role_principal_id = ? AND member_principal_id = ?').run(instance, roleId, memberId);
}

export function roleId(st: Store, instance: string, role: string): number {
  const r = st.principal(instance, role);
  if (!r) throw new Error(`no server role ${role} on ${instance}`);
  return r.principal_id;
}

export interface NewDbPrincipal {
  name: string;
  type: 'S' | 'U' | 'R';
  sid: Buffer | null;
  defaultSchema?: string | null;
  authenticationType?: number;
  fixedRole?: boolean;
  principalId?: number;
}

export function createDbPrincipal(st: Store, contentId: string, p: NewDbPrincipal): number {
  const id = p.principalId ?? st.nextDbPrincipalId(contentId);
  const now = nowIso();
  st.db
    .prepare(
      `INSERT INTO lab_sql_db_principals (content_id, principal_id, name, type, sid, default_schema_name, is_fixed_role, owning_principal_id,
         authentication_type, create_date, modify_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      contentId,
      id,
      p.name,
      p.type,
      p.sid,
      p.type === 'R' ? null : (p.defaultSchema ?? 'dbo'),
      p.fixedRole ? 1 : 0,
      p.type === 'R' ? 1 : null,
      p.authenticationType ?? (p.type === 'R' ? 0 : p.type === 'U' ? 3 : 1),
      now,
      now,
    );
  return id;
}

export function dropDbPrincipal(st: Store, contentId: string, principalId: number): void {
  st.db.prepare('DELETE FROM lab_sql_db_role_members WHERE content_id = ? AND (member_principal_id = ? OR role_principal_id = ?)').run(contentId, principalId, principalId);
  st.db.prepare('DELETE FROM lab_sql_db_principals WHERE content_id = ? AND principal_id = ?').run(contentId, principalId);
}

export function setDbRoleMember(st: Store, contentId: string, roleId: number, memberId: number, member: boolean): void {
  if (member) st.db.prepare('INSERT OR IGNORE INTO lab_sql_db_role_members VALUES (?, ?, ?)').run(contentId, roleId, memberId);
  else st.db.prepare('DELETE FROM lab_sql_db_role_members WHERE content_id = ? AND role_principal_id = ? AND member_principal_id = ?').run(contentId, roleId, memberId);
}

export function dbRoleId(st: Store, contentId: string, role: string): number {
  const r = st.dbPrincipal(contentId, role);
  if (!r || r.type !== 'R') throw new Error(`no database role ${role} in ${contentId}`);
  return r.principal_id;
}

/** A new database content with the principals every database has (and SSISDB's roles). */
export function createContent(st: Store, name: string, opts: { guest?: boolean; ssisdb?: boolean } = {}): string {
  const contentId = `${name.toLowerCase()}-${randomBytes(4).toString('hex')}`;
  st.db
    .prepare('INSERT INTO lab_sql_db_contents (content_id, name, guest_enabled, dmk_verifier, logdb_key) VALUES (?, ?, ?, NULL, ?)')
    .run(contentId, name, opts.guest ? 1 : 0, opts.ssisdb ? randomBytes(32) : null);
  createDbPrincipal(st, contentId, { name: 'dbo', type: 'S', sid: Buffer.from([1]), principalId: 1 });
  createDbPrincipal(st, contentId, { name: 'guest', type: 'S', sid: Buffer.from([0]), principalId: 2, authenticationType: 0 });
  createDbPrincipal(st, contentId, { name: 'INFORMATION_SCHEMA', type: 'S', sid: null, principalId: 3, authenticationType: 0 });
  createDbPrincipal(st, contentId, { name: 'sys', type: 'S', sid: null, principalId: 4, authenticationType: 0 });
  createDbPrincipal(st, contentId, { name: 'public', type: 'R', sid: Buffer.from([1, 5]), principalId: 0 });
  FIXED_DB_ROLES.forEach((r, i) => createDbPrincipal(st, contentId, { name: r, type: 'R', sid: null, fixedRole: true, principalId: 16384 + i }));
  setDbRoleMember(st, contentId, 16384, 1, true);
  if (opts.ssisdb) for (const r of SSISDB_ROLES) createDbPrincipal(st, contentId, { name: r, type: 'R', sid: null });
  return contentId;
}

export function createDatabaseRow(
  st: Store,
  instance: string,
  name: string,
  contentId: string,
  opts: { databaseId?: number; ownerSid?: Buffer; recoveryModel?: number; groupDatabaseId?: string | null } = {},
): void {
  const id =
    opts.databaseId ??
    Math.max(5, ((st.db.prepare('SELECT max(database_id) AS m FROM lab_sql_databases WHERE instance = ?').get(instance) as { m: number | null }).m ?? 4) + 1);
  st.db
    .prepare(
      `INSERT INTO lab_sql_databases (instance, name, database_id, content_id, state, recovery_model, is_read_only, owner_sid, group_database_id, create_date)
       VALUES (?, ?, ?, ?, 0, ?, 0, ?, ?, ?)`,
    )
    .run(instance, name, id, contentId, opts.recoveryModel ?? 1, opts.ownerSid ?? Buffer.from([1]), opts.groupDatabaseId ?? null, nowIso());
}

// ---- Always On ----

export interface NewAg {
  name: string;
  primary: string;
  replicas: { server: string; availabilityMode?: number; failoverMode?: number; secondaryAllow?: number }[];
  databases: string[];
}

export function createAg(st: Store, ag: NewAg): string {
  const groupId = newGuid();
  st.db
    .prepare('INSERT INTO lab_sql_ags (group_id, name, resource_id, resource_group_id, primary_instance) VALUES (?, ?, ?, ?, ?)')
    .run(groupId, ag.name, newGuid().toLowerCase(), newGuid().toLowerCase(), ag.primary);
  const now = nowIso();
  ag.replicas.forEach((r, i) => {
    st.db
      .prepare(
        `INSERT INTO lab_sql_ag_replicas (replica_id, group_id, replica_metadata_id, replica_server_name, endpoint_url, availability_mode, failover_mode,
           secondary_role_allow_connections, create_date, modify_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(newGuid(), groupId, 65536 + i, r.server, `TCP://${r.server.toLowerCase()}.lab.test:5022`, r.availabilityMode ?? 1, r.failoverMode ?? 0, r.secondaryAllow ?? 0, now, now);
  });
  for (const dbName of ag.databases) addDatabaseToAg(st, groupId, ag.primary, dbName, ag.replicas.map((r) => r.server));
  return groupId;
}

/** Adds a database of the primary to the AG and joins (seeds) it on the given replicas: they share its content. */
export function addDatabaseToAg(st: Store, groupId: string, primary: string, dbName: string, joinOn: string[]): void {
  const pdb = st.database(primary, dbName);
  if (!pdb) throw new Error(`no database ${dbName} on ${primary}`);
  const gdb = newGuid();
  st.db.prepare('INSERT INTO lab_sql_ag_databases (group_id, group_database_id, database_name, content_id) VALUES (?, ?, ?, ?)').run(groupId, gdb, pdb.name, pdb.content_id);
  for (const server of joinOn) {
    const existing = st.database(server, dbName);
    if (existing) st.db.prepare('UPDATE lab_sql_databases SET content_id = ?, group_database_id = ? WHERE instance = ? AND name = ?').run(pdb.content_id, gdb, server, dbName);
    else createDatabaseRow(st, server, pdb.name, pdb.content_id, { groupDatabaseId: gdb, ownerSid: pdb.owner_sid ?? undefined, recoveryModel: pdb.recovery_model });
    const rep = st.replicaOn(groupId, server);
    if (rep) st.db.prepare('INSERT OR REPLACE INTO lab_sql_ag_db_replicas (group_database_id, replica_id, synchronization_state, is_suspended) VALUES (?, ?, 2, 0)').run(gdb, rep.replica_id);
  }
}

export function addListenerRow(st: Store, groupId: string, dns: string, port: number | null, ips: { ip: string; mask?: string | undefined }[]): string {
  const id = newGuid().toLowerCase();
  st.db.prepare('INSERT INTO lab_sql_ag_listeners (listener_id, group_id, dns_name, port, is_conformant) VALUES (?, ?, ?, ?, 1)').run(id, groupId, dns, port);
  for (const ip of ips) addListenerIp(st, id, ip.ip, ip.mask);
  return id;
}

/** The IPv4 subnet an address is in, and the mask's prefix length ('10.10.0.50', '255.255.255.0' → '10.10.0.0', 24). */
export function ipv4Subnet(ip: string, mask: string): { subnet: string; prefix: number } {
  const prefix = mask.split('.').reduce((n, o) => n + (Number(o) >>> 0).toString(2).replace(/0/g, '').length, 0);
  const subnet = ip
    .split('.')
    .map((o, i) => Number(o) & Number(mask.split('.')[i] ?? 0))
    .join('.');
  return { subnet, prefix };
}

export function addListenerIp(st: Store, listenerId: string, ip: string, mask: string | undefined): void {
  const net = mask ? ipv4Subnet(ip, mask) : undefined;
  const prefix = net ? net.prefix : 64;
  const subnet = net ? net.subnet : null;
  st.db
    .prepare(
      `INSERT OR REPLACE INTO lab_sql_ag_listener_ips (listener_id, ip_address, ip_subnet_mask, is_dhcp, network_subnet_ip, network_subnet_prefix_length, network_subnet_ipv4_mask, state)
       VALUES (?, ?, ?, 0, ?, ?, ?, 1)`,
    )
    .run(listenerId, ip, mask ?? null, subnet, prefix, mask ?? null);
}

export function setPrimary(st: Store, groupId: string, instance: string | null): void {
  const from = st.agById(groupId)?.primary_instance ?? null;
  st.db.prepare('UPDATE lab_sql_ags SET primary_instance = ?, sequence_number = sequence_number + 1 WHERE group_id = ?').run(instance, groupId);
  st.roleChanges.push({ groupId, from, to: instance });
}

/**
 * Opens the database master key of `contentId` on `instance` the way SQL Server does:
 * with this instance's service master key, else with a credential stored by
 * sp_control_dbmasterkey_password. A key opened by credential is re-encrypted by the
 * service master key when the database is writable, so it opens directly afterwards.
 */
export function openDmk(st: Store, instance: string, contentId: string, dbName: string, writable: boolean): boolean {
  const c = st.content(contentId);
  if (!c?.dmk_verifier) return false;
  if (st.db.prepare('SELECT 1 FROM lab_sql_dmk_smk WHERE content_id = ? AND instance = ?').get(contentId, instance)) return true;
  const creds = st.db.prepare('SELECT password_verifier AS v FROM lab_sql_master_key_passwords WHERE instance = ? AND db_name = ?').all(instance, dbName) as { v: Buffer }[];
  const ok = creds.some((r) => r.v.equals(c.dmk_verifier as Buffer));
  if (ok && writable) st.db.prepare('INSERT OR IGNORE INTO lab_sql_dmk_smk (content_id, instance) VALUES (?, ?)').run(contentId, instance);
  return ok;
}

/** A stable GUID derived from `seed` (the lab's stand-in for GUIDs SQL Server keeps in file headers). */
export function guidFrom(seed: string): string {
  const h = createHash('md5').update(seed).digest('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The database's family GUID (sys.database_recovery_status.family_guid, what master key
 * credentials are matched on). A backup family survives restore, so every replica of an AG
 * database, which shares its content, has the same one.
 */
export function familyGuid(contentId: string): string {
  return guidFrom(contentId);
}

/** sys.database_recovery_status.database_guid: RESTORE gives a new one, so it differs per instance. */
export function databaseGuid(instance: string, contentId: string): string {
  return guidFrom(`database_guid:${instance.toUpperCase()}:${contentId}`);
}

/** sys.database_recovery_status.recovery_fork_guid (= first_recovery_fork_guid: the lab never forks). */
export function recoveryForkGuid(contentId: string): string {
  return guidFrom(`recovery_fork_guid:${contentId}`);
}

// ---- Procedures (sys.procedures) ----

export const SSIS_STARTUP_PROC = 'sp_ssis_startup';

/**
 * master.dbo.sp_ssis_startup, marked for automatic execution (sp_procoption ... 'startup', 'on').
 * Create Catalog makes it when "Enable automatic execution of Integration Services stored
 * procedure at SQL Server startup" is ticked (ssis-catalog.md, Always On step 1), and "Enable
 * Always On support" makes it on every replica (ssis-scale-out-ha.md §5.2). Made again, it
 * stays one procedure and is marked again.
 */
export function createStartupProcedure(st: Store, instance: string): void {
  const master = st.database(instance, 'master');
  if (!master) throw new Error(`no master database on ${instance}`);
  const now = nowIso();
  const objectId = 0x10000000 + randomBytes(3).readUIntBE(0, 3);
  st.db
    .prepare(
      `INSERT INTO lab_sql_procedures (content_id, object_id, schema_id, name, is_auto_executed, create_date, modify_date) VALUES (?, ?, 1, ?, 1, ?, ?)
       ON CONFLICT (content_id, schema_id, name) DO UPDATE SET is_auto_executed = 1, modify_date = excluded.modify_date`,
    )
    .run(master.content_id, objectId, SSIS_STARTUP_PROC, now, now);
}

// ---- The failover cluster (sys.dm_hadr_cluster_networks) ----

/** One WSFC member's network: the subnet of its address (public, IPv4, as the lab's single network is). */
export function addClusterNetwork(st: Store, member: string, ip: string, mask: string): void {
  const { subnet, prefix } = ipv4Subnet(ip, mask);
  st.db
    .prepare(
      `INSERT OR REPLACE INTO lab_sql_cluster_networks (member_name, network_subnet_ip, network_subnet_ipv4_mask, network_subnet_prefix_length, is_public, is_ipv4)
       VALUES (?, ?, ?, ?, 1, 1)`,
    )
    .run(member, subnet, mask, prefix);
}

// ---- "Enable Always On support" (SSMS, ssis-scale-out-ha.md §5.2) ----

/**
 * SSISDB's record of the replicas (internal.alwayson_support_state, written by
 * internal.add_replica_info @server_name, @state): state 1 for the replica that was primary
 * when support was enabled, 2 for the others. Enabled again, each replica keeps one row.
 */
export function recordAlwaysOnReplicas(st: Store, contentId: string, replicas: string[], primary: string): void {
  const put = st.db.prepare(
    `INSERT INTO lab_ssis_alwayson_support_state (content_id, server_name, state) VALUES (?, ?, ?)
     ON CONFLICT (content_id, server_name) DO UPDATE SET state = excluded.state`,
  );
  for (const r of replicas) put.run(contentId, r, r.toLowerCase() === primary.toLowerCase() ? 1 : 2);
}
