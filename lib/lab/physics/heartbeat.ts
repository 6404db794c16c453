// The master's side of a worker heartbeat: it writes into SSISDB through the SqlServerName in its
// OWN MasterSettings.config, logging in with its service account (Windows authentication). So a
// node whose file still names itself works only while it is the AG primary, and a domain service
// account needs a login on every replica.

import type { LabSqlEngine } from '@/lib/lab/sql/engine';
import { SqlError } from '@/lib/lab/sql/errors';
import { LAB_DOMAIN } from '@/lib/lab/windows/types';

import { resolveSqlName } from './sqlnames';

export interface HeartbeatInput {
  agentId: string;
  machineName: string;
  displayName: string;
  userAccount: string;
}

export type HeartbeatResult = { ok: true; instance: string } | { ok: false; message: string };

/**
 * The Windows identity a service account presents to a SQL Server: a virtual or built-in account
 * is the machine itself (`LAB\HOST$`) on any other host.
 */
export function sqlIdentity(serviceAccount: string, serviceHost: string, sqlHost: string): string {
  const machineLocal = /^(NT Service\\|NT AUTHORITY\\|LocalSystem$|\.\\)/i.test(serviceAccount);
  if (!machineLocal || serviceHost.toLowerCase() === sqlHost.toLowerCase()) return serviceAccount;
  return `${LAB_DOMAIN}\\${serviceHost.toUpperCase()}$`;
}

export type MasterIdentity = { ownerNode: string; sqlServerName: string | undefined; serviceAccount: string; checkLogin: boolean };

/**
 * Writes into SSISDB as the master does: through the SqlServerName of its own settings file,
 * signed in with its service account; `write` runs on the instance reached.
 */
function asMaster(engine: LabSqlEngine, master: MasterIdentity, what: string, write: (instance: string) => void): HeartbeatResult {
  if (!master.sqlServerName) return { ok: false, message: `MasterSettings.config on ${master.ownerNode} has no SqlServerName.` };
  const target = resolveSqlName(engine, master.sqlServerName, master.ownerNode);
  if (!target.ok) return target;
  const where = `SqlServerName '${master.sqlServerName}' (${target.instance})`;
  const machine = engine.st.instance(target.instance)?.machine_name ?? target.instance;
  if (master.checkLogin) {
    const account = sqlIdentity(master.serviceAccount, master.ownerNode, machine);
    const auth = engine.authenticateWindows(target.instance, account, 'SSISDB', { appName: 'SSIS Scale Out Master', hostName: master.ownerNode });
    if (!auth.ok) {
      const sent = auth.errors.map((e) => `Msg ${e.number}: ${e.message ?? 'Login failed.'}`).join(' ');
      return { ok: false, message: `The master on ${master.ownerNode} could not connect to ${where}: ${sent} (${auth.reason})` };
    }
    engine.disconnect(auth.session);
  }
  try {
    write(target.instance);
    return { ok: true, instance: target.instance };
  } catch (e) {
    if (!(e instanceof SqlError)) throw e;
    return { ok: false, message: `The master on ${master.ownerNode} could not write ${what} through ${where}: Msg ${e.number}: ${e.message}` };
  }
}

export function writeHeartbeat(engine: LabSqlEngine, master: MasterIdentity, worker: HeartbeatInput): HeartbeatResult {
  return asMaster(engine, master, 'the heartbeat', (instance) =>
    engine.registerWorker(instance, {
      id: worker.agentId,
      machineName: worker.machineName,
      displayName: worker.displayName,
      userAccount: worker.userAccount,
    }),
  );
}

/** The master's own heartbeat: LAST_ONLINE_TIME and MACHINE_NAME in catalog.master_properties. */
export function writeMasterOnline(engine: LabSqlEngine, master: MasterIdentity): HeartbeatResult {
  return asMaster(engine, master, 'LAST_ONLINE_TIME', (instance) => engine.masterOnline(instance, master.ownerNode));
}
