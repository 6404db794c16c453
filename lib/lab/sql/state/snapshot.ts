/** A JSON view of the whole SQL state for the lab's control API: no password hashes, no clear secrets. */

import type { Store } from './store';

export interface LabSqlSnapshot {
  instances: {
    name: string;
    productVersion: string;
    running: boolean;
    hadrEnabled: boolean;
    hadrEnabledPending: boolean;
    loginMode: { effective: 'WINDOWS' | 'MIXED'; registry: 'WINDOWS' | 'MIXED' };
    ssisMasterInstalled: boolean;
    logins: { name: string; type: string; sid: string | null; disabled: boolean; serverRoles: string[] }[];
    databases: { name: string; contentId: string; availabilityGroup: string | null }[];
    masterKeyPasswords: { database: string; familyGuid: string }[];
  }[];
  availabilityGroups: {
    name: string;
    primary: string | null;
    replicas: { server: string; availabilityMode: string; failoverMode: string; secondaryAllowConnections: string; running: boolean }[];
    listeners: { dnsName: string; port: number | null; ips: { ip: string; mask: string | null }[] }[];
    databases: string[];
  }[];
  ssisdb: {
    contentId: string;
    hostedOn: string[];
    masterProperties: Record<string, string | null>;
    catalogProperties: Record<string, string | null>;
    users: { name: string; sid: string | null; roles: string[]; loginOn: Record<string, string | null> }[];
    workers: { id: string; machineName: string; enabled: boolean; lastOnline: string | null }[];
  }[];
}

const hex = (b: Buffer | null): string | null => (b ? '0x' + b.toString('hex').toUpperCase() : null);
const SECRET_PROPERTIES = new Set(['CLUSTER_LOGDB_CONNECTIONSTRING']);

