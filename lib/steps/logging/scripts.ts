// The T-SQL the step runs. The login name goes through quoteName; CREATE/ALTER LOGIN take the
// password only as a literal (quoteNString), so it is in the text that runs, masked in what the
// plan shows and in every error; everything else travels as parameters.
import type { StoredInventory } from '@/lib/inventory/schema';
import { hexLiteral, MASKED, quoteName, quoteNString } from '@/lib/sql/quote';
import { LOGIN_MODE_KEY } from './read';
import { LOGDB_LOGIN, logdbServer, SSISDB } from './names';

const login = () => quoteName(LOGDB_LOGIN, 'login name');
const sidLiteral = (sidHex: string) => hexLiteral(Buffer.from(sidHex, 'hex'));
/** The password as CREATE/ALTER LOGIN needs it: the real literal, or ******** for the plan. */
const pw = (password: string | null) => (password === null ? MASKED : quoteNString(password));

export const createLoginSql = (sidHex: string, password: string | null) =>
  `CREATE LOGIN ${login()} WITH PASSWORD = ${pw(password)}, SID = ${sidLiteral(sidHex)}, CHECK_POLICY = OFF;`;
export const dropLoginSql = () => `DROP LOGIN ${login()};`;
export const alterLoginSql = (password: string | null) => `ALTER LOGIN ${login()} WITH PASSWORD = ${pw(password)}, CHECK_POLICY = OFF;`;
export const enableLoginSql = () => `ALTER LOGIN ${login()} ENABLE;`;

/**
 * What the plan shows for a login that cannot be read before its instance restarts into mixed
 * mode: the operation reads sys.sql_logins when it runs and runs one of these.
 */
export function afterRestartLoginSql(server: string, sidHex: string): string {
  return [
    `-- ${server} refuses SQL logins until it restarts in mixed mode: when this runs (after the restart), the wizard reads sys.sql_logins there and runs one of:`,
    `-- no ${LOGDB_LOGIN}:`,
    createLoginSql(sidHex, null),
    `-- ${LOGDB_LOGIN} with another SID than 0x${sidHex}:`,
    dropLoginSql(),
    createLoginSql(sidHex, null),
    `-- ${LOGDB_LOGIN} with SID 0x${sidHex} (only what differs: the password and CHECK_POLICY, ENABLE):`,
    alterLoginSql(null),
    enableLoginSql(),
  ].join('\n');
}

export const SET_MIXED_MODE_SQL = `EXEC xp_instance_regwrite N'HKEY_LOCAL_MACHINE', N'${LOGIN_MODE_KEY}', N'LoginMode', REG_DWORD, 2;`;

/** What runs, in SSISDB on the primary; the connection string holds the password, so it is a secret parameter. */
export const UPDATE_LOGDB_SQL = 'EXEC catalog.update_logdb_info @server_name = @s, @connection_string = @cs;';

export function updateLogdbShown(inv: Pick<StoredInventory, 'listenerName' | 'listenerPort'>): string {
  return [
    `USE ${quoteName(SSISDB)};`,
    UPDATE_LOGDB_SQL,
    `-- @s  = ${quoteNString(logdbServer(inv))}`,
    `-- @cs = N'Data Source=${logdbServer(inv)};Initial Catalog=${SSISDB};User Id=${LOGDB_LOGIN};Password=********;'`,
  ].join('\n');
}

export const NO_RERUN_WARNING =
  '-- Do not run catalog.enable_scaleout again once this is done: it drops and recreates the login (and its SSISDB user) with a new SID and a random password, which orphans the login on every secondary.';

export function mixedManualInstructions(server: string, node: string): string {
  return [
    `The wizard cannot sign in to ${server} with its SQL login, which is what an instance in Windows-authentication-only mode does to every SQL login.`,
    `  1. Connect to ${server} with Windows authentication (SSMS: Server Properties > Security > "SQL Server and Windows Authentication mode"), or run:`,
    `     ${SET_MIXED_MODE_SQL}`,
    `  2. Restart the SQL Server service on ${node} (SQL Server reads the mode only at startup). If ${server} is the primary replica, the availability group fails over.`,
    '  3. Check this step again.',
  ].join('\n');
}
