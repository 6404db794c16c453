/**
 * SSISDB catalog procedures used by Scale Out, with the behaviour read from SSISDB's
 * definitions (reference §4): permissions, NULL checks, error numbers, and what
 * enable_scaleout does to the logging login.
 */

import type { SqlType } from '@/lib/lab/tds/types';
import { E, SqlError } from '../errors';
import { checkAvailable, isDbRole } from '../exec/security';
import { normalizeGuid } from '../sqltypes';
import { encryptWithKey, hashPassword, randomPassword, randomSid } from '../state/crypto';
import {
  createDbPrincipal,
  createServerPrincipal,
  dbRoleId,
  dropDbPrincipal,
  dropServerPrincipal,
  openDmk,
  setDbRoleMember,
} from '../state/ops';
import { accountNamed } from '../windows-names';
import { REQUIRED, str, type ProcDef, type ProcEnv } from './types';

const nvmax: SqlType = { type: 'nvarchar', length: 'max' };
const nv256: SqlType = { type: 'nvarchar', length: 256 };
const guid: SqlType = { type: 'uniqueidentifier' };

export const LOGDB_LOGIN = '##MS_SSISLogDBWorkerAgentLogin##';
export const LOGDB_USER = '##MS_SSISLogDBWorkerAgentUser##';

function procName(env: ProcEnv): string {
  return env.ctx.procedure;
}

/** EXECUTE is granted to ssis_admin; sysadmin (dbo) always passes. */
function requireSsisAdmin(env: ProcEnv): void {
  const { ctx, db, user } = env;
  if (!db || !user) throw new Error('catalog procedure without SSISDB');
  if (ctx.session.sysadmin || isDbRole(ctx, db, user, 'db_owner') || isDbRole(ctx, db, user, 'ssis_admin')) return;
  const [schema, name] = procName(env).includes('.') ? (procName(env).split('.') as [string, string]) : ['catalog', procName(env)];
  throw E.permissionDenied('EXECUTE', name, db.name, schema);
}

function writable(env: ProcEnv): { contentId: string } {
  const db = env.db as NonNullable<ProcEnv['db']>;
  checkAvailable(env.ctx, db, true);
  return { contentId: db.content_id };
}

function requireDmk(env: ProcEnv): void {
  const db = env.db as NonNullable<ProcEnv['db']>;
  // The connection string is encrypted with a key protected by the database master key.
  if (!openDmk(env.ctx.st, env.ctx.inst.name, db.content_id, db.name, true)) throw E.noMasterKey();
}

function updateLogdbInfo(env: ProcEnv, server: string | null, connectionString: string | null): void {
  if (server === null || connectionString === null) throw E.ssisNullParam(procName(env));
  const { contentId } = writable(env);
  requireDmk(env);
  const content = env.ctx.st.content(contentId);
  if (!content?.logdb_key) throw E.noMasterKey();
  env.ctx.st.setMasterProperty(contentId, 'CLUSTER_LOGDB_SERVER', server);
  env.ctx.st.setMasterProperty(contentId, 'CLUSTER_LOGDB_CONNECTIONSTRING', encryptWithKey(content.logdb_key, connectionString));
  env.ctx.changed();
}

function workerExists(env: ProcEnv, contentId: string, id: string): boolean {
  return env.ctx.st.db.prepare('SELECT 1 FROM lab_ssis_worker_agents WHERE content_id = ? AND WorkerAgentId = ?').get(contentId, id) !== undefined;
}

function setWorkerEnabled(env: ProcEnv, enabled: boolean): void {
  requireSsisAdmin(env);
  const raw = str(env, 'WorkerAgentId');
  const { contentId } = writable(env);
  const id = raw === null ? null : normalizeGuid(raw);
  if (!id || !workerExists(env, contentId, id)) throw E.ssisWorkerNotFound(raw ?? 'NULL', procName(env));
  env.ctx.st.db.prepare('UPDATE lab_ssis_worker_agents SET IsEnabled = ? WHERE content_id = ? AND WorkerAgentId = ?').run(enabled ? 1 : 0, contentId, id);
  env.ctx.changed();
}

