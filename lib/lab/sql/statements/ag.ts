/** ALTER AVAILABILITY GROUP: ADD/MODIFY LISTENER, MODIFY REPLICA (on the primary) and FAILOVER (on the target secondary). */

import { isIPv4, isIPv6 } from 'node:net';
import type { Stmt } from '../ast';
import { E, SqlError } from '../errors';
import type { ExecContext } from '../exec/context';
import { addListenerIp, addListenerRow } from '../state/ops';
import { failover } from '../state/failover';
import type { AgRow } from '../state/store';

function hadrDisabled(): SqlError {
  return new SqlError(
    35221,
    'Could not process the operation. Always On Availability Groups replica manager is disabled on this instance of SQL Server. Enable Always On Availability Groups, by using the SQL Server Configuration Manager. Then, restart the SQL Server service, and retry the currently operation. For information about how to enable and disable Always On Availability Groups, see SQL Server Books Online.',
  );
}

/** The AG as seen from this instance: sysadmin, Always On enabled, and a local replica. */
function localAg(ctx: ExecContext, name: string): AgRow {
  if (!ctx.session.sysadmin) throw E.cannotAlterAg(name);
  if (!ctx.inst.hadr_enabled) throw hadrDisabled();
  const ag = ctx.st.ag(name);
  if (!ag || !ctx.st.replicaOn(ag.group_id, ctx.inst.name)) throw E.cannotAlterAg(name);
  return ag;
}

function requirePrimary(ctx: ExecContext, ag: AgRow, command: string): void {
  if (ag.primary_instance?.toLowerCase() !== ctx.inst.name.toLowerCase()) throw E.notPrimaryForCommand(ag.name, command);
}

function validIp(ip: string, mask: string | undefined): void {
  if (!isIPv4(ip) && !isIPv6(ip)) throw E.invalidIp(ip);
  if (isIPv4(ip)) {
    if (mask === undefined || !isIPv4(mask)) throw E.invalidIp(mask ?? ip);
    const bits = mask.split('.').map((o) => Number(o).toString(2).padStart(8, '0')).join('');
    if (!/^1*0*$/.test(bits)) throw E.invalidIp(mask);
  }
}

function validPort(port: number | undefined): void {
  if (port !== undefined && (port < 1 || port > 65535)) throw E.invalidPort(port);
}

export function addListener(ctx: ExecContext, s: Extract<Stmt, { k: 'ag_add_listener' }>): void {
  const ag = localAg(ctx, s.ag);
  requirePrimary(ctx, ag, 'ADD LISTENER');
  if (s.dhcp) throw E.notImplemented('ADD LISTENER ... WITH DHCP');
  if (ctx.st.listeners(ag.group_id).length > 0) throw E.listenerExists(ag.name);
  if (s.dns.length > 63 || !/^[A-Za-z0-9-]+$/.test(s.dns)) throw E.listenerNameTaken(s.dns);
  // The network name must be free in the domain: not a node, not another listener.
  const taken = ctx.st.listenerByName(s.dns) || ctx.st.instances().some((i) => i.machine_name.toLowerCase() === s.dns.toLowerCase());
  if (taken) throw E.listenerNameTaken(s.dns);
  for (const ip of s.ips) validIp(ip.ip, ip.mask);
  validPort(s.port);
  // PORT defaults to 1433 when the listener is created through SQL Server.
  addListenerRow(ctx.st, ag.group_id, s.dns, s.port ?? 1433, s.ips);
  ctx.changed();
}

export function modifyListener(ctx: ExecContext, s: Extract<Stmt, { k: 'ag_modify_listener' }>): void {
  const ag = localAg(ctx, s.ag);
  requirePrimary(ctx, ag, 'MODIFY LISTENER');
  const l = ctx.st.listeners(ag.group_id).find((x) => x.dns_name.toLowerCase() === s.dns.toLowerCase());
  if (!l) throw E.listenerNotFound(s.dns, ag.name);
  if (s.port !== undefined) {
    validPort(s.port);
    ctx.st.db.prepare('UPDATE lab_sql_ag_listeners SET port = ? WHERE listener_id = ?').run(s.port, l.listener_id);
  }
  for (const ip of s.addIps) {
    validIp(ip.ip, ip.mask);
    addListenerIp(ctx.st, l.listener_id, ip.ip, ip.mask);
  }
  ctx.changed();
}

export function modifyReplica(ctx: ExecContext, s: Extract<Stmt, { k: 'ag_modify_replica' }>): void {
  const ag = localAg(ctx, s.ag);
  requirePrimary(ctx, ag, 'MODIFY REPLICA');
  const rep = ctx.st.replicaOn(ag.group_id, s.server);
  if (!rep) throw new SqlError(35202, `The availability replica '${s.server}' does not exist in availability group '${ag.name}'. Verify the replica name and retry the command.`);
  const sets: string[] = [];
  const args: number[] = [];
  if (s.secondaryAllow !== undefined) {
    sets.push('secondary_role_allow_connections = ?');
    args.push(s.secondaryAllow);
  }
  if (s.failoverMode !== undefined) {
    sets.push('failover_mode = ?');
    args.push(s.failoverMode);
  }
  if (s.availabilityMode !== undefined) {
    sets.push('availability_mode = ?');
    args.push(s.availabilityMode);
  }
  ctx.st.db.prepare(`UPDATE lab_sql_ag_replicas SET ${sets.join(', ')}, modify_date = ? WHERE replica_id = ?`).run(...args, new Date().toISOString(), rep.replica_id);
  ctx.changed();
}

export function failoverStatement(ctx: ExecContext, s: Extract<Stmt, { k: 'ag_failover' }>): void {
  const ag = localAg(ctx, s.ag);
  if (ag.primary_instance?.toLowerCase() === ctx.inst.name.toLowerCase()) throw E.alreadyPrimary(ag.name);
  const err = failover(ctx.st, ag.name, ctx.inst.name, s.force);
  if (err) throw err;
  ctx.changed();
}
