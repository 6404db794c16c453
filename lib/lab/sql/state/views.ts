/**
 * SQL Server's catalog views and DMVs as SQLite views over the lab_* tables, with the
 * documented column names and types. Each view carries the perspective it answers from
 * (`lab_instance`, and `lab_content` for database-scoped views); the query translator
 * filters on it, so `sys.availability_replicas` read on SQLNODE2 is SQLNODE2's answer.
 * Visibility rules (metadata visibility, role filters) are applied by the translator.
 */

import type Database from 'better-sqlite3';
import type { SqlType } from '@/lib/lab/tds/types';
import { typeFromString } from '../sqltypes';

export type ViewScope = 'server' | 'database' | 'ssisdb';

export interface ViewColumn {
  name: string;
  type: SqlType;
}

export interface ViewDef {
  /** schema.name as T-SQL writes it, lower case. */
  key: string;
  scope: ViewScope;
  sqliteName: string;
  columns: ViewColumn[];
  body: string;
}

function cols(spec: string): ViewColumn[] {
  return spec
    .split(/,(?![^(]*\))/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [name, type] = s.split(/\s+/) as [string, string];
      return { name, type: typeFromString(type) };
    });
}

const defs: ViewDef[] = [];
function view(key: string, scope: ViewScope, columnSpec: string, body: string): void {
  defs.push({ key, scope, sqliteName: 'lab_v_' + key.replace('.', '_'), columns: cols(columnSpec), body });
}

const PRINCIPAL_COLS =
  'name sysname, principal_id int, sid varbinary(85), type char(1), type_desc nvarchar(60), is_disabled int, create_date datetime, modify_date datetime, default_database_name sysname, default_language_name sysname, credential_id int, owning_principal_id int, is_fixed_role bit';
const PRINCIPAL_SELECT = `instance AS lab_instance, name, principal_id, sid, type,
  CASE type WHEN 'S' THEN 'SQL_LOGIN' WHEN 'U' THEN 'WINDOWS_LOGIN' WHEN 'G' THEN 'WINDOWS_GROUP' WHEN 'R' THEN 'SERVER_ROLE' END AS type_desc,
  is_disabled, create_date, modify_date, default_database_name, default_language_name, NULL AS credential_id, owning_principal_id, is_fixed_role`;

view('sys.server_principals', 'server', PRINCIPAL_COLS, `SELECT ${PRINCIPAL_SELECT} FROM lab_sql_server_principals`);
view(
  'sys.sql_logins',
  'server',
  PRINCIPAL_COLS + ', is_policy_checked bit, is_expiration_checked bit, password_hash varbinary(256)',
  `SELECT ${PRINCIPAL_SELECT}, is_policy_checked, is_expiration_checked, password_hash FROM lab_sql_server_principals WHERE type = 'S'`,
);
view('sys.server_role_members', 'server', 'role_principal_id int, member_principal_id int', `SELECT instance AS lab_instance, role_principal_id, member_principal_id FROM lab_sql_server_role_members`);

view(
  'sys.databases',
  'server',
  'name sysname, database_id int, source_database_id int, owner_sid varbinary(85), create_date datetime, compatibility_level tinyint, collation_name sysname, user_access tinyint, user_access_desc nvarchar(60), is_read_only bit, state tinyint, state_desc nvarchar(60), recovery_model tinyint, recovery_model_desc nvarchar(60), is_master_key_encrypted_by_server bit, is_encrypted bit, is_trustworthy_on bit, replica_id uniqueidentifier, group_database_id uniqueidentifier',
  `SELECT d.instance AS lab_instance, d.name, d.database_id, NULL AS source_database_id, d.owner_sid, d.create_date, 160 AS compatibility_level,
     'SQL_Latin1_General_CP1_CI_AS' AS collation_name, 0 AS user_access, 'MULTI_USER' AS user_access_desc, d.is_read_only, d.state,
     CASE d.state WHEN 0 THEN 'ONLINE' WHEN 1 THEN 'RESTORING' WHEN 2 THEN 'RECOVERING' WHEN 3 THEN 'RECOVERY_PENDING' WHEN 6 THEN 'OFFLINE' END AS state_desc,
     d.recovery_model, CASE d.recovery_model WHEN 1 THEN 'FULL' WHEN 2 THEN 'BULK_LOGGED' ELSE 'SIMPLE' END AS recovery_model_desc,
     EXISTS (SELECT 1 FROM lab_sql_dmk_smk k WHERE k.content_id = d.content_id AND k.instance = d.instance) AS is_master_key_encrypted_by_server,
     0 AS is_encrypted, CASE WHEN d.name IN ('msdb', 'SSISDB') THEN 1 ELSE 0 END AS is_trustworthy_on,
     (SELECT r.replica_id FROM lab_sql_ag_databases agd JOIN lab_sql_ag_replicas r ON r.group_id = agd.group_id AND r.replica_server_name = d.instance
       WHERE agd.group_database_id = d.group_database_id) AS replica_id,
     d.group_database_id
   FROM lab_sql_databases d`,
);

