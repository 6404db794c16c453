/**
 * Availability group role changes. A planned failover needs a synchronized
 * synchronous-commit target (and a synchronous primary); a forced one only needs the
 * target to be running. Logins are not touched: they never replicate.
 */

import { E, type SqlError } from '../errors';
import { setPrimary } from './ops';
import type { Store } from './store';

export function failover(st: Store, agName: string, to: string, force = false): SqlError | undefined {
  const ag = st.ag(agName);
  if (!ag) return E.cannotAlterAg(agName);
  const target = st.replicaOn(ag.group_id, to);
  if (!target) return E.notAReplica(agName);
  if (ag.primary_instance?.toLowerCase() === to.toLowerCase()) return E.alreadyPrimary(agName);
  const inst = st.instance(to);
  if (!inst?.running || !inst.hadr_enabled) return E.notAReplica(agName);
  if (!force) {
    const primary = ag.primary_instance ? st.replicaOn(ag.group_id, ag.primary_instance) : undefined;
    const primaryUp = ag.primary_instance ? st.instance(ag.primary_instance)?.running === 1 : false;
    const unsynced = st.db
      .prepare('SELECT 1 FROM lab_sql_ag_db_replicas WHERE replica_id = ? AND (synchronization_state <> 2 OR is_suspended = 1)')
      .get(target.replica_id);
    if (!primaryUp || !primary || primary.availability_mode !== 1 || target.availability_mode !== 1 || unsynced) return E.notSynchronized(agName);
  }
  const from = ag.primary_instance;
  setPrimary(st, ag.group_id, inst.name);
  st.errorlog(inst.name, 'spid', `The availability group database role of availability group '${ag.name}' changed from 'SECONDARY_NORMAL' to 'PRIMARY_NORMAL' (previous primary: ${from ?? 'none'}).`);
  return undefined;
}
