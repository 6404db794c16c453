// apply: one operation, idempotently. The edit is made again from the bytes on the node now
// (not from the plan), written with a backup and an atomic replace that refuses a file changed
// since it was read; the restart decides on the node where the service runs.
import 'server-only';
import { z } from 'zod';
import type { ApplyContext, Operation } from '@/lib/engine/types';
import { psScript } from '@/lib/powershell/scripts';
import { applyEdits } from '@/lib/settings';
import type { StepContext } from '@/lib/steps/context';
import { sha256 } from '../master-shared/analyse';
import { OP, targetValue } from './checks';
import { applyLoginOp } from './login-ops';
import { configEnv, masterHosts } from './probe';
import { readConfigNode } from './read';

const writeResult = z.object({ path: z.string(), backup: z.string(), sha256: z.string() });
const restartResult = z.object({ restarted: z.boolean(), how: z.string(), group: z.string().nullable(), ownerNode: z.string().nullable(), status: z.string() });

async function writeSqlServerName(ctx: StepContext, host: string, run: ApplyContext): Promise<string> {
  const env = configEnv(ctx);
  const target = targetValue(env);
  const read = await readConfigNode(ctx, host, run.signal);
  if (read.settingsBase64 === null) throw new Error(`${host}: ${read.settingsPath} does not exist; repair the Scale Out Master installation.`);
  const bytes = Buffer.from(read.settingsBase64, 'base64');
  const edit = applyEdits(bytes, [{ element: 'SqlServerName', value: target, insertIfMissing: true }], { fileLabel: read.settingsPath });
  if (!edit.changed) return `${host}: SqlServerName already ${target}`;
  run.log(host, edit.diff);
  const r = await ctx
    .winrm(host)
    .runPowerShell(psScript('master-write-settings.ps1'), {
      params: { Path: read.settingsPath, ExpectedSha256: sha256(bytes), ContentBase64: edit.bytes.toString('base64') },
      schema: writeResult,
      signal: run.signal,
    })
    .then((x) => x.value);
  if (r.sha256 !== sha256(edit.bytes)) throw new Error(`${host}: ${r.path} does not hold the bytes written (backup at ${r.backup}).`);
  return `${host}: SqlServerName = ${target} (backup ${r.backup})`;
}

async function restart(ctx: StepContext, host: string, run: ApplyContext): Promise<string> {
  const svc = ctx.services.master;
  const r = await ctx
    .winrm(host)
    .runPowerShell(psScript('config-restart.ps1'), { params: { ServiceName: svc }, schema: restartResult, signal: run.signal })
    .then((x) => x.value);
  if (r.how === 'cluster') {
    return r.restarted ? `${host}: role ${r.group} cycled on ${host} (${r.status})` : `${host}: the role ${r.group} runs on ${r.ownerNode}; nothing restarted here`;
  }
  return r.restarted ? `${host}: ${svc} restarted (${r.status})` : `${host}: ${svc} is ${r.status}; left as it is`;
}

export async function apply(ctx: StepContext, op: Operation, run: ApplyContext): Promise<string> {
  const m = /^([a-z-]+)@([A-Za-z0-9-]{1,15})$/.exec(op.id);
  const host = m ? masterHosts(ctx).find((h) => h.toUpperCase() === m[2]!.toUpperCase()) : undefined;
  const login = applyLoginOp(ctx, op, host, run);
  if (login) return login;
  if (!m || !host) throw new Error(`Not an operation of the config step: ${op.id}`);
  if (m[1] === OP.settings) return writeSqlServerName(ctx, host, run);
  if (m[1] === OP.restart) return restart(ctx, host, run);
  throw new Error(`Not an operation of the config step: ${op.id}`);
}