// --- Always On. Every AG view is empty on an instance where Always On is not enabled.
const HADR_INSTANCES = `lab_sql_instances i`;

view(
  'sys.availability_groups',
  'server',
  'group_id uniqueidentifier, name sysname, resource_id nvarchar(40), resource_group_id nvarchar(40), failure_condition_level int, health_check_timeout int, automated_backup_preference tinyint, automated_backup_preference_desc nvarchar(60), version smallint, basic_features bit, dtc_support bit, db_failover bit, is_distributed bit, cluster_type tinyint, cluster_type_desc nvarchar(60), required_synchronized_secondaries_to_commit int, sequence_number bigint, is_contained bit',
  `SELECT i.name AS lab_instance, g.group_id, g.name, g.resource_id, g.resource_group_id, g.failure_condition_level, g.health_check_timeout,
     g.automated_backup_preference,
     CASE g.automated_backup_preference WHEN 0 THEN 'PRIMARY' WHEN 1 THEN 'SECONDARY_ONLY' WHEN 2 THEN 'SECONDARY' ELSE 'NONE' END AS automated_backup_preference_desc,
     4 AS version, 0 AS basic_features, 0 AS dtc_support, 1 AS db_failover, 0 AS is_distributed, 0 AS cluster_type, 'wsfc' AS cluster_type_desc,
     0 AS required_synchronized_secondaries_to_commit, g.sequence_number, 0 AS is_contained
   FROM ${HADR_INSTANCES} JOIN lab_sql_ags g
   WHERE i.hadr_enabled = 1 AND EXISTS (SELECT 1 FROM lab_sql_ag_replicas r WHERE r.group_id = g.group_id AND r.replica_server_name = i.name)`,
);

view(
  'sys.availability_replicas',
  'server',
  'replica_id uniqueidentifier, group_id uniqueidentifier, replica_metadata_id int, replica_server_name nvarchar(256), owner_sid varbinary(85), endpoint_url nvarchar(128), availability_mode tinyint, availability_mode_desc nvarchar(60), failover_mode tinyint, failover_mode_desc nvarchar(60), session_timeout int, primary_role_allow_connections tinyint, primary_role_allow_connections_desc nvarchar(60), secondary_role_allow_connections tinyint, secondary_role_allow_connections_desc nvarchar(60), create_date datetime, modify_date datetime, backup_priority int, read_only_routing_url nvarchar(256)',
  `SELECT i.name AS lab_instance, r.replica_id, r.group_id,
     CASE WHEN r.replica_server_name = i.name THEN r.replica_metadata_id END AS replica_metadata_id, r.replica_server_name,
     CASE WHEN r.replica_server_name = i.name THEN X'01' END AS owner_sid, r.endpoint_url,
     r.availability_mode, CASE r.availability_mode WHEN 0 THEN 'ASYNCHRONOUS_COMMIT' WHEN 1 THEN 'SYNCHRONOUS_COMMIT' ELSE 'CONFIGURATION_ONLY' END AS availability_mode_desc,
     r.failover_mode, CASE r.failover_mode WHEN 0 THEN 'AUTOMATIC' ELSE 'MANUAL' END AS failover_mode_desc, r.session_timeout,
     r.primary_role_allow_connections, CASE r.primary_role_allow_connections WHEN 2 THEN 'ALL' ELSE 'READ_WRITE' END AS primary_role_allow_connections_desc,
     r.secondary_role_allow_connections, CASE r.secondary_role_allow_connections WHEN 0 THEN 'NO' WHEN 1 THEN 'READ_ONLY' ELSE 'ALL' END AS secondary_role_allow_connections_desc,
     CASE WHEN r.replica_server_name = i.name THEN r.create_date END AS create_date,
     CASE WHEN r.replica_server_name = i.name THEN r.modify_date END AS modify_date,
     r.backup_priority, r.read_only_routing_url
   FROM ${HADR_INSTANCES} JOIN lab_sql_ag_replicas r WHERE i.hadr_enabled = 1`,
);

