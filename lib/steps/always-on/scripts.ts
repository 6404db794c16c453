// The T-SQL the step runs and the instructions of its manual operations. Names that cannot be
// parameters go through quoteName/quoteNString; the DMK password only ever travels as @p.
import { quoteName, quoteNString } from '@/lib/sql/quote';
import { MASK } from '@/lib/sql/failure';
import type { StoredInventory } from '@/lib/inventory/schema';
import { serverNameOf, SSISDB } from './names';

export type ListenerIp = { ip: string; mask?: string };

/** ALTER AVAILABILITY GROUP … ADD LISTENER (ssis-scale-out-ha.md §5.5); IPv6 addresses take no mask. */
export function addListenerSql(ag: string, listener: string, ips: ListenerIp[], port: number): string {
  const list = ips.map((a) => (a.mask ? `(${quoteNString(a.ip)}, ${quoteNString(a.mask)})` : `(${quoteNString(a.ip)})`)).join(', ');
  return `ALTER AVAILABILITY GROUP ${quoteName(ag, 'availability group name')} ADD LISTENER ${quoteNString(listener)} (WITH IP (${list}), PORT = ${port});`;
}

/** Gives a listener made outside SQL Server (sys.availability_group_listeners.port NULL) its port. */
export function modifyListenerPortSql(ag: string, listener: string, port: number): string {
  return `ALTER AVAILABILITY GROUP ${quoteName(ag, 'availability group name')} MODIFY LISTENER ${quoteNString(listener)} (PORT = ${port});`;
}

/** What runs: the password is the parameter @p, never part of the text. */
export const ADD_DMK_PASSWORD_SQL = `EXEC sp_control_dbmasterkey_password @db_name = N'${SSISDB}', @password = @p, @action = N'add';`;

/** What the plan shows for it. */
export const ADD_DMK_PASSWORD_SHOWN = `${ADD_DMK_PASSWORD_SQL}\n-- @p = N'${MASK}': the stored SSISDB master key password, sent as a parameter`;

const SEEDING_WHY =
  'SSISDB joins an availability group only with "Full database and log backup" seeding: automatic seeding and ' +
  'join-only fail on the secondaries with "Please create a master key in the database or open the master key in ' +
  'the session" (sql-docs PR #9052; /work/shared/reference/peers.md, the AG wizard row; ssis-scale-out-ha.md §5.1, §5.3).';

const replicaNames = (inv: StoredInventory) => inv.masters.map(serverNameOf).join(', ');

function listenerLine(inv: StoredInventory): string {
  return `Listener tab: DNS name ${inv.listenerName}, port ${inv.listenerPort}, static IP ${inv.listenerIps}.`;
}

export function createAgInstructions(inv: StoredInventory, primary: string): string {
  return [
    `Create the availability group ${inv.agName} with ${SSISDB}, from ${primary} (the instance that holds ${SSISDB} now).`,
    SEEDING_WHY,
    '',
    'Before you start:',
    `  - ${SSISDB} is in the FULL recovery model and has a full backup.`,
    '  - A network share that the SQL Server service account of every replica can read and write.',
    `  - The password of the ${SSISDB} database master key (the one typed at Create Catalog).`,
    '',
    `In SSMS connect to ${primary}, then Always On High Availability > New Availability Group Wizard:`,
    `  1. Specify Options: name ${inv.agName}, cluster type Windows Server Failover Cluster.`,
    `  2. Select Databases: tick ${SSISDB}, type the master key password in the Password column, Refresh until it "Meets prerequisites".`,
    `  3. Specify Replicas: ${replicaNames(inv)} (every master node), synchronous commit, automatic failover.`,
    `     ${listenerLine(inv)}`,
    '  4. Select Data Synchronization: "Full database and log backup", with the share above.',
    '  5. Validation, Summary, Finish: every line of Results must say Success.',
    '',
    'Then check this step again: the wizard verifies the group, the listener and the master key on each secondary.',
  ].join('\n');
}

