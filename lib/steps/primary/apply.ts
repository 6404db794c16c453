import 'server-only';
import type { ApplyContext, Operation } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { fitCertificate } from '../master-shared/analyse';
import { newCertificate, nodeState, rebind, restart, setAccount, writeThumbprint } from '../master-shared/actions';
import { idAt, OP, parseOpId } from '../master-shared/ids';
import { CATALOG_OP } from './catalog';
import { enableScaleOut } from './catalog-read';
import { primaryHost } from './probe';

/**
 * Runs one operation of step 2. The certificate an operation binds or names is decided now, from
 * what the node holds at this moment (the one the previous operation made, or the fit one found),
 * not from the plan: a plan made before the new certificate existed cannot know its thumbprint.
 */
export async function apply(ctx: StepContext, op: Operation, run: ApplyContext): Promise<string> {
  if (op.kind === 'manual') throw new Error(`"${op.summary}" is a manual operation: follow its instructions, then check the step again.`);
  // The catalog's operation names the node it was read on; it runs where SSISDB is writable now.
  if (op.id.toUpperCase().startsWith(`${CATALOG_OP.enable}@`.toUpperCase())) {
    const node = op.id.slice(CATALOG_OP.enable.length + 1);
    if (!ctx.inventory.masters.some((m) => idAt(CATALOG_OP.enable, m.hostName) === idAt(CATALOG_OP.enable, node))) throw new Error(`Not an operation of this step: ${op.id}`);
    return enableScaleOut(ctx, primaryHost(ctx), run);
  }
  const parsed = parseOpId(op.id);
  if (!parsed || parsed.host.toUpperCase() !== primaryHost(ctx).toUpperCase()) throw new Error(`Not an operation of this step: ${op.id}`);
  const { host, action } = { ...parsed, host: primaryHost(ctx) };
  const target = async () => {
    const t = fitCertificate(await nodeState(ctx, host, run.signal));
    if (!t) throw new Error(`${host}: no certificate in LocalMachine\\Root names ${ctx.inventory.masterDnsName}; the new-certificate operation must run first.`);
    return t;
  };
  switch (action) {
    case OP.account:
      return setAccount(ctx, host, run);
    case OP.newCert: {
      const s = await nodeState(ctx, host, run.signal);
      const fit = fitCertificate(s);
      return fit ? `${host}: certificate ${fit} in LocalMachine\\Root already names ${ctx.inventory.masterDnsName}` : newCertificate(ctx, host, run);
    }
    case OP.rebind:
      return rebind(ctx, host, await target(), run);
    case OP.settings:
      return writeThumbprint(ctx, host, await target(), run);
    case OP.restart:
      return restart(ctx, host, run);
    default:
      throw new Error(`${op.id} is not run by the wizard`);
  }
}