view(
  'sys.availability_group_listeners',
  'server',
  'group_id uniqueidentifier, listener_id nvarchar(36), dns_name nvarchar(63), port int, is_conformant bit, ip_configuration_string_from_cluster nvarchar(max)',
  `SELECT i.name AS lab_instance, l.group_id, l.listener_id, l.dns_name, l.port, l.is_conformant,
     (SELECT group_concat('(''IP Address: ' || ip.ip_address || ''')', ' or ') FROM lab_sql_ag_listener_ips ip WHERE ip.listener_id = l.listener_id) AS ip_configuration_string_from_cluster
   FROM ${HADR_INSTANCES} JOIN lab_sql_ag_listeners l WHERE i.hadr_enabled = 1`,
);

view(
  'sys.availability_group_listener_ip_addresses',
  'server',
  'listener_id nvarchar(36), ip_address nvarchar(48), ip_subnet_mask nvarchar(15), is_dhcp bit, network_subnet_ip nvarchar(48), network_subnet_prefix_length int, network_subnet_ipv4_mask nvarchar(45), state tinyint, state_desc nvarchar(60)',
  `SELECT i.name AS lab_instance, ip.listener_id, ip.ip_address, ip.ip_subnet_mask, ip.is_dhcp, ip.network_subnet_ip, ip.network_subnet_prefix_length,
     ip.network_subnet_ipv4_mask, ls.state, CASE ls.state WHEN 1 THEN 'ONLINE' ELSE 'OFFLINE' END AS state_desc
   FROM ${HADR_INSTANCES} JOIN lab_sql_ag_listener_ips ip
   JOIN (SELECT l.listener_id, CASE WHEN EXISTS (SELECT 1 FROM lab_sql_instances pi WHERE pi.name = g.primary_instance AND pi.running = 1) THEN 1 ELSE 0 END AS state
         FROM lab_sql_ag_listeners l JOIN lab_sql_ags g ON g.group_id = l.group_id) ls ON ls.listener_id = ip.listener_id
   WHERE i.hadr_enabled = 1`,
);

view(
  'sys.availability_databases_cluster',
  'server',
  'group_id uniqueidentifier, group_database_id uniqueidentifier, database_name nvarchar(128), truncation_lsn numeric(25,0)',
  `SELECT i.name AS lab_instance, d.group_id, d.group_database_id, d.database_name, NULL AS truncation_lsn
   FROM ${HADR_INSTANCES} JOIN lab_sql_ag_databases d
   WHERE i.hadr_enabled = 1 AND EXISTS (SELECT 1 FROM lab_sql_ag_replicas r WHERE r.group_id = d.group_id AND r.replica_server_name = i.name)`,
);

// Per-replica health, as lab_sql_ag_replica_health (a helper view): role and rollups.
const REPLICA_HEALTH = `
  SELECT r.replica_id, r.group_id, r.replica_server_name, r.availability_mode,
    CASE WHEN g.primary_instance = r.replica_server_name AND ri.running = 1 THEN 1
         WHEN ri.running = 1 AND g.primary_instance IS NOT NULL AND pi.running = 1 THEN 2
         WHEN ri.running = 1 THEN 0 END AS role,
    ri.running AS running,
    CASE WHEN ri.running = 0 THEN 0
         WHEN NOT EXISTS (SELECT 1 FROM lab_sql_ag_db_replicas x WHERE x.replica_id = r.replica_id) THEN 2
         WHEN EXISTS (SELECT 1 FROM lab_sql_ag_db_replicas x WHERE x.replica_id = r.replica_id AND (x.synchronization_state = 0 OR x.is_suspended = 1)) THEN 0
         WHEN r.availability_mode = 1 AND g.primary_instance <> r.replica_server_name
              AND EXISTS (SELECT 1 FROM lab_sql_ag_db_replicas x WHERE x.replica_id = r.replica_id AND x.synchronization_state <> 2) THEN 1
         ELSE 2 END AS synchronization_health
  FROM lab_sql_ag_replicas r JOIN lab_sql_ags g ON g.group_id = r.group_id
  JOIN lab_sql_instances ri ON ri.name = r.replica_server_name
  LEFT JOIN lab_sql_instances pi ON pi.name = g.primary_instance`;

