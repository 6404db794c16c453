/**
 * Starting points for a lab run. Each builds state through the same operations the
 * statements use, so a scenario is a state the lab's physics could have reached.
 *
 * - fresh: SQL Server 2022 on every node, Always On enabled (the HA doc's prerequisite),
 *   mixed mode, the Scale Out Master feature installed on every node (as the Windows side's
 *   fresh scenario has it), SSISDB created on SQLNODE1 only (with its startup procedure) without
 *   Scale Out enabled in it, nothing HA. Every node is on the cluster's network 10.10.0.0/24.
 * - half-done: master feature on every node, Scale Out enabled on SQLNODE1, SSISDB in an
 *   AG with a listener (port 1433), the DMK password registered on the secondaries and
 *   Always On support enabled (sp_ssis_startup on every replica); the logging login exists
 *   only on the primary.
 * - misconfigured: half-done, but the logging login on SQLNODE2 has another SID, SQLNODE2
 *   is Windows-authentication only, the listener has no port, the DMK credential on
 *   SQLNODE2 holds a wrong password, a registered worker is still disabled, and the master
 *   address names the AG listener (the documented mistake) instead of the master's name.
 */

import { Store, nowIso } from './state/store';
import { hashPassword, newGuid, randomPassword, randomSid } from './state/crypto';
import {
  FIXED_SERVER_ROLES,
  addClusterNetwork,
  addListenerRow,
  createAg,
  createContent,
  createDatabaseRow,
  createDbPrincipal,
  createServerPrincipal,
  createStartupProcedure,
  dbRoleId,
  familyGuid,
  recordAlwaysOnReplicas,
  roleId,
  setDbRoleMember,
  setServerRoleMember,
} from './state/ops';
import { windowsSid } from './windows-names';
import { LOGDB_LOGIN, LOGDB_USER } from './procedures/ssisdb';
import { encryptWithKey } from './state/crypto';

export type ScenarioName = 'fresh' | 'half-done' | 'misconfigured';
export const SCENARIOS: readonly ScenarioName[] = ['fresh', 'half-done', 'misconfigured'];

/** Lab credentials (documented in endpoints.json; these are lab-only secrets). */
export const LAB_SQL_LOGINS = {
  admin: { user: 'labadmin', password: 'LabAdmin#2022!' },
  reader: { user: 'labreader', password: 'LabReader#2022!' },
} as const;
export const LAB_DMK_PASSWORD = 'LabSsisdbDmk#2022!';
export const LAB_DOMAIN_ADMIN = 'LAB\\sqladmin';
export const LAB_AG = 'SSISDB-AG';
export const LAB_LISTENER = { dnsName: 'SSISLISTENER', ip: '10.10.0.50', mask: '255.255.255.0', port: 1433 } as const;
export const LAB_VERSION = '16.0.4135.4';

export interface ScenarioOptions {
  /** 2 (default) or 3 SQL nodes. */
  nodes?: 2 | 3;
}

function node(i: number): string {
  return `SQLNODE${i}`;
}

function addInstance(st: Store, name: string, ip: string, serverId: number): void {
  st.db
    .prepare(
      `INSERT INTO lab_sql_instances (name, machine_name, instance_name, product_version, product_level, edition, hadr_enabled, hadr_enabled_pending, login_mode,
         login_mode_registry, running, tls_configured, force_encryption, sql_port, ip_address, service_account, ssis_master_installed, server_id, started_at)
       VALUES (?, ?, NULL, ?, 'RTM', 'Developer Edition (64-bit)', 1, 1, 2, 2, 1, 1, 0, 1433, ?, 'LAB\\svc-sql', 0, ?, ?)`,
    )
    .run(name, name, LAB_VERSION, ip, serverId, nowIso());
  // Every SQL node is a member of the lab's failover cluster, on its one network (the listener's subnet).
  addClusterNetwork(st, name, ip, LAB_LISTENER.mask);
  FIXED_SERVER_ROLES.forEach((r, k) => createServerPrincipal(st, name, { name: r, type: 'R', sid: Buffer.from([k + 3]), fixedRole: true, principalId: 3 + k }));
  createServerPrincipal(st, name, { name: 'public', type: 'R', sid: Buffer.from([2]), principalId: 2 });
  // sa exists everywhere, disabled, with a password nobody knows.
  createServerPrincipal(st, name, { name: 'sa', type: 'S', sid: Buffer.from([1]), passwordHash: hashPassword(randomPassword()), disabled: true, principalId: 1 });
  const sysadmin = roleId(st, name, 'sysadmin');
  setServerRoleMember(st, name, sysadmin, 1, true);
  for (const w of ['NT AUTHORITY\\SYSTEM', 'NT SERVICE\\MSSQLSERVER', 'NT SERVICE\\SQLSERVERAGENT', LAB_DOMAIN_ADMIN]) {
    const id = createServerPrincipal(st, name, { name: w, type: 'U', sid: windowsSid(w) });
    if (w !== 'NT AUTHORITY\\SYSTEM') setServerRoleMember(st, name, sysadmin, id, true);
  }
  const admin = createServerPrincipal(st, name, { name: LAB_SQL_LOGINS.admin.user, type: 'S', sid: randomSid(), passwordHash: hashPassword(LAB_SQL_LOGINS.admin.password) });
  setServerRoleMember(st, name, sysadmin, admin, true);
  createServerPrincipal(st, name, { name: LAB_SQL_LOGINS.reader.user, type: 'S', sid: randomSid(), passwordHash: hashPassword(LAB_SQL_LOGINS.reader.password) });
  ['master', 'tempdb', 'model', 'msdb'].forEach((db, k) => {
    const content = createContent(st, db, { guest: db !== 'model' });
    createDatabaseRow(st, name, db, content, { databaseId: k + 1, recoveryModel: db === 'master' || db === 'tempdb' ? 3 : 1 });
  });
}

