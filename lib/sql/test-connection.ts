// "Test connection" for a SQL target: a fresh login on a throwaway pool (a cached pool could
// hide a password changed since it logged in), then one read of who and what answered.
import 'server-only';
import { targetLabel } from './config';
import { mapError } from './map';
import { openPool } from './pool';
import { DEFAULT_INSTANCE, type ConnectionStatus, type SqlFailure, type SqlTarget } from './types';

export type SqlConnectionTest =
  | ({
      ok: true;
      /** @@SERVERNAME as SERVERPROPERTY reports it: HOST or HOST\INSTANCE (the current primary behind a listener). */
      serverName: string;
      instanceName: string;
      /** Product version, e.g. 16.0.4135.4. */
      version: string;
      edition: string;
      /** Always On availability groups enabled on the instance. */
      hadrEnabled: boolean;
      login: string;
      database: string;
      isSysadmin: boolean;
    } & ConnectionStatus)
  | { ok: false; failure: SqlFailure };

// Constant text, no values: everything is read from the session itself.
export const PROBE_SQL = `SELECT
  CAST(SERVERPROPERTY('ServerName') AS nvarchar(256)) AS server_name,
  CAST(SERVERPROPERTY('InstanceName') AS nvarchar(128)) AS instance_name,
  CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS product_version,
  CAST(SERVERPROPERTY('Edition') AS nvarchar(128)) AS edition,
  CAST(SERVERPROPERTY('IsHadrEnabled') AS int) AS hadr_enabled,
  IS_SRVROLEMEMBER('sysadmin') AS is_sysadmin,
  SUSER_SNAME() AS login_name,
  DB_NAME() AS database_name`;

interface ProbeRow {
  server_name: string | null;
  instance_name: string | null;
  product_version: string | null;
  edition: string | null;
  hadr_enabled: number | null;
  is_sysadmin: number | null;
  login_name: string | null;
  database_name: string | null;
}

export async function testSqlConnection(
  target: SqlTarget,
  timeoutMs = 15_000,
): Promise<SqlConnectionTest> {
  const label = targetLabel(target);
  let entry: ReturnType<typeof openPool> | undefined;
  try {
    entry = openPool({ ...target, connectTimeoutMs: target.connectTimeoutMs ?? timeoutMs });
    const status = await entry.ready;
    const r = await entry.pool.request().query<ProbeRow>(PROBE_SQL);
    const row = r.recordset[0];
    const instanceName = row?.instance_name ?? DEFAULT_INSTANCE;
    const warnings = [...status.warnings];
    if (instanceName.toUpperCase() !== (target.instance || DEFAULT_INSTANCE).toUpperCase())
      warnings.push(
        `${label}: port ${target.port} answers as instance ${instanceName}, not ${target.instance}. Check the port in the inventory.`,
      );
    const isSysadmin = row?.is_sysadmin === 1;
    if (!isSysadmin)
      warnings.push(
        `${label}: ${row?.login_name ?? 'the login'} is not sysadmin; the wizard's steps need sysadmin on every instance.`,
      );
    return {
      ok: true,
      ...status,
      warnings,
      serverName: row?.server_name ?? '',
      instanceName,
      version: row?.product_version ?? '',
      edition: row?.edition ?? '',
      hadrEnabled: row?.hadr_enabled === 1,
      login: row?.login_name ?? '',
      database: row?.database_name ?? '',
      isSysadmin,
    };
  } catch (e) {
    return { ok: false, failure: mapError(e, target) };
  } finally {
    await entry?.pool.close().catch(() => undefined);
  }
}