view(
  'sys.dm_hadr_availability_replica_states',
  'server',
  'replica_id uniqueidentifier, group_id uniqueidentifier, is_local bit, role tinyint, role_desc nvarchar(60), operational_state tinyint, operational_state_desc nvarchar(60), connected_state tinyint, connected_state_desc nvarchar(60), recovery_health tinyint, recovery_health_desc nvarchar(60), synchronization_health tinyint, synchronization_health_desc nvarchar(60), last_connect_error_number int, last_connect_error_description nvarchar(1024), last_connect_error_timestamp datetime',
  `SELECT i.name AS lab_instance, h.replica_id, h.group_id, CASE WHEN h.replica_server_name = i.name THEN 1 ELSE 0 END AS is_local,
     h.role, CASE h.role WHEN 0 THEN 'RESOLVING' WHEN 1 THEN 'PRIMARY' WHEN 2 THEN 'SECONDARY' END AS role_desc,
     CASE WHEN h.replica_server_name = i.name THEN 2 END AS operational_state,
     CASE WHEN h.replica_server_name = i.name THEN 'ONLINE' END AS operational_state_desc,
     CASE WHEN h.running = 1 THEN 1 ELSE 0 END AS connected_state, CASE WHEN h.running = 1 THEN 'CONNECTED' ELSE 'DISCONNECTED' END AS connected_state_desc,
     CASE WHEN h.replica_server_name = i.name THEN 1 END AS recovery_health,
     CASE WHEN h.replica_server_name = i.name THEN 'ONLINE' END AS recovery_health_desc,
     h.synchronization_health, CASE h.synchronization_health WHEN 0 THEN 'NOT_HEALTHY' WHEN 1 THEN 'PARTIALLY_HEALTHY' ELSE 'HEALTHY' END AS synchronization_health_desc,
     NULL AS last_connect_error_number, NULL AS last_connect_error_description, NULL AS last_connect_error_timestamp
   FROM ${HADR_INSTANCES} JOIN (${REPLICA_HEALTH}) h
   JOIN lab_sql_ags g ON g.group_id = h.group_id
   WHERE i.hadr_enabled = 1 AND (h.replica_server_name = i.name OR g.primary_instance = i.name)
     AND EXISTS (SELECT 1 FROM lab_sql_ag_replicas lr WHERE lr.group_id = h.group_id AND lr.replica_server_name = i.name)`,
);

view(
  'sys.dm_hadr_availability_group_states',
  'server',
  'group_id uniqueidentifier, primary_replica nvarchar(128), primary_recovery_health tinyint, primary_recovery_health_desc nvarchar(60), secondary_recovery_health tinyint, secondary_recovery_health_desc nvarchar(60), synchronization_health tinyint, synchronization_health_desc nvarchar(60)',
  `SELECT i.name AS lab_instance, g.group_id, g.primary_instance AS primary_replica,
     CASE WHEN g.primary_instance = i.name THEN 1 END AS primary_recovery_health, CASE WHEN g.primary_instance = i.name THEN 'ONLINE' END AS primary_recovery_health_desc,
     CASE WHEN g.primary_instance <> i.name THEN 1 END AS secondary_recovery_health, CASE WHEN g.primary_instance <> i.name THEN 'ONLINE' END AS secondary_recovery_health_desc,
     (SELECT min(h.synchronization_health) FROM (${REPLICA_HEALTH}) h WHERE h.group_id = g.group_id) AS synchronization_health,
     CASE (SELECT min(h.synchronization_health) FROM (${REPLICA_HEALTH}) h WHERE h.group_id = g.group_id) WHEN 0 THEN 'NOT_HEALTHY' WHEN 1 THEN 'PARTIALLY_HEALTHY' ELSE 'HEALTHY' END AS synchronization_health_desc
   FROM ${HADR_INSTANCES} JOIN lab_sql_ags g
   WHERE i.hadr_enabled = 1 AND EXISTS (SELECT 1 FROM lab_sql_ag_replicas r WHERE r.group_id = g.group_id AND r.replica_server_name = i.name)`,
);

