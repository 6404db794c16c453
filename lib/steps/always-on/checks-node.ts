// Checks about each master node's instance: it is a healthy replica, SSISDB is synchronized on
// it, its master key can be opened there after a failover, and it has the SSIS startup procedure.
import type { Check } from '@/lib/engine/types';
import type { NodeRead } from './model';
import { CHECK, SSISDB } from './names';
import { check, dbReplicaState, describeReplica, isReplica, noAgEvidence, replicaState, serverOf, type AgView } from './view';

function replicaChecks(v: AgView, node: string): Check[] {
  const server = serverOf(v, node);
  const t1 = `${server} is a replica of ${v.inv.agName}`;
  const t2 = `${server} is connected and healthy`;
  const t3 = `${SSISDB} is synchronized on ${server}`;
  const down = v.unreachable.find((u) => u.node === node);
  if (!v.agFound) {
    const s = v.unreachable.length ? 'unknown' : 'fail';
    const e = noAgEvidence(v);
    return [check(CHECK.replica(node), t1, node, s, e), check(CHECK.replicaHealth(node), t2, node, s, e), check(CHECK.ssisdbSync(node), t3, node, s, e)];
  }
  const list = `sys.availability_replicas: ${v.replicas.map((r) => r.replica_server_name).join(', ')}.`;
  if (!isReplica(v, node)) {
    const e = `${server} is not among ${v.inv.agName}'s replicas. ${list}`;
    return [
      check(CHECK.replica(node), t1, node, 'fail', e, `Add ${server} as a replica (manual, on the primary).`),
      check(CHECK.replicaHealth(node), t2, node, 'fail', e),
      check(CHECK.ssisdbSync(node), t3, node, 'fail', e),
    ];
  }
  const state = replicaState(v, node);
  const health = state
    ? state.connected_state_desc === 'CONNECTED' && state.synchronization_health_desc === 'HEALTHY'
      ? check(CHECK.replicaHealth(node), t2, node, 'pass', `sys.dm_hadr_availability_replica_states: ${describeReplica(state)}.`)
      : check(CHECK.replicaHealth(node), t2, node, 'fail', `sys.dm_hadr_availability_replica_states: ${describeReplica(state)}.`, 'See the AG dashboard on the primary for the replica\'s errors.')
    : check(CHECK.replicaHealth(node), t2, node, 'unknown', down ? `${node}: ${down.error}` : 'No replica state row was readable (the primary did not answer).');
  const db = dbReplicaState(v, node);
  const asyncCommit = v.replicas.find((r) => r.replica_server_name === state?.replica_server_name)?.availability_mode_desc === 'ASYNCHRONOUS_COMMIT';
  const dbText = db ? `sys.dm_hadr_database_replica_states for ${SSISDB}: ${db.synchronization_state_desc}, ${db.synchronization_health_desc}${db.is_suspended ? ', suspended' : ''}.` : '';
  const sync = !db
    ? down && !v.primaryNode
      ? check(CHECK.ssisdbSync(node), t3, node, 'unknown', `${node}: ${down.error}`)
      : check(CHECK.ssisdbSync(node), t3, node, 'fail', `No ${SSISDB} row for ${server} in sys.dm_hadr_database_replica_states: it has not joined.`, `Join ${SSISDB} on ${server} (Full database and log backup seeding).`)
    : db.synchronization_state_desc === 'SYNCHRONIZED' && db.synchronization_health_desc === 'HEALTHY'
      ? check(CHECK.ssisdbSync(node), t3, node, 'pass', dbText)
      : asyncCommit && db.synchronization_state_desc === 'SYNCHRONIZING' && db.synchronization_health_desc === 'HEALTHY'
        ? check(CHECK.ssisdbSync(node), t3, node, 'warn', `${dbText} Asynchronous commit never reports SYNCHRONIZED; it cannot take an automatic failover.`)
        : check(CHECK.ssisdbSync(node), t3, node, 'fail', dbText, db.is_suspended ? `Resume data movement on ${server}: ALTER DATABASE [${SSISDB}] SET HADR RESUME.` : 'See the AG dashboard on the primary.');
  return [check(CHECK.replica(node), t1, node, 'pass', list), health, sync];
}