export function addSsisdbInstructions(inv: StoredInventory, primary: string): string {
  return [
    `Add ${SSISDB} to the availability group ${inv.agName}.`,
    SEEDING_WHY,
    '',
    `In SSMS connect to the primary ${primary}, then Always On High Availability > Availability Groups > ${inv.agName} > Add Database…:`,
    `  1. Select Databases: tick ${SSISDB} and type its master key password in the Password column.`,
    '  2. Connect to every secondary replica when asked.',
    '  3. Select Data Synchronization: "Full database and log backup", with a share every replica can read and write.',
    '  4. Validation, Summary, Finish: every line of Results must say Success.',
    'Then check this step again.',
  ].join('\n');
}

export function addReplicaInstructions(inv: StoredInventory, primary: string, server: string): string {
  return [
    `Add ${server} as a replica of ${inv.agName}: every master node's instance must be one.`,
    `In SSMS connect to the primary ${primary}, then Availability Groups > ${inv.agName} > Add Replica…:`,
    `  1. Connect to ${server}; synchronous commit, automatic failover; its database mirroring endpoint is created if missing.`,
    '  2. Data Synchronization: "Full database and log backup".',
    `     ${SEEDING_WHY}`,
    '  3. Validation, Summary, Finish.',
    'Then check this step again.',
  ].join('\n');
}

export function repairReplicaInstructions(inv: StoredInventory, primary: string, server: string, problem: string): string {
  return [
    `${server} is not a healthy, synchronized replica of ${inv.agName}: ${problem}`,
    `  1. On the primary ${primary}: Availability Groups > ${inv.agName} > Show Dashboard; read the replica's errors.`,
    `  2. If ${SSISDB} is suspended there, run on ${server}: ALTER DATABASE ${quoteName(SSISDB)} SET HADR RESUME;`,
    `  3. If the replica is disconnected: check that SQL Server runs on ${server}, its mirroring endpoint (TCP 5022 by default) is started and reachable, and the service accounts may CONNECT to each other's endpoints.`,
    'Then check this step again.',
  ].join('\n');
}

export function listenerRouteInstructions(inv: StoredInventory, primary: string, seen: string): string {
  return [
    `A connection to ${inv.listenerName},${inv.listenerPort} did not reach the primary ${primary}: ${seen}`,
    `  1. Failover Cluster Manager: the listener's resources in the ${inv.agName} role are Online (network name and IP ${inv.listenerIps}).`,
    `  2. DNS: ${inv.listenerName} resolves to ${inv.listenerIps} from this wizard's host.`,
    `  3. The firewall on every node allows TCP ${inv.listenerPort}.`,
    'Then check this step again.',
  ].join('\n');
}

export function dmkManualInstructions(server: string): string {
  return [
    `The wizard does not hold the ${SSISDB} database master key password, so it cannot register it on ${server}.`,
    'Enter it in the wizard (deployment secret "ssisdbMasterKeyPassword") and apply again, or run this on that instance yourself:',
    `EXEC sp_control_dbmasterkey_password @db_name = N'${SSISDB}', @password = N'${MASK}', @action = N'add';`,
    'SQL Server does not check this password when it stores it: a wrong one only shows after a failover, as error 15581.',
  ].join('\n');
}

export function enableAlwaysOnInstructions(inv: StoredInventory, primary: string): string {
  const secondaries = inv.masters.map(serverNameOf).filter((s) => s.toUpperCase() !== primary.toUpperCase());
  return [
    `Enable Always On support for ${SSISDB}. It has no documented T-SQL or PowerShell equivalent (ssis-scale-out-ha.md §5.1 step 3, §5.3), so it is done in SSMS:`,
    `  1. ${SSISDB} must already be in ${inv.agName}, and you must be sysadmin on every replica: ${replicaNames(inv)}.`,
    `  2. Connect Object Explorer to ${primary} (the primary); right-click Integration Services Catalogs > Enable Always On Support….`,
    `  3. Connect to each secondary replica when asked (${secondaries.join(', ') || 'every other replica'}), then OK.`,
    `It records every replica in ${SSISDB}.catalog.alwayson_replicas, creates the startup procedure master.dbo.sp_ssis_startup on each`,
    'replica and the "SSIS Failover Monitor Job". Until it is done, SSISDB does not fail over automatically.',
    'If the menu item is greyed out: Refresh, make sure you are connected to the primary, and that the version is 13.0 or later.',
    'With several availability groups in the cluster it can fail with "Subquery returned more than 1 value" (ssis-scale-out-ha.md §9, item 14).',
    'Then check this step again.',
  ].join('\n');
}