view(
  'sys.dm_hadr_database_replica_states',
  'server',
  'database_id int, group_id uniqueidentifier, replica_id uniqueidentifier, group_database_id uniqueidentifier, is_local bit, is_primary_replica bit, synchronization_state tinyint, synchronization_state_desc nvarchar(60), is_commit_participant bit, synchronization_health tinyint, synchronization_health_desc nvarchar(60), database_state tinyint, database_state_desc nvarchar(60), is_suspended bit, suspend_reason tinyint, suspend_reason_desc nvarchar(60), secondary_lag_seconds bigint',
  `SELECT i.name AS lab_instance, ld.database_id, agd.group_id, r.replica_id, agd.group_database_id,
     CASE WHEN r.replica_server_name = i.name THEN 1 ELSE 0 END AS is_local,
     CASE WHEN g.primary_instance = r.replica_server_name THEN 1 ELSE 0 END AS is_primary_replica,
     CASE WHEN ri.running = 0 THEN 0 ELSE x.synchronization_state END AS synchronization_state,
     CASE CASE WHEN ri.running = 0 THEN 0 ELSE x.synchronization_state END WHEN 0 THEN 'NOT SYNCHRONIZING' WHEN 1 THEN 'SYNCHRONIZING' WHEN 2 THEN 'SYNCHRONIZED' WHEN 3 THEN 'REVERTING' ELSE 'INITIALIZING' END AS synchronization_state_desc,
     CASE WHEN r.availability_mode = 1 THEN 1 ELSE 0 END AS is_commit_participant,
     CASE WHEN ri.running = 0 OR x.synchronization_state = 0 OR x.is_suspended = 1 THEN 0
          WHEN r.availability_mode = 1 AND x.synchronization_state <> 2 THEN 1 ELSE 2 END AS synchronization_health,
     CASE WHEN ri.running = 0 OR x.synchronization_state = 0 OR x.is_suspended = 1 THEN 'NOT_HEALTHY'
          WHEN r.availability_mode = 1 AND x.synchronization_state <> 2 THEN 'PARTIALLY_HEALTHY' ELSE 'HEALTHY' END AS synchronization_health_desc,
     CASE WHEN r.replica_server_name = i.name THEN 0 END AS database_state,
     CASE WHEN r.replica_server_name = i.name THEN 'ONLINE' END AS database_state_desc,
     x.is_suspended, CASE WHEN x.is_suspended = 1 THEN 0 END AS suspend_reason, CASE WHEN x.is_suspended = 1 THEN 'SUSPEND_FROM_USER' END AS suspend_reason_desc,
     CASE WHEN g.primary_instance = i.name AND r.replica_server_name <> i.name THEN 0 END AS secondary_lag_seconds
   FROM ${HADR_INSTANCES}
   JOIN lab_sql_ag_db_replicas x
   JOIN lab_sql_ag_replicas r ON r.replica_id = x.replica_id
   JOIN lab_sql_ags g ON g.group_id = r.group_id
   JOIN lab_sql_ag_databases agd ON agd.group_database_id = x.group_database_id
   JOIN lab_sql_instances ri ON ri.name = r.replica_server_name
   JOIN lab_sql_databases ld ON ld.instance = i.name AND ld.group_database_id = agd.group_database_id
   WHERE i.hadr_enabled = 1 AND (r.replica_server_name = i.name OR g.primary_instance = i.name)`,
);

view(
  'sys.master_key_passwords',
  'server',
  'credential_id int, family_guid uniqueidentifier',
  `SELECT instance AS lab_instance, credential_id, family_guid FROM lab_sql_master_key_passwords`,
);

// One row per database. The GUIDs come from state/ops (familyGuid is also what
// sp_control_dbmasterkey_password stores, so sys.master_key_passwords joins on it); NULL while
// the database is offline or cannot start. The lab takes no log backups: last_log_backup_lsn is NULL.
// Rows other than master and tempdb need VIEW ANY DATABASE, which public has by default: no filter.
view(
  'sys.database_recovery_status',
  'server',
  'database_id int, database_guid uniqueidentifier, family_guid uniqueidentifier, last_log_backup_lsn numeric(25,0), recovery_fork_guid uniqueidentifier, first_recovery_fork_guid uniqueidentifier, fork_point_lsn numeric(25,0)',
  `SELECT d.instance AS lab_instance, d.database_id,
     CASE WHEN d.state IN (3, 6) THEN NULL ELSE lab_database_guid(d.instance, d.content_id) END AS database_guid,
     CASE WHEN d.state IN (3, 6) THEN NULL ELSE lab_family_guid(d.content_id) END AS family_guid,
     NULL AS last_log_backup_lsn,
     CASE WHEN d.state IN (3, 6) THEN NULL ELSE lab_recovery_fork_guid(d.content_id) END AS recovery_fork_guid,
     CASE WHEN d.state IN (3, 6) THEN NULL ELSE lab_recovery_fork_guid(d.content_id) END AS first_recovery_fork_guid,
     NULL AS fork_point_lsn
   FROM lab_sql_databases d`,
);

