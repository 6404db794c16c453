// plan: pure. From the checks to the operations that make the failing ones pass, in the order a
// DBA would do them: the group and SSISDB in it (manual), its replicas, the listener (T-SQL on
// the primary), the master key password on each secondary (T-SQL), then Always On support
// (manual, only after SSISDB has joined).
import type { Check, Operation } from '@/lib/engine/types';
import type { StepContext } from '../context';
import { readListenerFacts } from './facts';
import { CHECK, OP, serverNameOf } from './names';
import {
  ADD_DMK_PASSWORD_SHOWN,
  addListenerSql,
  addReplicaInstructions,
  addSsisdbInstructions,
  createAgInstructions,
  dmkManualInstructions,
  enableAlwaysOnInstructions,
  listenerRouteInstructions,
  modifyListenerPortSql,
  repairReplicaInstructions,
} from './scripts';
import { dmkPassword } from './secret';

type PlanContext = Pick<StepContext, 'inventory' | 'secret'>;

const manual = (id: string, target: string, summary: string, script: string): Operation => ({ id, target, kind: 'manual', summary, script, risk: 'medium' });

export function plan(ctx: PlanContext, checks: Check[]): Operation[] {
  const inv = ctx.inventory;
  const by = new Map(checks.map((c) => [c.id, c]));
  const is = (id: string, status: Check['status']) => by.get(id)?.status === status;
  const server = (node: string) => serverNameOf(inv.masters.find((m) => m.hostName === node) ?? { hostName: node, sqlInstance: 'MSSQLSERVER' });
  const primaryCheck = by.get(CHECK.agPrimary);
  const primary = primaryCheck?.status === 'pass' ? primaryCheck.target : undefined;
  // Without a group yet, the catalog's home is the first master node (the HA document's primary).
  const home = inv.masters[0] ? serverNameOf(inv.masters[0]) : 'the instance that holds SSISDB';
  const primaryName = primary ? server(primary) : is(CHECK.agExists, 'fail') ? home : 'the primary replica';
  const enable = manual(OP.enableAlwaysOn, primary ?? inv.agName, `Enable Always On support for SSISDB (SSMS, on ${primaryName})`, enableAlwaysOnInstructions(inv, primaryName));
  const needsEnable = is(CHECK.alwaysOnSupport, 'fail') || inv.masters.some((m) => is(CHECK.startupProc(m.hostName), 'fail'));

  if (is(CHECK.agExists, 'fail')) {
    const create = manual(OP.createAg, inv.agName, `Create availability group ${inv.agName} with SSISDB (SSMS, full database and log backup seeding)`, createAgInstructions(inv, home));
    return needsEnable ? [create, enable] : [create];
  }

  const ops: Operation[] = [];
  if (is(CHECK.agSsisdb, 'fail'))
    ops.push(manual(OP.addSsisdb, primary ?? inv.agName, `Add SSISDB to ${inv.agName} (SSMS, full database and log backup seeding)`, addSsisdbInstructions(inv, primaryName)));

  for (const m of inv.masters) {
    const node = m.hostName;
    if (is(CHECK.replica(node), 'fail')) {
      ops.push(manual(OP.addReplica(node), node, `Add ${server(node)} as a replica of ${inv.agName}`, addReplicaInstructions(inv, primaryName, server(node))));
    } else if (!is(CHECK.agSsisdb, 'fail')) {
      const problems = [CHECK.replicaHealth(node), CHECK.ssisdbSync(node)].flatMap((id) => (is(id, 'fail') ? [by.get(id)?.evidence ?? id] : []));
      if (problems.length)
        ops.push(manual(OP.repairReplica(node), node, `Bring ${server(node)} back to a healthy, synchronized replica`, repairReplicaInstructions(inv, primaryName, server(node), problems.join(' '))));
    }
  }

  ops.push(...listenerOps(ctx, by, primary, primaryName));

  const password = dmkPassword(ctx);
  for (const m of inv.masters) {
    const node = m.hostName;
    // Only where SSISDB has joined: the procedure needs the database on that instance.
    if (!is(CHECK.dmk(node), 'fail') || !is(CHECK.replica(node), 'pass') || is(CHECK.ssisdbSync(node), 'fail')) continue;
    const summary = `Register the SSISDB master key password on ${server(node)} (sp_control_dbmasterkey_password)`;
    ops.push(
      password
        ? { id: OP.addDmkPassword(node), target: node, kind: 'tsql', summary, script: ADD_DMK_PASSWORD_SHOWN, risk: 'low' }
        : manual(OP.addDmkPassword(node), node, `${summary}: the password is needed`, dmkManualInstructions(server(node))),
    );
  }

  if (needsEnable) ops.push(enable);
  return ops;
}

function listenerOps(ctx: PlanContext, by: Map<string, Check>, primary: string | undefined, primaryName: string): Operation[] {
  const inv = ctx.inventory;
  const exists = by.get(CHECK.listenerExists);
  const port = by.get(CHECK.listenerPort);
  const routes = by.get(CHECK.listenerRoutes);
  // The statements are valid only on the primary; without one, they are shown for the DBA to run there.
  const onPrimary = (id: string, summary: string, sql: string, risk: Operation['risk']): Operation =>
    primary ? { id, target: primary, kind: 'tsql', summary, script: sql, risk } : manual(id, inv.agName, `${summary} (run it on the primary replica)`, sql);

  if (exists?.status === 'fail') {
    const facts = readListenerFacts(exists);
    if (!facts) return [manual(OP.addListener, inv.listenerName, `Resolve the listener of ${inv.agName}`, `${exists.evidence}\n${exists.remediation ?? ''}`.trim())];
    const sql = addListenerSql(inv.agName, inv.listenerName, facts.ips, inv.listenerPort);
    const note = facts.maskAssumed ? ` (subnet mask ${facts.ips.find((i) => i.mask)?.mask} assumed: check it)` : '';
    return [onPrimary(OP.addListener, `Add the listener ${inv.listenerName} on port ${inv.listenerPort} to ${inv.agName}${note}`, sql, 'medium')];
  }
  if (port?.status === 'fail')
    return [onPrimary(OP.setListenerPort, `Give the listener ${inv.listenerName} the port ${inv.listenerPort}`, modifyListenerPortSql(inv.agName, inv.listenerName, inv.listenerPort), 'medium')];
  if (routes?.status === 'fail')
    return [manual(OP.fixListenerRoute, inv.listenerName, `Make ${inv.listenerName} reach the primary`, listenerRouteInstructions(inv, primaryName, routes.evidence))];
  return [];
}