function createSsisdb(st: Store, instance: string): string {
  const content = createContent(st, 'SSISDB', { ssisdb: true });
  createDatabaseRow(st, instance, 'SSISDB', content, { recoveryModel: 1 });
  // Create Catalog protects the catalog with a database master key encrypted by this instance's SMK.
  st.db.prepare('UPDATE lab_sql_db_contents SET dmk_verifier = ? WHERE content_id = ?').run(hashPassword(LAB_DMK_PASSWORD), content);
  st.db.prepare('INSERT INTO lab_sql_dmk_smk (content_id, instance) VALUES (?, ?)').run(content, instance);
  // ...with "Enable automatic execution of Integration Services stored procedure at SQL Server startup" ticked.
  createStartupProcedure(st, instance);
  const cleanup = createServerPrincipal(st, instance, {
    name: '##MS_SSISServerCleanupJobLogin##',
    type: 'S',
    sid: randomSid(),
    passwordHash: hashPassword(randomPassword()),
    checkPolicy: false,
    disabled: true,
  });
  const cleanupSid = st.principalById(instance, cleanup)?.sid ?? null;
  createDbPrincipal(st, content, { name: '##MS_SSISServerCleanupJobUser##', type: 'S', sid: cleanupSid });
  createDbPrincipal(st, content, { name: 'AllSchemaOwner', type: 'S', sid: randomSid(), authenticationType: 0 });
  // labreader can open SSISDB but has no SSIS role: catalog.worker_agents shows it nothing.
  const reader = st.principal(instance, LAB_SQL_LOGINS.reader.user);
  if (reader?.sid) createDbPrincipal(st, content, { name: LAB_SQL_LOGINS.reader.user, type: 'S', sid: reader.sid });
  const catalog: [string, string][] = [
    ['DEFAULT_EXECUTION_MODE', '0'],
    ['ENCRYPTION_ALGORITHM', 'AES_256'],
    ['MAX_PROJECT_VERSIONS', '10'],
    ['OPERATION_CLEANUP_ENABLED', 'TRUE'],
    ['RETENTION_WINDOW', '365'],
    ['SCHEMA_BUILD', LAB_VERSION],
    ['SCHEMA_VERSION', '8'],
    ['SERVER_CUSTOMIZED_LOGGING_LEVEL', ''],
    ['SERVER_LOGGING_LEVEL', '1'],
    ['VERSION_CLEANUP_ENABLED', 'TRUE'],
  ];
  for (const [n, v] of catalog) st.db.prepare('INSERT INTO lab_ssis_catalog_properties VALUES (?, ?, ?)').run(content, n, v);
  st.setMasterProperty(content, 'IS_SCALEOUT_ENABLED', 'FALSE');
  return content;
}