// The failover cluster's member networks, cluster-wide like the other HADR views.
view(
  'sys.dm_hadr_cluster_networks',
  'server',
  'member_name nvarchar(128), network_subnet_ip nvarchar(48), network_subnet_ipv4_mask nvarchar(45), network_subnet_prefix_length int, is_public bit, is_ipv4 bit',
  `SELECT i.name AS lab_instance, n.member_name, n.network_subnet_ip, n.network_subnet_ipv4_mask, n.network_subnet_prefix_length, n.is_public, n.is_ipv4
   FROM ${HADR_INSTANCES} JOIN lab_sql_cluster_networks n WHERE i.hadr_enabled = 1`,
);

view(
  'sys.dm_exec_connections',
  'server',
  'session_id int, most_recent_session_id int, connect_time datetime, net_transport nvarchar(40), protocol_type nvarchar(40), protocol_version int, endpoint_id int, encrypt_option nvarchar(40), auth_scheme nvarchar(40), node_affinity smallint, num_reads int, num_writes int, last_read datetime, last_write datetime, net_packet_size int, client_net_address varchar(48), client_tcp_port int, local_net_address varchar(48), local_tcp_port int, connection_id uniqueidentifier, parent_connection_id uniqueidentifier, most_recent_sql_handle varbinary(64)',
  `SELECT s.instance AS lab_instance, s.session_id, s.session_id AS most_recent_session_id, s.connect_time, 'TCP' AS net_transport, 'TSQL' AS protocol_type,
     1946157060 AS protocol_version, 4 AS endpoint_id, s.encrypt_option, s.auth_scheme, 0 AS node_affinity, 0 AS num_reads, 0 AS num_writes,
     s.connect_time AS last_read, s.connect_time AS last_write, s.net_packet_size, s.client_net_address, s.client_tcp_port,
     i.ip_address AS local_net_address, s.local_tcp_port, s.connection_id, NULL AS parent_connection_id, NULL AS most_recent_sql_handle
   FROM lab_sql_sessions s JOIN lab_sql_instances i ON i.name = s.instance`,
);

// --- Database-scoped catalog views (any database; content is what the database holds).
view(
  'sys.database_principals',
  'database',
  'name sysname, principal_id int, type char(1), type_desc nvarchar(60), default_schema_name sysname, create_date datetime, modify_date datetime, owning_principal_id int, sid varbinary(85), is_fixed_role bit, authentication_type int, authentication_type_desc nvarchar(60), default_language_name sysname, default_language_lcid int, allow_encrypted_value_modifications bit',
  `SELECT content_id AS lab_content, name, principal_id, type,
     CASE type WHEN 'S' THEN 'SQL_USER' WHEN 'U' THEN 'WINDOWS_USER' WHEN 'G' THEN 'WINDOWS_GROUP' WHEN 'R' THEN 'DATABASE_ROLE' END AS type_desc,
     default_schema_name, create_date, modify_date, owning_principal_id, sid, is_fixed_role, authentication_type,
     CASE authentication_type WHEN 0 THEN 'NONE' WHEN 1 THEN 'INSTANCE' WHEN 2 THEN 'DATABASE' ELSE 'WINDOWS' END AS authentication_type_desc,
     NULL AS default_language_name, NULL AS default_language_lcid, 0 AS allow_encrypted_value_modifications
   FROM lab_sql_db_principals`,
);
// sys.objects' columns, then the procedure's own (type 'P' is char(2): SQL Server pads it to 'P ';
// the lab answers 'P' so that WHERE type = 'P' matches as it does there).
view(
  'sys.procedures',
  'database',
  'name sysname, object_id int, principal_id int, schema_id int, parent_object_id int, type char(2), type_desc nvarchar(60), create_date datetime, modify_date datetime, is_ms_shipped bit, is_published bit, is_schema_published bit, is_auto_executed bit, is_execution_replicated bit, is_repl_serializable_only bit, skips_repl_constraints bit',
  `SELECT content_id AS lab_content, name, object_id, NULL AS principal_id, schema_id, 0 AS parent_object_id, 'P' AS type, 'SQL_STORED_PROCEDURE' AS type_desc,
     create_date, modify_date, 0 AS is_ms_shipped, 0 AS is_published, 0 AS is_schema_published, is_auto_executed,
     0 AS is_execution_replicated, 0 AS is_repl_serializable_only, 0 AS skips_repl_constraints
   FROM lab_sql_procedures`,
);
view('sys.database_role_members', 'database', 'role_principal_id int, member_principal_id int', `SELECT content_id AS lab_content, role_principal_id, member_principal_id FROM lab_sql_db_role_members`);
view(
  'sys.symmetric_keys',
  'database',
  'name sysname, principal_id int, symmetric_key_id int, key_length int, key_algorithm char(2), algorithm_desc nvarchar(60), create_date datetime, modify_date datetime, key_guid uniqueidentifier',
  `SELECT content_id AS lab_content, '##MS_DatabaseMasterKey##' AS name, 1 AS principal_id, 101 AS symmetric_key_id, 256 AS key_length, 'A3' AS key_algorithm,
     'AES_256' AS algorithm_desc, NULL AS create_date, NULL AS modify_date, NULL AS key_guid FROM lab_sql_db_contents WHERE dmk_verifier IS NOT NULL
   UNION ALL
   SELECT content_id, 'MS_Enckey_LOGDB', 1, 256, 256, 'A3', 'AES_256', NULL, NULL, NULL FROM lab_sql_db_contents WHERE logdb_key IS NOT NULL`,
);