export function buildSnapshot(st: Store): LabSqlSnapshot {
  const db = st.db;
  const instances = st.instances().map((i) => {
    const logins = (
      db.prepare("SELECT principal_id, name, type, sid, is_disabled FROM lab_sql_server_principals WHERE instance = ? AND type <> 'R' ORDER BY name").all(i.name) as {
        principal_id: number;
        name: string;
        type: string;
        sid: Buffer | null;
        is_disabled: number;
      }[]
    ).map((l) => ({
      name: l.name,
      type: l.type,
      sid: hex(l.sid),
      disabled: l.is_disabled === 1,
      serverRoles: (
        db
          .prepare(
            `SELECT r.name FROM lab_sql_server_role_members m JOIN lab_sql_server_principals r ON r.instance = m.instance AND r.principal_id = m.role_principal_id
             WHERE m.instance = ? AND m.member_principal_id = ? ORDER BY r.name`,
          )
          .all(i.name, l.principal_id) as { name: string }[]
      ).map((r) => r.name),
    }));
    const databases = (db.prepare('SELECT name, content_id, group_database_id FROM lab_sql_databases WHERE instance = ? ORDER BY database_id').all(i.name) as {
      name: string;
      content_id: string;
      group_database_id: string | null;
    }[]).map((d) => {
      const ag = d.group_database_id
        ? (db.prepare('SELECT g.name FROM lab_sql_ag_databases x JOIN lab_sql_ags g ON g.group_id = x.group_id WHERE x.group_database_id = ?').get(d.group_database_id) as
            | { name: string }
            | undefined)
        : undefined;
      return { name: d.name, contentId: d.content_id, availabilityGroup: ag?.name ?? null };
    });
    const mkp = (db.prepare('SELECT db_name, family_guid FROM lab_sql_master_key_passwords WHERE instance = ?').all(i.name) as { db_name: string; family_guid: string }[]).map(
      (m) => ({ database: m.db_name, familyGuid: m.family_guid }),
    );
    const mode = (n: number): 'WINDOWS' | 'MIXED' => (n === 2 ? 'MIXED' : 'WINDOWS');
    return {
      name: i.name,
      productVersion: i.product_version,
      running: i.running === 1,
      hadrEnabled: i.hadr_enabled === 1,
      hadrEnabledPending: i.hadr_enabled_pending === 1,
      loginMode: { effective: mode(i.login_mode), registry: mode(i.login_mode_registry) },
      ssisMasterInstalled: i.ssis_master_installed === 1,
      logins,
      databases,
      masterKeyPasswords: mkp,
    };
  });
  const availabilityGroups = st.ags().map((g) => ({
    name: g.name,
    primary: g.primary_instance,
    replicas: st.replicas(g.group_id).map((r) => ({
      server: r.replica_server_name,
      availabilityMode: r.availability_mode === 1 ? 'SYNCHRONOUS_COMMIT' : 'ASYNCHRONOUS_COMMIT',
      failoverMode: r.failover_mode === 0 ? 'AUTOMATIC' : 'MANUAL',
      secondaryAllowConnections: ['NO', 'READ_ONLY', 'ALL'][r.secondary_role_allow_connections] ?? 'NO',
      running: st.instance(r.replica_server_name)?.running === 1,
    })),
    listeners: st.listeners(g.group_id).map((l) => ({
      dnsName: l.dns_name,
      port: l.port,
      ips: db.prepare('SELECT ip_address AS ip, ip_subnet_mask AS mask FROM lab_sql_ag_listener_ips WHERE listener_id = ?').all(l.listener_id) as { ip: string; mask: string | null }[],
    })),
    databases: (db.prepare('SELECT database_name FROM lab_sql_ag_databases WHERE group_id = ?').all(g.group_id) as { database_name: string }[]).map((d) => d.database_name),
  }));
  const contents = db.prepare("SELECT content_id FROM lab_sql_db_contents WHERE name = 'SSISDB'").all() as { content_id: string }[];
  const ssisdb = contents.map(({ content_id: cid }) => {
    const hostedOn = (db.prepare('SELECT instance FROM lab_sql_databases WHERE content_id = ? ORDER BY instance').all(cid) as { instance: string }[]).map((r) => r.instance);
    const props = (table: string): Record<string, string | null> =>
      Object.fromEntries(
        (db.prepare(`SELECT property_name AS n, property_value AS v FROM ${table} WHERE content_id = ? ORDER BY property_name`).all(cid) as { n: string; v: string | null }[]).map(
          (p) => [p.n, SECRET_PROPERTIES.has(p.n.toUpperCase()) && p.v !== null ? '(encrypted)' : p.v],
        ),
      );
    const users = (
      db.prepare("SELECT principal_id, name, sid FROM lab_sql_db_principals WHERE content_id = ? AND type IN ('S', 'U') AND principal_id >= 5 ORDER BY name").all(cid) as {
        principal_id: number;
        name: string;
        sid: Buffer | null;
      }[]
    ).map((u) => ({
      name: u.name,
      sid: hex(u.sid),
      roles: (
        db
          .prepare(
            'SELECT r.name FROM lab_sql_db_role_members m JOIN lab_sql_db_principals r ON r.content_id = m.content_id AND r.principal_id = m.role_principal_id WHERE m.content_id = ? AND m.member_principal_id = ? ORDER BY r.name',
          )
          .all(cid, u.principal_id) as { name: string }[]
      ).map((r) => r.name),
      // Which login each replica maps this user to (null = orphaned there).
      loginOn: Object.fromEntries(hostedOn.map((inst) => [inst, (u.sid && st.principalBySid(inst, u.sid)?.name) || null])),
    }));
    const workers = (db.prepare('SELECT WorkerAgentId, MachineName, IsEnabled, LastOnlineTime FROM lab_ssis_worker_agents WHERE content_id = ?').all(cid) as {
      WorkerAgentId: string;
      MachineName: string;
      IsEnabled: number;
      LastOnlineTime: string | null;
    }[]).map((w) => ({ id: w.WorkerAgentId, machineName: w.MachineName, enabled: w.IsEnabled === 1, lastOnline: w.LastOnlineTime }));
    return { contentId: cid, hostedOn, masterProperties: props('lab_ssis_master_properties'), catalogProperties: props('lab_ssis_catalog_properties'), users, workers };
  });
  return { instances, availabilityGroups, ssisdb };
}
