// What apply runs on the nodes. Every action reads the node again first and does nothing when
// the state is already right, so applying a plan twice changes nothing the second time.
import 'server-only';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { exportPfx, generateMasterCertificate } from '@/lib/certs';
import type { ApplyContext } from '@/lib/engine/types';
import { psScript } from '@/lib/powershell/scripts';
import { applyEdits } from '@/lib/settings';
import type { StepContext } from '@/lib/steps/context';
import { analyseNode, inRootWithKey, sha256, type NodeState } from './analyse';
import { masterCertificateNames } from './names';
import { readMasterNode } from './node-read';
import { DEFAULT_APPID } from './ops';

const run = <T>(ctx: StepContext, host: string, file: string, params: Record<string, unknown>, schema: z.ZodType<T>, signal: AbortSignal, secrets: string[] = []) =>
  ctx
    .winrm(host)
    .runPowerShell(psScript(file), { params, schema, signal, secrets })
    .then((r) => r.value);

export async function nodeState(ctx: StepContext, host: string, signal: AbortSignal): Promise<NodeState> {
  return analyseNode(host, await readMasterNode(ctx, host, signal), ctx.inventory.masterDnsName);
}

/** A one-time password for one PFX transfer: never stored, never shown. */
const oneTimePassword = () => randomBytes(24).toString('base64url');

export async function setAccount(ctx: StepContext, host: string, a: ApplyContext): Promise<string> {
  const password = ctx.secret('masterAccountPassword');
  if (!password) throw new Error(`The password of ${ctx.inventory.masterAccount} is not stored: enter it in the deployment's inventory first.`);
  const s = await nodeState(ctx, host, a.signal);
  if (s.account && s.account.name.toLowerCase() === ctx.inventory.masterAccount.toLowerCase()) return `${host}: already runs as ${s.account.name}`;
  const r = await run(
    ctx,
    host,
    'master-set-account.ps1',
    { ServiceName: ctx.services.master, Account: ctx.inventory.masterAccount, Password: password },
    z.object({ before: z.string(), after: z.string(), restarted: z.boolean(), status: z.string() }),
    a.signal,
    [password],
  );
  return `${host}: ${r.before} → ${r.after}${r.restarted ? `, restarted (${r.status})` : ` (service ${r.status})`}`;
}

const importResult = z.object({ thumbprint: z.string(), imported: z.boolean() });

export async function importPfx(ctx: StepContext, host: string, thumbprint: string, pfx: Buffer, password: string, exportable: boolean, signal: AbortSignal) {
  return run(
    ctx,
    host,
    'master-import-pfx.ps1',
    { Thumbprint: thumbprint, PfxBase64: pfx.toString('base64'), PfxPassword: password, Exportable: exportable },
    importResult,
    signal,
    [password],
  );
}

/** Makes the master certificate in memory and imports it (exportable) into Root on `host`. */
export async function newCertificate(ctx: StepContext, host: string, a: ApplyContext): Promise<string> {
  const [dns, ...more] = masterCertificateNames(ctx.inventory);
  const cert = await generateMasterCertificate({ masterDnsName: dns!, additionalNames: more });
  const password = oneTimePassword();
  const pfx = exportPfx({ certificate: cert.certificateDer, privateKey: cert.privateKey, password, friendlyName: 'SSISScaleOutMaster' });
  a.log(host, `Made certificate ${cert.info.thumbprint} for ${[dns, ...more].join(', ')}`);
  const r = await importPfx(ctx, host, cert.info.thumbprint, pfx, password, true, a.signal);
  return `${host}: certificate ${r.thumbprint} in LocalMachine\\Root`;
}

/** Exports `thumbprint` from `host` as a PFX under a fresh one-time password; both stay in memory. */
export async function exportFrom(ctx: StepContext, host: string, thumbprint: string, signal: AbortSignal): Promise<{ pfx: Buffer; password: string }> {
  const password = oneTimePassword();
  const r = await run(
    ctx,
    host,
    'master-export-pfx.ps1',
    { Thumbprint: thumbprint, PfxPassword: password },
    z.object({ thumbprint: z.string(), pfxBase64: z.string() }),
    signal,
    [password],
  );
  return { pfx: Buffer.from(r.pfxBase64, 'base64'), password };
}

export async function rebind(ctx: StepContext, host: string, thumbprint: string, a: ApplyContext): Promise<string> {
  const s = await nodeState(ctx, host, a.signal);
  if (!inRootWithKey(s, thumbprint)) throw new Error(`${host}: certificate ${thumbprint} is not in LocalMachine\\Root with its private key; HTTP.SYS could not use it.`);
  const r = await run(
    ctx,
    host,
    'master-rebind.ps1',
    { Port: ctx.inventory.masterPort, Thumbprint: thumbprint, DefaultAppId: DEFAULT_APPID },
    z.object({ changed: z.boolean(), appId: z.string(), previous: z.string().nullable() }),
    a.signal,
  );
  return r.changed
    ? `${host}: 0.0.0.0:${ctx.inventory.masterPort} now ${thumbprint} (was ${r.previous ?? 'unbound'}, appid ${r.appId})`
    : `${host}: ${thumbprint} was already bound`;
}

export async function writeThumbprint(ctx: StepContext, host: string, thumbprint: string, a: ApplyContext): Promise<string> {
  const s = await nodeState(ctx, host, a.signal);
  if (!s.settings.bytes) throw new Error(`${host}: ${s.settings.path} does not exist; repair the Scale Out Master installation.`);
  const edit = applyEdits(s.settings.bytes, [{ element: 'SSLCertThumbprint', value: thumbprint, insertIfMissing: true }], { fileLabel: s.settings.path });
  if (!edit.changed) return `${host}: SSLCertThumbprint already ${thumbprint}`;
  a.log(host, edit.diff);
  const r = await run(
    ctx,
    host,
    'master-write-settings.ps1',
    { Path: s.settings.path, ExpectedSha256: sha256(s.settings.bytes), ContentBase64: edit.bytes.toString('base64') },
    z.object({ path: z.string(), backup: z.string(), sha256: z.string() }),
    a.signal,
  );
  if (r.sha256 !== sha256(edit.bytes)) throw new Error(`${host}: ${r.path} does not hold the bytes written (backup at ${r.backup}).`);
  return `${host}: SSLCertThumbprint = ${thumbprint} (backup ${r.backup})`;
}

export async function restart(ctx: StepContext, host: string, a: ApplyContext): Promise<string> {
  const r = await run(ctx, host, 'master-restart.ps1', { ServiceName: ctx.services.master }, z.object({ restarted: z.boolean(), status: z.string() }), a.signal);
  return r.restarted ? `${host}: ${ctx.services.master} restarted (${r.status})` : `${host}: ${ctx.services.master} is ${r.status}; left as it is`;
}