// --- SSISDB
view(
  'catalog.worker_agents',
  'ssisdb',
  'WorkerAgentId uniqueidentifier, IsEnabled bit, DisplayName nvarchar(256), Description nvarchar(256), MachineName nvarchar(256), Tags nvarchar(max), UserAccount nvarchar(256), LastOnlineTime datetimeoffset(7)',
  `SELECT content_id AS lab_content, WorkerAgentId, IsEnabled, DisplayName, Description, MachineName, Tags, UserAccount, LastOnlineTime FROM lab_ssis_worker_agents`,
);
view(
  'internal.worker_agents',
  'ssisdb',
  'WorkerAgentId uniqueidentifier, IsEnabled bit, DisplayName nvarchar(256), Description nvarchar(max), MachineName nvarchar(256), Tags nvarchar(max), UserAccount nvarchar(256), LastOnlineTime datetimeoffset(7)',
  `SELECT content_id AS lab_content, WorkerAgentId, IsEnabled, DisplayName, Description, MachineName, Tags, UserAccount, LastOnlineTime FROM lab_ssis_worker_agents`,
);
view(
  'catalog.master_properties',
  'ssisdb',
  'property_name nvarchar(256), property_value nvarchar(max)',
  `SELECT content_id AS lab_content, property_name, property_value FROM lab_ssis_master_properties WHERE property_name <> 'CLUSTER_LOGDB_CONNECTIONSTRING'`,
);
view('internal.master_properties', 'ssisdb', 'property_name nvarchar(256), property_value nvarchar(max)', `SELECT content_id AS lab_content, property_name, property_value FROM lab_ssis_master_properties`);
view(
  'catalog.catalog_properties',
  'ssisdb',
  'property_name nvarchar(256), property_value nvarchar(256)',
  `SELECT content_id AS lab_content, property_name, property_value FROM lab_ssis_catalog_properties
   UNION ALL SELECT content_id, property_name, property_value FROM lab_ssis_master_properties WHERE property_name = 'IS_SCALEOUT_ENABLED'`,
);
view('catalog.alwayson_replicas', 'ssisdb', 'server_name nvarchar(256), state tinyint', `SELECT content_id AS lab_content, server_name, state FROM lab_ssis_alwayson_support_state`);

export const VIEWS: ReadonlyMap<string, ViewDef> = new Map(defs.map((d) => [d.key, d]));

/** Views are TEMP (per connection): whoever opens the file gets them fresh from this code. */
export function createViews(db: Database.Database): void {
  for (const d of defs) {
    db.exec(`DROP VIEW IF EXISTS temp.${d.sqliteName}`);
    db.exec(`CREATE TEMP VIEW ${d.sqliteName} AS ${d.body}`);
  }
}
