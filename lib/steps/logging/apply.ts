// apply: one operation, idempotently. Each reads the target first and does nothing when the
// change is already there; the engine probes again afterwards.
import 'server-only';
import { z } from 'zod';
import type { ApplyContext, Operation } from '@/lib/engine/types';
import { psScript } from '@/lib/powershell/scripts';
import { closePool, query } from '@/lib/sql';
import type { StepContext } from '../context';
import { LOGDB_LOGIN, logdbConnectionString, logdbServer, OP, sameName, sqlServiceOf, SSISDB } from './names';
import type { NodeResult } from './model';
import { readCatalog, readLoginModeOverWinrm, readNode, readRegistryLoginMode } from './read';
import { alterLoginSql, createLoginSql, dropLoginSql, enableLoginSql, SET_MIXED_MODE_SQL, UPDATE_LOGDB_SQL } from './scripts';
import { keepLogdbPassword, LOGDB_SECRET, logdbPassword, newLogdbPassword } from './secret';

const nodeOf = (op: Operation, prefix: string) => op.id.slice(prefix.length);

function master(ctx: StepContext, node: string) {
  const m = ctx.inventory.masters.find((x) => sameName(x.hostName, node));
  if (!m) throw new Error(`${node} is not a master node of this deployment.`);
  return m;
}

function requirePassword(ctx: StepContext): string {
  const pw = logdbPassword(ctx);
  if (!pw) throw new Error(`The wizard holds no password for ${LOGDB_LOGIN} (deployment secret "${LOGDB_SECRET}"): check the step again, its plan gives the login a new one first.`);
  return pw;
}

/** The primary replica now (it may have moved since the plan) and the SSISDB user's SID there. */
async function primaryAndSid(ctx: StepContext, signal: AbortSignal): Promise<{ primary: string; sid: string }> {
  const nodes = await Promise.all(ctx.inventory.masters.map((m) => readNode(ctx, m.hostName, undefined, signal)));
  const primary = nodes.find((n) => n.ok && n.read.role === 'PRIMARY')?.node;
  if (!primary) throw new Error(`No primary replica of ${ctx.inventory.agName} answered: ${nodes.map((n) => (n.ok ? `${n.node}: ${n.read.role ?? 'not a replica'}` : `${n.node}: ${n.error}`)).join('; ')}.`);
  const { userSid } = await readCatalog(ctx, primary, signal);
  if (!userSid) throw new Error(`${SSISDB} on ${primary} has no user ##MS_SSISLogDBWorkerAgentUser##: enable Scale Out first.`);
  return { primary, sid: userSid };
}

async function updateLogdb(ctx: StepContext, node: string, password: string, run: ApplyContext): Promise<void> {
  run.log(node, `catalog.update_logdb_info @server_name = N'${logdbServer(ctx.inventory)}' (connection string through the listener).`);
  await query(
    ctx.sql(node, SSISDB),
    UPDATE_LOGDB_SQL,
    { s: { type: 'nvarchar(max)', value: logdbServer(ctx.inventory) }, cs: { type: 'nvarchar(max)', value: logdbConnectionString(ctx.inventory, password), secret: true } },
    { signal: run.signal, secrets: [password] },
  );
}

async function setRegistry(ctx: StepContext, op: Operation, node: string, run: ApplyContext): Promise<string> {
  if (op.kind === 'powershell') return setRegistryOverWinrm(ctx, node, run);
  const target = ctx.sql(node);
  const before = await readRegistryLoginMode(target, run.signal);
  if (before === 2) return `LoginMode on ${node} is already 2: nothing to do.`;
  run.log(node, `LoginMode ${before ?? 'not set'} → 2 (read by SQL Server at its next start).`);
  await query(target, SET_MIXED_MODE_SQL, {}, { signal: run.signal });
  return `LoginMode on ${node} is now 2 (was ${before ?? 'not set'}).`;
}

/** The instance refuses the wizard's SQL login: the registry value is written over WinRM, as SSMS writes it. */
async function setRegistryOverWinrm(ctx: StepContext, node: string, run: ApplyContext): Promise<string> {
  const m = master(ctx, node);
  const r = await ctx.winrm(node).runPowerShell(psScript('logging-login-mode-set.ps1'), {
    params: { InstanceName: m.sqlInstance },
    schema: z.object({ key: z.string(), before: z.number().int().nullable(), after: z.number().int() }),
    signal: run.signal,
  });
  const { key, before, after } = r.value;
  if (after !== 2) throw new Error(`${key} LoginMode on ${node} reads ${after} after writing 2.`);
  if (before === 2) return `LoginMode on ${node} is already 2: nothing to do.`;
  run.log(node, `${key} LoginMode ${before ?? 'not set'} → 2 (read by SQL Server at its next start).`);
  return `LoginMode on ${node} is now 2 (was ${before ?? 'not set'}); SQL Server reads it at its next start.`;
}

/** How long a restarted instance may take to accept the wizard's SQL login (recovery runs first). */
const RESTART_READY_MS = 90_000;

