// Reads: one batch per master node (in parallel), then SSISDB on the primary, and a sign-in
// through the listener as the logging login. Read-only throughout.
import 'server-only';
import { z } from 'zod';
import { psScript } from '@/lib/powershell/scripts';
import { closePool, isSqlFailureError, query, queryRows, type Row, type SqlTarget } from '@/lib/sql';
import type { StepContext } from '../context';
import { loginRow, propertyRow, regRow, roleRow, serverRow, userRow, winrmLoginModeSchema, type CatalogRead, type Maybe, type NodeResult, type SigninRead, type WinrmLoginMode } from './model';
import { LOGDB_LOGIN, LOGDB_USER, sameName, sqlServiceOf, SSISDB } from './names';

// PWDCOMPARE checks the wizard's password against the stored hash without signing in (a
// Windows-only or unreachable instance could not be signed in to anyway).
const NODE_BATCH = `
SELECT @@SERVERNAME AS server_name, CAST(SERVERPROPERTY('IsIntegratedSecurityOnly') AS int) AS windows_only;
SELECT rs.role_desc
  FROM sys.availability_groups g
  JOIN sys.availability_replicas r ON r.group_id = g.group_id
  JOIN sys.dm_hadr_availability_replica_states rs ON rs.replica_id = r.replica_id
 WHERE g.name = @ag AND rs.is_local = 1;
SELECT name, sid, is_disabled, is_policy_checked, PWDCOMPARE(@pw, password_hash) AS pw_ok
  FROM sys.sql_logins
 WHERE name = @login;`;

// SSMS reads and writes the authentication mode here (Server Properties > Security); the
// instance-relative key is mapped to the instance's own by xp_instance_*.
export const LOGIN_MODE_KEY = 'Software\\Microsoft\\MSSQLServer\\MSSQLServer';
const REGREAD_SQL = `EXEC xp_instance_regread N'HKEY_LOCAL_MACHINE', N'${LOGIN_MODE_KEY}', N'LoginMode';`;

const CATALOG_BATCH = `
SELECT sid FROM sys.database_principals WHERE name = @user;
SELECT property_name, property_value FROM catalog.master_properties;`;

export const errorText = (e: unknown): string => (isSqlFailureError(e) ? e.failure.message : e instanceof Error ? e.message : String(e));

async function maybe<T>(read: () => Promise<T>): Promise<Maybe<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (e) {
    return { ok: false, error: errorText(e) };
  }
}

function rowsOf<S extends z.ZodType>(sets: Row[][], i: number, schema: S, what: string): z.infer<S>[] {
  const parsed = z.array(schema).safeParse(sets[i] ?? []);
  if (!parsed.success) throw new Error(`${what}: the result did not have the expected shape (${parsed.error.issues[0]?.message ?? 'unknown'}).`);
  return parsed.data;
}

export async function readRegistryLoginMode(target: SqlTarget, signal?: AbortSignal): Promise<number | null> {
  const rows = await queryRows(target, REGREAD_SQL, {}, regRow, signal ? { signal } : {});
  return rows[0]?.Data ?? null;
}

export async function readNode(ctx: Pick<StepContext, 'sql' | 'inventory'>, node: string, password: string | undefined, signal?: AbortSignal): Promise<NodeResult> {
  try {
    const target = ctx.sql(node);
    const params = {
      ag: { type: 'sysname', value: ctx.inventory.agName },
      login: { type: 'sysname', value: LOGDB_LOGIN },
      pw: { type: 'nvarchar', value: password ?? '', secret: true },
    } as const;
    const [batch, registryLoginMode] = await Promise.all([query(target, NODE_BATCH, params, signal ? { signal } : {}), maybe(() => readRegistryLoginMode(target, signal))]);
    const sets = batch.recordsets;
    const server = rowsOf(sets, 0, serverRow, node)[0];
    if (!server) throw new Error(`${node}: @@SERVERNAME returned no row.`);
    const login = rowsOf(sets, 2, loginRow, node)[0];
    return {
      node,
      ok: true,
      read: {
        serverName: server.server_name,
        windowsOnly: server.windows_only === 1,
        role: rowsOf(sets, 1, roleRow, node)[0]?.role_desc ?? null,
        login: login
          ? { sid: login.sid, disabled: login.is_disabled === true, policyChecked: login.is_policy_checked === true, passwordOk: password ? login.pw_ok === 1 : null }
          : null,
        registryLoginMode,
      },
    };
  } catch (e) {
    return { node, ok: false, error: errorText(e), loginRefused: isSqlFailureError(e) && e.failure.layer === 'login' };
  }
}

function masterOf(ctx: Pick<StepContext, 'inventory'>, node: string) {
  const m = ctx.inventory.masters.find((x) => sameName(x.hostName, node));
  if (!m) throw new Error(`${node} is not a master node of this deployment.`);
  return m;
}

/** LoginMode in the registry and the instance's service, over WinRM: for a node SQL cannot read. */
export async function readLoginModeOverWinrm(ctx: Pick<StepContext, 'winrm' | 'inventory'>, node: string, signal?: AbortSignal): Promise<WinrmLoginMode> {
  const m = masterOf(ctx, node);
  const { value } = await ctx.winrm(node).runPowerShell(psScript('logging-login-mode-probe.ps1'), {
    params: { InstanceName: m.sqlInstance, ServiceName: sqlServiceOf(m) },
    schema: winrmLoginModeSchema,
    idempotent: true,
    ...(signal ? { signal } : {}),
  });
  return value;
}

/** A node over SQL; when SQL cannot read it, LoginMode and the service over WinRM as well. */
export async function readNodeOrRegistry(ctx: Pick<StepContext, 'sql' | 'winrm' | 'inventory'>, node: string, password: string | undefined, signal?: AbortSignal): Promise<NodeResult> {
  const n = await readNode(ctx, node, password, signal);
  if (n.ok) return n;
  return { ...n, winrm: await maybe(() => readLoginModeOverWinrm(ctx, node, signal)) };
}

export async function readCatalog(ctx: Pick<StepContext, 'sql'>, primary: string, signal?: AbortSignal): Promise<CatalogRead> {
  const r = await query(ctx.sql(primary, SSISDB), CATALOG_BATCH, { user: { type: 'sysname', value: LOGDB_USER } }, signal ? { signal } : {});
  const user = rowsOf(r.recordsets, 0, userRow, primary)[0];
  const props = rowsOf(r.recordsets, 1, propertyRow, primary);
  return { userSid: user?.sid ?? null, logdbServer: props.find((p) => p.property_name.toUpperCase() === 'CLUSTER_LOGDB_SERVER')?.property_value ?? null };
}

/** The logging login through the listener into SSISDB, as a worker signs in; the pool is closed after. */
export async function signInThroughListener(ctx: Pick<StepContext, 'sql'>, password: string): Promise<SigninRead> {
  const base = ctx.sql({ listener: true }, SSISDB);
  const target: SqlTarget = { ...base, auth: { kind: 'sql', user: LOGDB_LOGIN, password } };
  try {
    const rows = await queryRows(target, "SELECT property_value FROM catalog.master_properties WHERE property_name = N'CLUSTER_LOGDB_SERVER';", {}, z.object({ property_value: z.string().nullable() }));
    return { ok: true, logdbServer: rows[0]?.property_value ?? null };
  } catch (e) {
    return { ok: false, error: errorText(e) };
  } finally {
    // An open session of the login would block DROP LOGIN (error 15434) on the primary later.
    await closePool(target).catch(() => undefined);
  }
}