export const SSISDB_PROCEDURES: ProcDef[] = [
  {
    key: 'catalog.enable_scaleout',
    home: 'ssisdb',
    params: [],
    run(env) {
      const { ctx } = env;
      // Checked in the procedure's code, not by EXECUTE permission.
      if (!ctx.session.sysadmin) throw E.ssisNotSysadmin();
      if (!ctx.inst.ssis_master_installed) throw E.ssisNoMasterFeature();
      const { contentId } = writable(env);
      requireDmk(env);
      const st = ctx.st;
      const inst = ctx.inst.name;
      const major = ctx.inst.product_version.split('.')[0] ?? '16';
      // The master's virtual account gets a login and an ssis_admin user when it exists on this host
      // (its SID resolves there: the master service is installed).
      const vaLogin = `NT Service\\SSISScaleOutMaster${major}0`;
      const va = accountNamed(st.windowsNames(ctx.inst.machine_name), vaLogin);
      if (va) {
        if (!st.principal(inst, vaLogin) && !st.principalBySid(inst, va.sid)) createServerPrincipal(st, inst, { name: vaLogin, type: 'U', sid: va.sid });
        const vaUser = `SSISScaleOutMasterUser${major}0`;
        if (!st.dbPrincipal(contentId, vaUser)) {
          const uid = createDbPrincipal(st, contentId, { name: vaUser, type: 'U', sid: va.sid });
          setDbRoleMember(st, contentId, dbRoleId(st, contentId, 'ssis_admin'), uid, true);
        }
      }
      // Drop and recreate the logging login: a NEW random SID and a random password nobody learns.
      const old = st.principal(inst, LOGDB_LOGIN);
      if (old) dropServerPrincipal(st, inst, old.principal_id);
      const password = randomPassword();
      const sid = randomSid();
      createServerPrincipal(st, inst, { name: LOGDB_LOGIN, type: 'S', sid, passwordHash: hashPassword(password), checkPolicy: false });
      const oldUser = st.dbPrincipal(contentId, LOGDB_USER);
      if (oldUser) dropDbPrincipal(st, contentId, oldUser.principal_id);
      const uid = createDbPrincipal(st, contentId, { name: LOGDB_USER, type: 'S', sid });
      setDbRoleMember(st, contentId, dbRoleId(st, contentId, 'ssis_cluster_worker'), uid, true);
      const server = ctx.inst.name;
      updateLogdbInfo(env, server, `Data Source=${server};Initial Catalog=SSISDB;User Id=${LOGDB_LOGIN};Password='${password}';`);
      st.setMasterProperty(contentId, 'IS_SCALEOUT_ENABLED', 'TRUE');
      ctx.changed();
    },
  },
  {
    key: 'catalog.update_logdb_info',
    home: 'ssisdb',
    params: [
      { name: 'server_name', type: nvmax, default: REQUIRED },
      { name: 'connection_string', type: nvmax, default: REQUIRED },
    ],
    run(env) {
      requireSsisAdmin(env);
      updateLogdbInfo(env, str(env, 'server_name'), str(env, 'connection_string'));
    },
  },
  {
    key: 'internal.update_logdb_info',
    home: 'ssisdb',
    params: [
      { name: 'server_name', type: nvmax, default: REQUIRED },
      { name: 'connection_string', type: nvmax, default: REQUIRED },
    ],
    run(env) {
      // Not granted to ssis_admin: only sysadmin / db_owner get through.
      const { ctx, db, user } = env;
      if (!ctx.session.sysadmin && !(db && user && isDbRole(ctx, db, user, 'db_owner'))) throw E.permissionDenied('EXECUTE', 'update_logdb_info', 'SSISDB', 'internal');
      updateLogdbInfo(env, str(env, 'server_name'), str(env, 'connection_string'));
    },
  },
  {
    key: 'catalog.update_master_address',
    home: 'ssisdb',
    params: [{ name: 'MasterAddress', type: nv256, default: REQUIRED }],
    run(env) {
      requireSsisAdmin(env);
      const address = str(env, 'MasterAddress');
      if (address === null) throw E.ssisNullParam(procName(env));
      const { contentId } = writable(env);
      env.ctx.st.setMasterProperty(contentId, 'MASTER_ADDRESS', address);
      env.ctx.changed();
    },
  },
  {
    key: 'catalog.enable_worker_agent',
    home: 'ssisdb',
    params: [{ name: 'WorkerAgentId', type: guid, default: REQUIRED }],
    run: (env) => setWorkerEnabled(env, true),
  },
  {
    key: 'catalog.disable_worker_agent',
    home: 'ssisdb',
    params: [{ name: 'WorkerAgentId', type: guid, default: REQUIRED }],
    run: (env) => setWorkerEnabled(env, false),
  },
  {
    key: 'catalog.set_worker_agent_property',
    home: 'ssisdb',
    params: [
      { name: 'WorkerAgentId', type: guid, default: REQUIRED },
      { name: 'PropertyName', type: nv256, default: REQUIRED },
      { name: 'PropertyValue', type: nvmax, default: REQUIRED },
    ],
    run(env) {
      requireSsisAdmin(env);
      const { contentId } = writable(env);
      const raw = str(env, 'WorkerAgentId');
      const id = raw === null ? null : normalizeGuid(raw);
      if (!id || !workerExists(env, contentId, id)) throw E.ssisWorkerNotFound(raw ?? 'NULL', procName(env));
      const prop = str(env, 'PropertyName');
      const column = ['DisplayName', 'Description', 'Tags'].find((p) => p.toLowerCase() === prop?.toLowerCase());
      if (!column) throw E.ssisBadProperty(prop ?? 'NULL');
      env.ctx.st.db.prepare(`UPDATE lab_ssis_worker_agents SET ${column} = ? WHERE content_id = ? AND WorkerAgentId = ?`).run(str(env, 'PropertyValue'), contentId, id);
      env.ctx.changed();
    },
  },
  {
    key: 'catalog.configure_catalog',
    home: 'ssisdb',
    params: [
      { name: 'property_name', type: { type: 'nvarchar', length: 255 }, default: REQUIRED },
      { name: 'property_value', type: { type: 'nvarchar', length: 255 }, default: REQUIRED },
    ],
    run(env) {
      requireSsisAdmin(env);
      const name = str(env, 'property_name');
      const value = str(env, 'property_value');
      if (name === null || value === null) throw E.ssisNullParam(procName(env));
      const { contentId } = writable(env);
      const known = env.ctx.st.db.prepare('SELECT 1 FROM lab_ssis_catalog_properties WHERE content_id = ? AND property_name = ?').get(contentId, name);
      if (!known) throw new SqlError(27101, `The property '${name}' does not exist.`, { procedure: procName(env) });
      env.ctx.st.db.prepare('UPDATE lab_ssis_catalog_properties SET property_value = ? WHERE content_id = ? AND property_name = ?').run(value, contentId, name);
      env.ctx.changed();
    },
  },
  {
    key: 'catalog.startup',
    home: 'ssisdb',
    params: [],
    run(env) {
      requireSsisAdmin(env);
      // Repairs operation states after a restart or failover: needs a writable SSISDB.
      writable(env);
    },
  },
];