/** The primary opens SSISDB's master key with its service master key; a secondary needs a stored credential. */
function dmkCheck(v: AgView, node: string, read: NodeRead): Check {
  const server = read.serverName;
  const title = `${SSISDB}'s master key can be opened on ${server}`;
  const id = CHECK.dmk(node);
  const local = read.replicas.find((x) => x.is_local === true);
  if (local?.role_desc === 'PRIMARY' || (!v.agFound && read.ssisdb)) {
    const bySmk = read.ssisdb?.is_master_key_encrypted_by_server === true;
    const e = `sys.databases on ${server}: ${SSISDB} is_master_key_encrypted_by_server = ${bySmk ? 1 : 0}.`;
    return bySmk
      ? check(id, title, node, 'pass', e)
      : check(id, title, node, 'warn', e, `The catalog needs OPEN MASTER KEY on every use here; re-encrypt the key with this instance's service master key (ALTER MASTER KEY ADD ENCRYPTION BY SERVICE MASTER KEY).`);
  }
  if (!read.ssisdb) return check(id, title, node, 'fail', `${SSISDB} is not on ${server} yet (sys.databases): register the master key password once it has joined.`);
  const creds = read.mkPasswords.map((c) => `credential_id ${c.credential_id} (family ${c.family_guid})`).join(', ') || 'none';
  const fix = `Register the password on ${server}: EXEC sp_control_dbmasterkey_password @db_name = N'${SSISDB}', @password = …, @action = N'add'.`;
  const fam = read.ssisdbFamily;
  if (fam.ok && fam.value) {
    const mine = read.mkPasswords.filter((c) => c.family_guid === fam.value);
    const e = `sys.master_key_passwords on ${server}: ${creds}; ${SSISDB}'s family GUID ${fam.value} (sys.database_recovery_status).`;
    return mine.length ? check(id, title, node, 'pass', `${e} SQL Server does not check a stored password; a wrong one only shows after a failover (error 15581).`) : check(id, title, node, 'fail', e, fix);
  }
  // Without SSISDB's family GUID a credential cannot be tied to it: present is all that can be said.
  const why = fam.ok ? 'no row' : fam.error;
  const e = `sys.master_key_passwords on ${server}: ${creds}. ${SSISDB}'s family GUID is not readable (sys.database_recovery_status: ${why}).`;
  if (read.mkPasswords.length === 0) return check(id, title, node, 'fail', e, fix);
  return check(id, title, node, 'warn', `${e} A credential exists but could not be tied to ${SSISDB}.`, 'Check that the credential is SSISDB\'s, or register the password again (idempotent).');
}

function startupCheck(node: string, read: NodeRead): Check {
  const title = `master.dbo.sp_ssis_startup is a startup procedure on ${read.serverName}`;
  const id = CHECK.startupProc(node);
  const p = read.startupProc;
  if (!p.ok) return check(id, title, node, 'unknown', `master.sys.procedures on ${read.serverName}: ${p.error}`);
  if (!p.value) return check(id, title, node, 'fail', `master.sys.procedures on ${read.serverName}: no sp_ssis_startup.`, 'Enable Always On support for SSISDB (it creates the procedure on every replica).');
  if (!p.value.autoExec) return check(id, title, node, 'fail', `master.sys.procedures on ${read.serverName}: sp_ssis_startup, is_auto_executed = 0.`, 'Enable Always On support for SSISDB again.');
  return check(id, title, node, 'pass', `master.sys.procedures on ${read.serverName}: sp_ssis_startup, is_auto_executed = 1.`);
}

export function nodeChecks(v: AgView, node: string): Check[] {
  const r = v.reached.find((x) => x.node === node);
  const server = serverOf(v, node);
  const perNode = r
    ? [dmkCheck(v, node, r.read), startupCheck(node, r.read)]
    : [
        check(CHECK.dmk(node), `${SSISDB}'s master key can be opened on ${server}`, node, 'unknown', `${node}: ${v.unreachable.find((u) => u.node === node)?.error ?? 'no answer'}`),
        check(CHECK.startupProc(node), `master.dbo.sp_ssis_startup is a startup procedure on ${server}`, node, 'unknown', `${node}: ${v.unreachable.find((u) => u.node === node)?.error ?? 'no answer'}`),
      ];
  return [...replicaChecks(v, node), ...perNode];
}
