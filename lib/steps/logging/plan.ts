// plan: pure. In order: mixed mode on each replica (registry, over T-SQL or, for an instance that
// refuses SQL logins, over WinRM; then a separate confirmed restart),
// a new password for the logging login (kept by the wizard), the login on every replica with the
// SSISDB user's SID, then update_logdb_info pointing at the listener.
import type { Check, Operation } from '@/lib/engine/types';
import type { StoredInventory } from '@/lib/inventory/schema';
import { showScript } from '../master-shared/op-script';
import { readLoginFacts, readMixedFacts } from './checks';
import { CHECK, LOGDB_LOGIN, OP, serverNameOf, sqlServiceOf } from './names';
import { afterRestartLoginSql, alterLoginSql, createLoginSql, dropLoginSql, enableLoginSql, mixedManualInstructions, NO_RERUN_WARNING, SET_MIXED_MODE_SQL, updateLogdbShown } from './scripts';

type PlanContext = { inventory: Pick<StoredInventory, 'masters' | 'agName' | 'listenerName' | 'listenerPort'> };

/** A checked-in script's text, shown as it runs (master-restart.ps1 takes any service name; logging-login-mode-set.ps1). */
export type ScriptText = (file: string) => string;

export function planWith(ctx: PlanContext, checks: Check[], scriptText: ScriptText): Operation[] {
  const inv = ctx.inventory;
  const by = new Map(checks.map((c) => [c.id, c]));
  const fails = (id: string) => by.get(id)?.status === 'fail';
  const ops: Operation[] = [];
  const primaryCheck = by.get(CHECK.server);
  const primary = inv.masters.find((m) => m.hostName === primaryCheck?.target)?.hostName;

  for (const m of inv.masters) {
    const node = m.hostName;
    const server = serverNameOf(m);
    const mixed = readMixedFacts(by.get(CHECK.mixed(node)));
    if (!mixed) continue;
    if (mixed.action === 'manual') {
      ops.push({ id: OP.mixedManual(node), target: node, kind: 'manual', summary: `Turn on SQL Server authentication on ${server} (Windows authentication needed)`, script: mixedManualInstructions(server, node), risk: 'high' });
      continue;
    }
    const winrm = mixed.via === 'winrm';
    if (mixed.action !== 'restart')
      ops.push(
        winrm
          ? {
              id: OP.mixedRegistry(node),
              target: node,
              kind: 'powershell',
              summary: `Set LoginMode = 2 (SQL Server and Windows authentication) for ${server} in the registry, over WinRM (the instance refuses SQL logins)`,
              script: showScript('logging-login-mode-set.ps1', node, { InstanceName: m.sqlInstance }, scriptText('logging-login-mode-set.ps1')),
              risk: 'medium',
            }
          : { id: OP.mixedRegistry(node), target: node, kind: 'tsql', summary: `Set LoginMode = 2 (SQL Server and Windows authentication) on ${server}`, script: SET_MIXED_MODE_SQL, risk: 'medium' },
      );
    if (mixed.action !== 'registry') {
      const service = sqlServiceOf(m);
      // Without a readable primary the SSISDB user's SID is unknown: the login waits for a re-check.
      const later = winrm && !primary ? '; check the step again afterwards for the logging login' : '';
      ops.push({
        id: OP.mixedRestart(node),
        target: node,
        kind: 'powershell',
        summary: `Restart SQL Server (${service}) on ${node} so it starts in mixed mode${node === primary ? `: it is the primary replica, so ${inv.agName} fails over` : ''}${later}`,
        script: showScript('master-restart.ps1', node, { ServiceName: service }, scriptText('master-restart.ps1')),
        risk: 'high',
        confirmPhrase: `restart SQL Server on ${node}`,
      });
    }
  }

  const passwordPlanned = fails(CHECK.secret) && !!primary;
  if (passwordPlanned && primary)
    ops.push({
      id: OP.password,
      target: primary,
      kind: 'tsql',
      summary: `Give ${LOGDB_LOGIN} a new random password on ${primary} (the wizard keeps it, encrypted)`,
      script: ['-- A new random password of 32 characters, stored encrypted by the wizard before it is used.', '-- The connection string is updated first, so an interrupted run is seen as a failed sign-in and repaired.', updateLogdbShown(inv), alterLoginSql(null), NO_RERUN_WARNING].join('\n'),
      risk: 'medium',
    });

  for (const m of inv.masters) {
    const node = m.hostName;
    const c = by.get(CHECK.login(node));
    const facts = readLoginFacts(c);
    // A login that cannot be read yet (unknown) is planned only when the restart before it makes it readable.
    const f = c?.status === 'fail' || (c?.status === 'unknown' && facts?.action === 'after-restart') ? facts : undefined;
    if (!f) continue;
    // The new password on the primary is set by the password operation itself.
    if (passwordPlanned && node === primary && f.action === 'alter' && f.passwordOnly) continue;
    const server = serverNameOf(m);
    const script =
      f.action === 'create'
        ? createLoginSql(f.sid, null)
        : f.action === 'recreate'
          ? [dropLoginSql(), createLoginSql(f.sid, null)].join('\n')
          : f.action === 'after-restart'
            ? afterRestartLoginSql(server, f.sid)
            : [alterLoginSql(null), ...(f.passwordOnly ? [] : [enableLoginSql()])].join('\n');
    const summary =
      f.action === 'create'
        ? `Create ${LOGDB_LOGIN} on ${server} with SID 0x${f.sid} and the wizard's password`
        : f.action === 'recreate'
          ? `Drop and recreate ${LOGDB_LOGIN} on ${server} with SID 0x${f.sid} (its SID differs from the SSISDB user's)`
          : f.action === 'after-restart'
            ? `After the restart: ${LOGDB_LOGIN} on ${server} with SID 0x${f.sid} and the wizard's password (created, or dropped and recreated), from what ${server} has then`
            : `Set the wizard's password (CHECK_POLICY = OFF) on ${LOGDB_LOGIN} on ${server}`;
    ops.push({ id: OP.sync(node), target: node, kind: 'tsql', summary, script: `${script}\n${NO_RERUN_WARNING}`, risk: 'medium' });
  }

  if (primary && !passwordPlanned && (fails(CHECK.server) || fails(CHECK.signin)))
    ops.push({ id: OP.updateLogdb, target: primary, kind: 'tsql', summary: `Point execution logging at ${inv.listenerName},${inv.listenerPort} (catalog.update_logdb_info)`, script: updateLogdbShown(inv), risk: 'medium' });
  return ops;
}
