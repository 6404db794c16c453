// apply: one operation, idempotently. Each reads the cluster again first (the plan may be stale)
// and does nothing when its change is already there.
import 'server-only';
import { z } from 'zod';
import type { ApplyContext, Operation } from '@/lib/engine/types';
import { psScript } from '@/lib/powershell/scripts';
import type { StepContext } from '@/lib/steps/context';
import { creatingNode, roleEnv } from './probe';
import { OP } from './plan';
import { readRoleNode } from './read';

async function run<T>(ctx: StepContext, host: string, file: string, params: Record<string, unknown>, schema: z.ZodType<T>, signal: AbortSignal, secrets: string[] = []): Promise<T> {
  const r = await ctx.winrm(host).runPowerShell(psScript(file), { params, schema, signal, secrets });
  return r.value;
}

const hostOf = (ctx: StepContext, name: string) => ctx.inventory.masters.map((m) => m.hostName).find((h) => h.toUpperCase() === name.toUpperCase());

/** The role as the cluster reports it now, read on `host`. */
async function roleNow(ctx: StepContext, host: string, signal: AbortSignal) {
  const read = await readRoleNode(ctx, host, signal);
  if (!read.cluster) throw new Error(`${host}: the cluster could not be read: ${read.clusterError ?? 'no cluster'}`);
  return read.cluster.role;
}

async function setManual(ctx: StepContext, host: string, a: ApplyContext): Promise<string> {
  const env = roleEnv(ctx);
  const role = await roleNow(ctx, host, a.signal);
  const owner = role?.ownerNode ?? creatingNode(ctx);
  const r = await run(
    ctx,
    host,
    'cluster-role-set-manual.ps1',
    { ServiceName: env.service, OwnerNode: owner },
    z.object({ startBefore: z.string(), startAfter: z.string(), stopped: z.boolean(), status: z.string() }),
    a.signal,
  );
  if (r.startBefore === 'Manual' && !r.stopped) return `${host}: ${env.service} already starts Manual (${r.status})`;
  return `${host}: ${env.service} start ${r.startBefore} → ${r.startAfter}${r.stopped ? `, stopped (the role runs on ${owner})` : ''}, ${r.status}`;
}

async function createRole(ctx: StepContext, a: ApplyContext): Promise<string> {
  const env = roleEnv(ctx);
  const host = creatingNode(ctx);
  const password = ctx.secret('winrmPassword');
  if (!password) throw new Error(`The password of ${ctx.inventory.winrmUser} is not stored: the scheduled task that creates the role runs under that account.`);
  a.log(host, `Creating the role ${env.roleName} through a one-time scheduled task under ${ctx.inventory.winrmUser} (Add-ClusterGenericServiceRole cannot run over WinRM without CredSSP).`);
  const r = await run(
    ctx,
    host,
    'cluster-role-create.ps1',
    { ServiceName: env.service, Name: env.roleName, StaticAddress: env.ip, RunAsUser: ctx.inventory.winrmUser, RunAsPassword: password },
    z.object({ created: z.boolean(), task: z.string().nullable(), group: z.string(), ownerNode: z.string(), state: z.string() }),
    a.signal,
    [password],
  );
  return r.created ? `${host}: role ${r.group} created, ${r.state} on ${r.ownerNode}` : `${host}: role ${r.group} already exists (${r.state} on ${r.ownerNode})`;
}

async function onRole(ctx: StepContext, op: Operation, a: ApplyContext): Promise<string> {
  const env = roleEnv(ctx);
  const first = hostOf(ctx, op.target) ?? creatingNode(ctx);
  const role = await roleNow(ctx, first, a.signal);
  if (!role) throw new Error(`The cluster has no role ${env.roleName}: probe the step again (the role must be created first).`);
  const at = hostOf(ctx, role.ownerNode) ?? first;
  if (op.id === OP.owners) {
    const r = await run(
      ctx,
      at,
      'cluster-role-set-owners.ps1',
      { Group: role.group, Owners: env.masters },
      z.object({ group: z.string(), changed: z.array(z.object({ resource: z.string(), before: z.array(z.string()), after: z.array(z.string()) })).nullable() }),
      a.signal,
    );
    const changed = r.changed ?? [];
    return changed.length ? `${at}: possible owners set on ${changed.map((c) => `${c.resource} (${c.before.join(', ')} → ${c.after.join(', ')})`).join('; ')}` : `${at}: every master node is already a possible owner of ${role.group}`;
  }
  const r = await run(ctx, at, 'cluster-role-start.ps1', { Group: role.group }, z.object({ group: z.string(), before: z.string(), state: z.string(), ownerNode: z.string() }), a.signal);
  return r.before === 'Online' ? `${at}: role ${r.group} already Online on ${r.ownerNode}` : `${at}: role ${r.group} ${r.before} → ${r.state} on ${r.ownerNode}`;
}

export async function apply(ctx: StepContext, op: Operation, a: ApplyContext): Promise<string> {
  if (op.kind === 'manual') throw new Error(`"${op.summary}" is a manual operation: follow its instructions, then check the step again.`);
  const m = /^set-manual@([A-Za-z0-9-]{1,15})$/.exec(op.id);
  if (m) {
    const host = hostOf(ctx, m[1]!);
    if (!host) throw new Error(`${m[1]} is not a master node of this deployment`);
    return setManual(ctx, host, a);
  }
  if (op.id === OP.create) return createRole(ctx, a);
  if (op.id === OP.owners || op.id === OP.start) return onRole(ctx, op, a);
  throw new Error(`Not an operation of the cluster-role step: ${op.id}`);
}