/** What catalog.enable_scaleout leaves behind on `instance` (without going through T-SQL). */
function enableScaleOut(st: Store, instance: string, content: string): void {
  const va = 'NT Service\\SSISScaleOutMaster160';
  if (!st.principal(instance, va)) createServerPrincipal(st, instance, { name: va, type: 'U', sid: windowsSid(va) });
  const vaUser = createDbPrincipal(st, content, { name: 'SSISScaleOutMasterUser160', type: 'U', sid: windowsSid(va) });
  setDbRoleMember(st, content, dbRoleId(st, content, 'ssis_admin'), vaUser, true);
  const sid = randomSid();
  const password = randomPassword();
  createServerPrincipal(st, instance, { name: LOGDB_LOGIN, type: 'S', sid, passwordHash: hashPassword(password), checkPolicy: false });
  const uid = createDbPrincipal(st, content, { name: LOGDB_USER, type: 'S', sid });
  setDbRoleMember(st, content, dbRoleId(st, content, 'ssis_cluster_worker'), uid, true);
  const key = st.content(content)?.logdb_key as Buffer;
  st.setMasterProperty(content, 'CLUSTER_LOGDB_SERVER', instance);
  st.setMasterProperty(content, 'CLUSTER_LOGDB_CONNECTIONSTRING', encryptWithKey(key, `Data Source=${instance};Initial Catalog=SSISDB;User Id=${LOGDB_LOGIN};Password='${password}';`));
  st.setMasterProperty(content, 'IS_SCALEOUT_ENABLED', 'TRUE');
  st.setMasterProperty(content, 'MASTER_ADDRESS', `https://${instance}:8391`);
  st.setMasterProperty(content, 'MASTER_SERVICE_PORT', '8391');
  st.setMasterProperty(content, 'MACHINE_NAME', instance);
}

function addDmkCredential(st: Store, instance: string, content: string, password: string): void {
  const verifierSalt = st.content(content)?.dmk_verifier?.subarray(2, 6);
  st.db
    .prepare('INSERT INTO lab_sql_master_key_passwords (instance, credential_id, db_name, family_guid, password_verifier) VALUES (?, 65536, ?, ?, ?)')
    .run(instance, 'SSISDB', familyGuid(content), hashPassword(password, verifierSalt));
}

export function buildScenario(st: Store, name: ScenarioName, opts: ScenarioOptions = {}): void {
  const count = opts.nodes ?? 2;
  const nodes = Array.from({ length: count }, (_, k) => node(k + 1));
  nodes.forEach((n, k) => addInstance(st, n, `10.10.0.${11 + k}`, k));
  const primary = nodes[0] as string;
  // SQL Setup's Scale Out Master feature (registry ...\DTS\Setup\SQL_IS_Master) on every master node.
  for (const n of nodes) st.db.prepare('UPDATE lab_sql_instances SET ssis_master_installed = 1 WHERE name = ?').run(n);
  const content = createSsisdb(st, primary);
  st.errorlog(primary, 'Server', `Lab scenario '${name}' built.`);
  if (name === 'fresh') return;

  enableScaleOut(st, primary, content);
  createAg(st, {
    name: LAB_AG,
    primary,
    replicas: nodes.map((n, k) => (k < 2 ? { server: n } : { server: n, availabilityMode: 0, failoverMode: 1 })),
    databases: ['SSISDB'],
  });
  const ag = st.ag(LAB_AG);
  if (!ag) throw new Error('AG not created');
  for (const n of nodes.slice(1)) addDmkCredential(st, n, content, LAB_DMK_PASSWORD);
  // "Enable Always On support": a row per replica, and master.dbo.sp_ssis_startup on each (§5.2).
  recordAlwaysOnReplicas(st, content, nodes, primary);
  for (const n of nodes) createStartupProcedure(st, n);

  if (name === 'half-done') {
    addListenerRow(st, ag.group_id, LAB_LISTENER.dnsName, LAB_LISTENER.port, [{ ip: LAB_LISTENER.ip, mask: LAB_LISTENER.mask }]);
    return;
  }

  // misconfigured
  const second = nodes[1] as string;
  // Someone "added the login to the secondary" without SID =: same name, different SID.
  createServerPrincipal(st, second, { name: LOGDB_LOGIN, type: 'S', sid: randomSid(), passwordHash: hashPassword(randomPassword()), checkPolicy: false });
  st.db.prepare('UPDATE lab_sql_instances SET login_mode = 1, login_mode_registry = 1 WHERE name = ?').run(second);
  // A listener created in Failover Cluster Manager: SQL Server knows no port for it.
  addListenerRow(st, ag.group_id, LAB_LISTENER.dnsName, null, [{ ip: LAB_LISTENER.ip, mask: LAB_LISTENER.mask }]);
  st.db.prepare('DELETE FROM lab_sql_master_key_passwords WHERE instance = ?').run(second);
  addDmkCredential(st, second, content, 'NotTheDmkPassword#1');
  // catalog.update_master_address run with the listener: workers are then told the wrong host.
  st.setMasterProperty(content, 'MASTER_ADDRESS', `https://${LAB_LISTENER.dnsName}:8391`);
  st.db
    .prepare(
      `INSERT INTO lab_ssis_worker_agents (content_id, WorkerAgentId, IsEnabled, DisplayName, Description, MachineName, Tags, UserAccount, LastOnlineTime)
       VALUES (?, ?, 0, 'WORKER1', '', 'WORKER1', NULL, 'NT Service\\SSISScaleOutWorker160', ?)`,
    )
    .run(content, newGuid(), nowIso());
}
