/**
 * The simulated Windows hosts as tables in the lab run's SQLite file. The SQL side of the lab
 * shares the file (its tables are `lab_sql_*` / `lab_ssis_*`), so every table here is `win_*`.
 * Text that Windows compares case-insensitively (host, service, cluster names, registry keys)
 * is COLLATE NOCASE. Files live outside the database, in a real folder per host.
 */

import type Database from 'better-sqlite3';

const DDL = `
CREATE TABLE IF NOT EXISTS win_hosts (
  name TEXT NOT NULL COLLATE NOCASE PRIMARY KEY,
  fqdn TEXT NOT NULL COLLATE NOCASE,
  domain TEXT NOT NULL,
  ip TEXT NOT NULL,
  up INTEGER NOT NULL DEFAULT 1,
  pending_reboot INTEGER NOT NULL DEFAULT 0,
  boot_time TEXT NOT NULL
);

-- Only features that are not simply Available get a row.
CREATE TABLE IF NOT EXISTS win_features (
  host TEXT NOT NULL COLLATE NOCASE,
  name TEXT NOT NULL COLLATE NOCASE,
  install_state TEXT NOT NULL,
  PRIMARY KEY (host, name)
);

CREATE TABLE IF NOT EXISTS win_services (
  host TEXT NOT NULL COLLATE NOCASE,
  name TEXT NOT NULL COLLATE NOCASE,
  display_name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  start_type TEXT NOT NULL,
  delayed_auto_start INTEGER NOT NULL DEFAULT 0,
  start_name TEXT NOT NULL,
  logon_valid INTEGER NOT NULL DEFAULT 1,  -- the password SCM holds is the account's; checked at start
  path_name TEXT NOT NULL,
  process_id INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (host, name)
);

-- Domain accounts; only a hash of the password is kept.
CREATE TABLE IF NOT EXISTS win_accounts (
  domain TEXT NOT NULL COLLATE NOCASE,
  name TEXT NOT NULL COLLATE NOCASE,
  password_sha256 TEXT NOT NULL,
  PRIMARY KEY (domain, name)
);

CREATE TABLE IF NOT EXISTS win_certificates (
  host TEXT NOT NULL COLLATE NOCASE,
  store TEXT NOT NULL COLLATE NOCASE,          -- Root, My, ... of LocalMachine
  thumbprint TEXT NOT NULL COLLATE NOCASE,     -- upper-case SHA-1 hex
  der BLOB NOT NULL,
  private_key_pem TEXT,                        -- PKCS#8; NULL = no private key on this host
  exportable INTEGER NOT NULL DEFAULT 0,
  friendly_name TEXT NOT NULL DEFAULT '',
  added_seq INTEGER NOT NULL,                  -- enumeration order of the store
  PRIMARY KEY (host, store, thumbprint)
);

-- HTTP.SYS SSL bindings (netsh http ... sslcert).
CREATE TABLE IF NOT EXISTS win_ssl_bindings (
  host TEXT NOT NULL COLLATE NOCASE,
  ipport TEXT NOT NULL,
  certhash TEXT NOT NULL,
  appid TEXT NOT NULL,
  certstorename TEXT NOT NULL,
  client_cert_negotiation INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (host, ipport)
);

CREATE TABLE IF NOT EXISTS win_registry_keys (
  host TEXT NOT NULL COLLATE NOCASE,
  key TEXT NOT NULL COLLATE NOCASE,            -- HKEY_LOCAL_MACHINE\\SOFTWARE\\...
  PRIMARY KEY (host, key)
);

CREATE TABLE IF NOT EXISTS win_registry_values (
  host TEXT NOT NULL COLLATE NOCASE,
  key TEXT NOT NULL COLLATE NOCASE,
  name TEXT NOT NULL COLLATE NOCASE,
  kind TEXT NOT NULL,
  data TEXT NOT NULL,                          -- JSON
  PRIMARY KEY (host, key, name)
);

CREATE TABLE IF NOT EXISTS win_clusters (
  name TEXT NOT NULL COLLATE NOCASE PRIMARY KEY,
  fqdn TEXT NOT NULL,
  ip TEXT NOT NULL,
  domain TEXT NOT NULL
);

-- A node's state is derived: Down when its host is down, else Paused or Up.
CREATE TABLE IF NOT EXISTS win_cluster_nodes (
  cluster TEXT NOT NULL COLLATE NOCASE,
  name TEXT NOT NULL COLLATE NOCASE,
  node_id INTEGER NOT NULL,
  paused INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (cluster, name)
);

CREATE TABLE IF NOT EXISTS win_cluster_groups (
  cluster TEXT NOT NULL COLLATE NOCASE,
  name TEXT NOT NULL COLLATE NOCASE,
  owner_node TEXT NOT NULL,
  state TEXT NOT NULL,
  group_type TEXT NOT NULL,
  is_core INTEGER NOT NULL DEFAULT 0,
  preferred_owners TEXT NOT NULL DEFAULT '[]', -- JSON
  PRIMARY KEY (cluster, name)
);

CREATE TABLE IF NOT EXISTS win_cluster_resources (
  cluster TEXT NOT NULL COLLATE NOCASE,
  name TEXT NOT NULL COLLATE NOCASE,
  group_name TEXT NOT NULL COLLATE NOCASE,
  resource_type TEXT NOT NULL,
  state TEXT NOT NULL,
  possible_owners TEXT,                        -- JSON list; NULL = every node
  parameters TEXT NOT NULL DEFAULT '{}',       -- JSON
  PRIMARY KEY (cluster, name)
);

CREATE TABLE IF NOT EXISTS win_dns_records (
  name TEXT NOT NULL COLLATE NOCASE PRIMARY KEY, -- FQDN
  ip TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS win_meta (
  key TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL
);
`;

export const WIN_TABLES = [
  'win_hosts',
  'win_features',
  'win_services',
  'win_accounts',
  'win_certificates',
  'win_ssl_bindings',
  'win_registry_keys',
  'win_registry_values',
  'win_clusters',
  'win_cluster_nodes',
  'win_cluster_groups',
  'win_cluster_resources',
  'win_dns_records',
  'win_meta',
] as const;

export function ensureWindowsSchema(db: Database.Database): void {
  db.exec(DDL);
}

/** Empties every win_* table (a scenario reset); other areas' tables are left alone. */
export function clearWindowsTables(db: Database.Database): void {
  db.transaction(() => {
    for (const t of WIN_TABLES) db.prepare(`DELETE FROM ${t}`).run();
  })();
}
