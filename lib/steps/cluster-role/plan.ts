// The cluster-role step's plan: pure, from the checks. In order: the master service Manual on
// every node where it is not (and stopped where the role does not run), the role created on the
// primary (through a scheduled task: the double hop), every master node a possible owner, the
// role online. What the wizard should not undo by itself (a role under another name, another
// service or access point in it, DNS) is manual, with exact instructions.
import 'server-only';
import type { Check, Operation } from '@/lib/engine/types';
import { psScript } from '@/lib/powershell/scripts';
import type { StepContext } from '@/lib/steps/context';
import { idAt } from '../master-shared/ids';
import { showScript } from '../master-shared/op-script';
import { CHECK, roleFactsOf } from './checks';
import { creatingNode, roleEnv } from './probe';

export const OP = {
  manual: 'set-manual',
  create: 'create-role',
  owners: 'set-owners',
  start: 'start-role',
  recreate: 'recreate-role',
  dns: 'role-dns',
} as const;

type Ctx = Pick<StepContext, 'inventory' | 'services'>;
const script = (file: string, host: string, params: Parameters<typeof showScript>[2]) => showScript(file, host, params, psScript(file));
const psq = (s: string) => `'${s.replace(/'/g, "''")}'`;

export function plan(ctx: Ctx, checks: Check[]): Operation[] {
  const env = roleEnv(ctx);
  const status = (id: string) => checks.find((c) => c.id === id)?.status;
  const existsCheck = checks.find((c) => c.id === CHECK.exists);
  const facts = roleFactsOf(existsCheck);
  // Without the cluster's view nothing is safe to change: where the service should run is unknown.
  if (!existsCheck || !facts || existsCheck.status === 'unknown') return [];
  const ops: Operation[] = [];
  // Where the service should run: the role's owner, or the node that will create the role.
  const owner = facts?.ownerNode ?? creatingNode(ctx);

  for (const host of env.masters) {
    if (status(idAt(CHECK.manual, host)) !== 'fail') continue;
    const c = checks.find((x) => x.id === idAt(CHECK.manual, host));
    if (c?.evidence.startsWith('No service')) continue;
    const stopsIt = host.toUpperCase() !== owner.toUpperCase();
    ops.push({
      id: idAt(OP.manual, host),
      target: host,
      kind: 'powershell',
      summary: `Set ${env.service} to Manual start on ${host}${stopsIt ? ` and stop it there if it runs (the role runs on ${owner})` : ''}`,
      script: script('cluster-role-set-manual.ps1', host, { ServiceName: env.service, OwnerNode: { runtime: `the role's owner when it runs, now ${owner}` } }),
      risk: stopsIt ? 'medium' : 'low',
    });
  }

  if (!facts.group) {
    const host = creatingNode(ctx);
    ops.push({
      id: OP.create,
      target: host,
      kind: 'powershell',
      summary: `Create the Generic Service role ${env.roleName} for ${env.service} with IP ${env.ip} on ${host} (run there as a scheduled task under ${ctx.inventory.winrmUser}: the cmdlet cannot run in a WinRM session without CredSSP)`,
      script: [
        '# Add-ClusterGenericServiceRole runs on the node itself as a one-time scheduled task under the',
        '# wizard\'s account (the double hop: the cmdlet needs credentials a WinRM session cannot delegate).',
        '# What the task runs:',
        `#   Add-ClusterGenericServiceRole -ServiceName ${psq(env.service)} -Name ${psq(env.roleName)} -StaticAddress ${psq(env.ip)}`,
        script('cluster-role-create.ps1', host, {
          ServiceName: env.service,
          Name: env.roleName,
          StaticAddress: env.ip,
          RunAsUser: ctx.inventory.winrmUser,
          RunAsPassword: { secret: true },
        }),
      ].join('\n'),
      risk: 'medium',
    });
    return ops;
  }

  const group = facts.group;
  const fixable = facts.match === 'name' && status(CHECK.service) === 'pass' && status(CHECK.accessPoint) === 'pass';
  if (!fixable) {
    const problems = checks.filter((c) => [CHECK.exists, CHECK.service, CHECK.accessPoint].includes(c.id as never) && c.status === 'fail').map((c) => `#   ${c.title}: ${c.evidence}`);
    ops.push({
      id: OP.recreate,
      target: group,
      kind: 'manual',
      summary: `Recreate the role ${group}: it does not run ${env.service} behind ${env.roleName} (${env.ip})`,
      script: [
        `# Manual: the role ${group} exists but is not the one the HA document describes:`,
        ...problems,
        '# The wizard does not remove a cluster role by itself. On a master node, in an elevated PowerShell',
        '# (this stops the master until the role is created again):',
        `Remove-ClusterGroup -Name ${psq(group)} -RemoveResources -Force`,
        '# Then probe this step again: the plan creates the role with the right service, name and IP.',
      ].join('\n'),
      risk: 'high',
    });
    return ops;
  }

  const at = facts.ownerNode ?? creatingNode(ctx);
  if (status(CHECK.owners) === 'fail') {
    ops.push({
      id: OP.owners,
      target: at,
      kind: 'powershell',
      summary: `Make every master node (${env.masters.join(', ')}) a possible owner of the resources of ${group}`,
      script: script('cluster-role-set-owners.ps1', at, { Group: group, Owners: env.masters.join(',') }),
      risk: 'low',
    });
  }
  if (status(CHECK.online) === 'fail') {
    ops.push({
      id: OP.start,
      target: at,
      kind: 'powershell',
      summary: `Bring the role ${group} online (the cluster starts ${env.service} on ${at})`,
      script: script('cluster-role-start.ps1', at, { Group: group }),
      risk: 'medium',
    });
  }
  if (status(CHECK.dns) === 'fail' && status(CHECK.online) === 'pass') {
    const dns = checks.find((c) => c.id === CHECK.dns);
    ops.push({
      id: OP.dns,
      target: env.roleName,
      kind: 'manual',
      summary: `Make ${env.roleName} resolve to ${env.ip}`,
      script: [
        `# Manual: the nodes resolve ${env.roleName} as: ${dns?.evidence ?? '?'}`,
        `# The role's Network Name registers ${env.roleName} -> ${env.ip} when it comes online. On a master node:`,
        `Get-ClusterResource | Where-Object { $_.OwnerGroup.Name -eq ${psq(group)} -and $_.ResourceType.Name -eq 'Network Name' } | Update-ClusterNetworkNameResource`,
        `# If it still does not resolve: the DNS zone must accept the cluster name object's dynamic update, or add the A record ${env.roleName} ${env.ip} by hand.`,
      ].join('\n'),
      risk: 'low',
    });
  }
  return ops;
}
