/**
 * The lab's simulated SQL Server state and T-SQL execution (see state/schema.ts for the
 * SQLite layout shared with the Windows side of the lab).
 *
 *   const engine = openLabSql(file, { scenario: 'half-done' });
 *   const auth = engine.authenticate('SQLNODE1', 'labadmin', pw, 'master');
 *   if (auth.ok) engine.batch('SQLNODE1', 'SELECT @@SERVERNAME', auth.session);
 */

import 'server-only';
import { openEngine, LabSqlEngine, type LabSqlEngineOptions } from './engine';
import { buildScenario, type ScenarioName, type ScenarioOptions } from './scenarios';

export { LabSqlEngine, type LabSqlEngineOptions } from './engine';
export { WELL_KNOWN_ACCOUNTS, domainAccount, serviceAccount, sqlSideWindowsNames, windowsSid, type WindowsAccount, type WindowsNames } from './windows-names';
export type { AuthOutcome } from './auth';
export type { LabSession, SessionOptions } from './session';
export type { LabSqlSnapshot } from './state/snapshot';
export { SqlError } from './errors';
export { quoteName, quoteString } from './tokenizer';
export {
  LAB_AG,
  LAB_DMK_PASSWORD,
  LAB_DOMAIN_ADMIN,
  LAB_LISTENER,
  LAB_SQL_LOGINS,
  LAB_VERSION,
  SCENARIOS,
  type ScenarioName,
  type ScenarioOptions,
} from './scenarios';
export { toTdsAuthResult } from './tds-glue';

export interface OpenLabSqlOptions extends ScenarioOptions, LabSqlEngineOptions {
  /** Starting state when the file is new (or `reset` is set). Default 'fresh'. */
  scenario?: ScenarioName;
  /** Throw away the existing state and build the scenario again. */
  reset?: boolean;
}

const TABLES_IN_ORDER = [
  'lab_sql_instances',
  'lab_sql_server_principals',
  'lab_sql_server_role_members',
  'lab_sql_databases',
  'lab_sql_db_contents',
  'lab_sql_dmk_smk',
  'lab_sql_db_principals',
  'lab_sql_db_role_members',
  'lab_sql_procedures',
  'lab_sql_master_key_passwords',
  'lab_sql_ags',
  'lab_sql_ag_replicas',
  'lab_sql_ag_listeners',
  'lab_sql_ag_listener_ips',
  'lab_sql_ag_databases',
  'lab_sql_ag_db_replicas',
  'lab_sql_cluster_networks',
  'lab_sql_sessions',
  'lab_sql_errorlog',
  'lab_ssis_master_properties',
  'lab_ssis_catalog_properties',
  'lab_ssis_worker_agents',
  'lab_ssis_alwayson_support_state',
];

/** Opens (or creates) the lab's SQL state in `file` (':memory:' for tests). */
export function openLabSql(file: string, opts: OpenLabSqlOptions = {}): LabSqlEngine {
  const engine = openEngine(file, opts.windowsNames ? { windowsNames: opts.windowsNames } : {});
  const st = engine.st;
  const empty = st.instances().length === 0;
  if (empty || opts.reset) {
    engine.db.transaction(() => {
      for (const t of TABLES_IN_ORDER) engine.db.exec(`DELETE FROM ${t}`);
      buildScenario(st, opts.scenario ?? 'fresh', opts);
    })();
  } else {
    // Connections do not survive the lab process.
    engine.db.exec('DELETE FROM lab_sql_sessions');
  }
  return engine;
}