async function restartSql(ctx: StepContext, node: string, run: ApplyContext): Promise<string> {
  const now = await readNode(ctx, node, undefined, run.signal);
  if (now.ok && !now.read.windowsOnly) return `${node} already runs in mixed mode: no restart needed.`;
  if (!now.ok) {
    // A restart only helps when the registry asks for mixed mode: never restart an instance for nothing.
    const reg = await readLoginModeOverWinrm(ctx, node, run.signal);
    if (reg.loginMode !== 2) throw new Error(`LoginMode on ${node} is ${reg.loginMode ?? 'not set'}, not 2: a restart would start the instance in Windows-authentication-only mode again. Set it first.`);
  }
  const service = sqlServiceOf(master(ctx, node));
  run.log(node, `Restarting ${service}.`, 'warn');
  const r = await ctx
    .winrm(node)
    .runPowerShell(psScript('master-restart.ps1'), { params: { ServiceName: service }, schema: z.object({ restarted: z.boolean(), status: z.string() }), signal: run.signal, timeoutMs: 300_000 });
  // The pooled sessions died with the instance.
  await closePool(ctx.sql(node)).catch(() => undefined);
  if (!r.value.restarted) throw new Error(`${service} on ${node} was not running (${r.value.status}): start it, then check the step again.`);
  const ready = await untilReadable(ctx, node, run);
  if (!ready.ok) throw new Error(`${service} on ${node} restarted (${r.value.status}), but the instance does not accept the wizard's SQL login: ${ready.error}`);
  if (ready.read.windowsOnly) throw new Error(`${service} on ${node} restarted, and the instance still runs in Windows-authentication-only mode.`);
  return `${service} on ${node} restarted (${r.value.status}); the instance runs in mixed mode.`;
}

/** Reads the node until it answers over SQL (or the time is up): the operations after a restart need it. */
async function untilReadable(ctx: StepContext, node: string, run: ApplyContext): Promise<NodeResult> {
  const deadline = Date.now() + RESTART_READY_MS;
  for (;;) {
    const n = await readNode(ctx, node, undefined, run.signal);
    if (n.ok || Date.now() > deadline || run.signal.aborted) return n;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // A refused login leaves nothing in the pool; a half-open one would be reused.
    await closePool(ctx.sql(node)).catch(() => undefined);
  }
}

async function newPassword(ctx: StepContext, run: ApplyContext): Promise<string> {
  if (logdbPassword(ctx)) return `The wizard already holds a password for ${LOGDB_LOGIN}: nothing to do.`;
  const { primary, sid } = await primaryAndSid(ctx, run.signal);
  const password = newLogdbPassword();
  // Kept before it is used anywhere, so it can never be lost.
  keepLogdbPassword(ctx, password);
  run.log(primary, `A new password for ${LOGDB_LOGIN} is stored (encrypted).`);
  await updateLogdb(ctx, primary, password, run);
  const login = await readNode(ctx, primary, undefined, run.signal);
  if (login.ok && login.read.login?.sid === sid) {
    await query(ctx.sql(primary), alterLoginSql(password), {}, { signal: run.signal, secrets: [password] });
    return `${LOGDB_LOGIN} on ${primary} has a new password (kept by the wizard); logging points at ${logdbServer(ctx.inventory)}.`;
  }
  return `A new password is kept and logging points at ${logdbServer(ctx.inventory)}; the login on ${primary} is made by its own operation.`;
}

async function syncLogin(ctx: StepContext, node: string, run: ApplyContext): Promise<string> {
  const password = requirePassword(ctx);
  const { sid } = await primaryAndSid(ctx, run.signal);
  const now = await readNode(ctx, node, password, run.signal);
  if (!now.ok) throw new Error(`${node}: ${now.error}`);
  const l = now.read.login;
  const statements: string[] = [];
  if (!l) statements.push(createLoginSql(sid, password));
  else if (l.sid !== sid) statements.push(dropLoginSql(), createLoginSql(sid, password));
  else {
    if (!l.passwordOk || l.policyChecked) statements.push(alterLoginSql(password));
    if (l.disabled) statements.push(enableLoginSql());
  }
  if (statements.length === 0) return `${LOGDB_LOGIN} on ${node} already has SID 0x${sid} and the wizard's password: nothing to do.`;
  const what = !l ? 'created' : l.sid !== sid ? `recreated (its SID was 0x${l.sid})` : 'given the wizard\'s password, CHECK_POLICY = OFF';
  run.log(node, `${LOGDB_LOGIN}: ${what}.`);
  await query(ctx.sql(node), statements.join('\n'), {}, { signal: run.signal, secrets: [password] });
  return `${LOGDB_LOGIN} on ${node} ${what}, SID 0x${sid}.`;
}

async function pointAtListener(ctx: StepContext, run: ApplyContext): Promise<string> {
  const password = requirePassword(ctx);
  const { primary } = await primaryAndSid(ctx, run.signal);
  // The stored connection string is encrypted and cannot be compared: it is written again (same values).
  await updateLogdb(ctx, primary, password, run);
  return `Execution logging on ${primary} points at ${logdbServer(ctx.inventory)}.`;
}

export async function apply(ctx: StepContext, op: Operation, run: ApplyContext): Promise<string> {
  if (op.kind === 'manual') throw new Error(`"${op.summary}" is a manual operation: follow its instructions, then check the step again.`);
  if (op.id.startsWith(OP.mixedRegistry(''))) return setRegistry(ctx, op, nodeOf(op, OP.mixedRegistry('')), run);
  if (op.id.startsWith(OP.mixedRestart(''))) return restartSql(ctx, nodeOf(op, OP.mixedRestart('')), run);
  if (op.id === OP.password) return newPassword(ctx, run);
  if (op.id.startsWith(OP.sync(''))) return syncLogin(ctx, nodeOf(op, OP.sync('')), run);
  if (op.id === OP.updateLogdb) return pointAtListener(ctx, run);
  throw new Error(`Unknown operation ${op.id} for the logging step.`);
}
