/**
 * The lab's SQL Server state as base tables in one SQLite file per lab run. The Windows
 * side of the lab opens the same file, so every table is prefixed `lab_sql_` (engine
 * state) or `lab_ssis_` (SSISDB content) and documented here.
 *
 * Replication model: a database's *content* (users, roles, SSISDB catalog tables) is keyed
 * by `content_id`. A database joined to an availability group on several instances points
 * every replica's `lab_sql_databases` row at the same content, so it is written once (on
 * the primary) and seen from every replica. Logins, server roles, registry values and
 * master-key credentials are keyed by instance and never replicate.
 *
 * Text columns are COLLATE NOCASE: SQL Server's default collation is case-insensitive.
 * Declared types are T-SQL type names; the query translator reads them back.
 */

import type Database from 'better-sqlite3';

export const SCHEMA_VERSION = 1;

const DDL = `
-- One row per SQL Server instance (default instances: name = machine name).
CREATE TABLE IF NOT EXISTS lab_sql_instances (
  name nvarchar(128) NOT NULL COLLATE NOCASE PRIMARY KEY,
  machine_name nvarchar(128) NOT NULL COLLATE NOCASE,
  instance_name nvarchar(128) COLLATE NOCASE,          -- NULL for the default instance
  product_version nvarchar(128) NOT NULL,
  product_level nvarchar(128) NOT NULL,
  edition nvarchar(128) NOT NULL,
  hadr_enabled int NOT NULL,                           -- effective (SERVERPROPERTY('IsHadrEnabled'))
  hadr_enabled_pending int NOT NULL,                   -- set by Enable-SqlAlwaysOn; applies at restart
  login_mode int NOT NULL,                             -- effective: 1 Windows only, 2 mixed
  login_mode_registry int NOT NULL,                    -- HKLM\\...\\MSSQLServer\\MSSQLServer LoginMode; applies at restart
  running int NOT NULL,
  tls_configured int NOT NULL,
  force_encryption int NOT NULL,
  sql_port int NOT NULL,
  ip_address nvarchar(48),
  service_account nvarchar(256),
  ssis_master_installed int NOT NULL,                  -- registry ...\\DTS\\Setup\\SQL_IS_Master exists on the host
  server_id int NOT NULL,
  started_at datetime2(7) NOT NULL
);

-- Server principals (logins and server roles) per instance: sys.server_principals / sys.sql_logins.
CREATE TABLE IF NOT EXISTS lab_sql_server_principals (
  instance nvarchar(128) NOT NULL COLLATE NOCASE,
  principal_id int NOT NULL,
  name nvarchar(128) NOT NULL COLLATE NOCASE,
  sid varbinary(85),
  type char(1) NOT NULL,                               -- S SQL login, U Windows login, G Windows group, R server role
  is_disabled int NOT NULL DEFAULT 0,
  is_fixed_role bit NOT NULL DEFAULT 0,
  owning_principal_id int,
  default_database_name nvarchar(128) COLLATE NOCASE,
  default_language_name nvarchar(128),
  password_hash varbinary(256),                        -- SQL Server verifier format, never the password
  is_policy_checked bit,
  is_expiration_checked bit,
  must_change int NOT NULL DEFAULT 0,
  create_date datetime NOT NULL,
  modify_date datetime NOT NULL,
  PRIMARY KEY (instance, name),
  UNIQUE (instance, principal_id)
);

CREATE TABLE IF NOT EXISTS lab_sql_server_role_members (
  instance nvarchar(128) NOT NULL COLLATE NOCASE,
  role_principal_id int NOT NULL,
  member_principal_id int NOT NULL,
  PRIMARY KEY (instance, role_principal_id, member_principal_id)
);

-- Databases as each instance sees them. content_id says where the data lives.
CREATE TABLE IF NOT EXISTS lab_sql_databases (
  instance nvarchar(128) NOT NULL COLLATE NOCASE,
  name nvarchar(128) NOT NULL COLLATE NOCASE,
  database_id int NOT NULL,
  content_id nvarchar(64) NOT NULL,
  state int NOT NULL DEFAULT 0,                        -- 0 ONLINE, 1 RESTORING, 6 OFFLINE
  recovery_model int NOT NULL DEFAULT 1,               -- 1 FULL, 2 BULK_LOGGED, 3 SIMPLE
  is_read_only bit NOT NULL DEFAULT 0,
  owner_sid varbinary(85),
  group_database_id uniqueidentifier,                  -- set when joined to an availability group
  create_date datetime NOT NULL,
  PRIMARY KEY (instance, name)
);

-- One row per database content (shared by the replicas of an AG database).
CREATE TABLE IF NOT EXISTS lab_sql_db_contents (
  content_id nvarchar(64) NOT NULL PRIMARY KEY,
  name nvarchar(128) NOT NULL COLLATE NOCASE,
  guest_enabled int NOT NULL DEFAULT 0,
  dmk_verifier varbinary(256),                         -- database master key password verifier; NULL = no DMK
  logdb_key varbinary(32)                              -- SSISDB: the key standing in for MS_Enckey_LOGDB
);

-- Instances whose service master key encrypts the database master key (it opens there automatically).
CREATE TABLE IF NOT EXISTS lab_sql_dmk_smk (
  content_id nvarchar(64) NOT NULL,
  instance nvarchar(128) NOT NULL COLLATE NOCASE,
  PRIMARY KEY (content_id, instance)
);

CREATE TABLE IF NOT EXISTS lab_sql_db_principals (
  content_id nvarchar(64) NOT NULL,
  principal_id int NOT NULL,
  name nvarchar(128) NOT NULL COLLATE NOCASE,
  type char(1) NOT NULL,                               -- S SQL user, U Windows user, R database role
  sid varbinary(85),
  default_schema_name nvarchar(128),
  is_fixed_role bit NOT NULL DEFAULT 0,
  owning_principal_id int,
  authentication_type int NOT NULL DEFAULT 0,          -- 0 NONE, 1 INSTANCE, 3 WINDOWS
  create_date datetime NOT NULL,
  modify_date datetime NOT NULL,
  PRIMARY KEY (content_id, name),
  UNIQUE (content_id, principal_id)
);

CREATE TABLE IF NOT EXISTS lab_sql_db_role_members (
  content_id nvarchar(64) NOT NULL,
  role_principal_id int NOT NULL,
  member_principal_id int NOT NULL,
  PRIMARY KEY (content_id, role_principal_id, member_principal_id)
);

-- Stored procedures a check may look for (sys.procedures), per database content. The lab keeps
-- only the ones state depends on (master.dbo.sp_ssis_startup); its own system and catalog
-- procedures are code (procedures/), not rows.
CREATE TABLE IF NOT EXISTS lab_sql_procedures (
  content_id nvarchar(64) NOT NULL,
  object_id int NOT NULL,
  schema_id int NOT NULL DEFAULT 1,                    -- 1 dbo
  name nvarchar(128) NOT NULL COLLATE NOCASE,
  is_auto_executed bit NOT NULL DEFAULT 0,             -- sp_procoption ... 'startup' (master only)
  create_date datetime NOT NULL,
  modify_date datetime NOT NULL,
  PRIMARY KEY (content_id, schema_id, name)
);

-- sp_control_dbmasterkey_password credentials, per instance (sys.master_key_passwords).
CREATE TABLE IF NOT EXISTS lab_sql_master_key_passwords (
  instance nvarchar(128) NOT NULL COLLATE NOCASE,
  credential_id int NOT NULL,
  db_name nvarchar(128) NOT NULL COLLATE NOCASE,
  family_guid uniqueidentifier NOT NULL,
  password_verifier varbinary(256) NOT NULL,        -- salted hash of the secret; never the password
  PRIMARY KEY (instance, credential_id)
);

-- Availability groups (cluster-wide metadata).
CREATE TABLE IF NOT EXISTS lab_sql_ags (
  group_id uniqueidentifier NOT NULL PRIMARY KEY,
  name nvarchar(128) NOT NULL COLLATE NOCASE UNIQUE,
  resource_id nvarchar(40) NOT NULL,
  resource_group_id nvarchar(40) NOT NULL,
  primary_instance nvarchar(128) COLLATE NOCASE,       -- NULL while no replica holds the primary role
  failure_condition_level int NOT NULL DEFAULT 3,
  health_check_timeout int NOT NULL DEFAULT 30000,
  automated_backup_preference int NOT NULL DEFAULT 2,
  sequence_number bigint NOT NULL DEFAULT 1
);

CREATE TABLE IF NOT EXISTS lab_sql_ag_replicas (
  replica_id uniqueidentifier NOT NULL PRIMARY KEY,
  group_id uniqueidentifier NOT NULL,
  replica_metadata_id int NOT NULL,
  replica_server_name nvarchar(256) NOT NULL COLLATE NOCASE,
  endpoint_url nvarchar(128),
  availability_mode int NOT NULL DEFAULT 1,            -- 0 async, 1 sync
  failover_mode int NOT NULL DEFAULT 0,                -- 0 automatic, 1 manual
  session_timeout int NOT NULL DEFAULT 10,
  primary_role_allow_connections int NOT NULL DEFAULT 2,
  secondary_role_allow_connections int NOT NULL DEFAULT 0,
  backup_priority int NOT NULL DEFAULT 50,
  read_only_routing_url nvarchar(256),
  create_date datetime NOT NULL,
  modify_date datetime NOT NULL,
  UNIQUE (group_id, replica_server_name)
);

CREATE TABLE IF NOT EXISTS lab_sql_ag_listeners (
  listener_id nvarchar(36) NOT NULL PRIMARY KEY,
  group_id uniqueidentifier NOT NULL,
  dns_name nvarchar(63) NOT NULL COLLATE NOCASE UNIQUE,
  port int,                                            -- NULL when created outside SQL Server
  is_conformant bit NOT NULL DEFAULT 1
);

CREATE TABLE IF NOT EXISTS lab_sql_ag_listener_ips (
  listener_id nvarchar(36) NOT NULL,
  ip_address nvarchar(48) NOT NULL,
  ip_subnet_mask nvarchar(15),
  is_dhcp bit NOT NULL DEFAULT 0,
  network_subnet_ip nvarchar(48),
  network_subnet_prefix_length int,
  network_subnet_ipv4_mask nvarchar(45),
  state int NOT NULL DEFAULT 1,
  PRIMARY KEY (listener_id, ip_address)
);

-- The failover cluster's networks per member node (sys.dm_hadr_cluster_networks), cluster-wide.
CREATE TABLE IF NOT EXISTS lab_sql_cluster_networks (
  member_name nvarchar(128) NOT NULL COLLATE NOCASE,
  network_subnet_ip nvarchar(48) NOT NULL,
  network_subnet_ipv4_mask nvarchar(45),               -- NULL for an IPv6 subnet
  network_subnet_prefix_length int NOT NULL,
  is_public bit NOT NULL DEFAULT 1,
  is_ipv4 bit NOT NULL DEFAULT 1,
  PRIMARY KEY (member_name, network_subnet_ip, network_subnet_prefix_length)
);

-- Databases of an AG, cluster-wide (sys.availability_databases_cluster).
CREATE TABLE IF NOT EXISTS lab_sql_ag_databases (
  group_id uniqueidentifier NOT NULL,
  group_database_id uniqueidentifier NOT NULL PRIMARY KEY,
  database_name nvarchar(128) NOT NULL COLLATE NOCASE,
  content_id nvarchar(64) NOT NULL
);

-- Per replica state of each AG database (sys.dm_hadr_database_replica_states).
CREATE TABLE IF NOT EXISTS lab_sql_ag_db_replicas (
  group_database_id uniqueidentifier NOT NULL,
  replica_id uniqueidentifier NOT NULL,
  synchronization_state int NOT NULL DEFAULT 2,
  is_suspended bit NOT NULL DEFAULT 0,
  PRIMARY KEY (group_database_id, replica_id)
);

-- Live connections (sys.dm_exec_connections); cleared when the lab opens the file.
CREATE TABLE IF NOT EXISTS lab_sql_sessions (
  session_id int NOT NULL,
  instance nvarchar(128) NOT NULL COLLATE NOCASE,
  login_name nvarchar(128) NOT NULL COLLATE NOCASE,
  encrypt_option nvarchar(40) NOT NULL,
  auth_scheme nvarchar(40) NOT NULL,
  connect_time datetime NOT NULL,
  client_net_address varchar(48),
  client_tcp_port int,
  local_tcp_port int,
  net_packet_size int NOT NULL DEFAULT 4096,
  connection_id uniqueidentifier NOT NULL,
  PRIMARY KEY (instance, session_id)
);

-- What SQL Server writes to its error log (failed logins with their real state, restarts).
CREATE TABLE IF NOT EXISTS lab_sql_errorlog (
  id integer PRIMARY KEY AUTOINCREMENT,
  instance nvarchar(128) NOT NULL COLLATE NOCASE,
  log_date datetime NOT NULL,
  process_info nvarchar(64) NOT NULL,
  text nvarchar(4000) NOT NULL
);

-- SSISDB: internal.master_properties (CLUSTER_LOGDB_CONNECTIONSTRING is stored encrypted).
CREATE TABLE IF NOT EXISTS lab_ssis_master_properties (
  content_id nvarchar(64) NOT NULL,
  property_name nvarchar(256) NOT NULL COLLATE NOCASE,
  property_value text,
  PRIMARY KEY (content_id, property_name)
);

-- SSISDB: internal.catalog_properties.
CREATE TABLE IF NOT EXISTS lab_ssis_catalog_properties (
  content_id nvarchar(64) NOT NULL,
  property_name nvarchar(256) NOT NULL COLLATE NOCASE,
  property_value nvarchar(256),
  PRIMARY KEY (content_id, property_name)
);

-- SSISDB: internal.worker_agents (new workers are disabled).
CREATE TABLE IF NOT EXISTS lab_ssis_worker_agents (
  content_id nvarchar(64) NOT NULL,
  WorkerAgentId uniqueidentifier NOT NULL COLLATE NOCASE,
  IsEnabled bit NOT NULL DEFAULT 0,
  DisplayName nvarchar(256),
  Description text,
  MachineName nvarchar(256) COLLATE NOCASE,
  Tags text,
  UserAccount nvarchar(256),
  LastOnlineTime datetimeoffset(7),
  PRIMARY KEY (content_id, WorkerAgentId)
);

-- SSISDB: internal.alwayson_support_state ("Enable Always On support").
CREATE TABLE IF NOT EXISTS lab_ssis_alwayson_support_state (
  content_id nvarchar(64) NOT NULL,
  server_name nvarchar(256) NOT NULL COLLATE NOCASE,
  state tinyint NOT NULL,
  PRIMARY KEY (content_id, server_name)
);

CREATE TABLE IF NOT EXISTS lab_sql_meta (
  key nvarchar(64) NOT NULL PRIMARY KEY,
  value text
);
`;

export function createSchema(db: Database.Database): void {
  db.exec(DDL);
  db.prepare(`INSERT OR IGNORE INTO lab_sql_meta (key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION));
}
