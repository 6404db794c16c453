import 'server-only';
import type { ApplyContext, Operation } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { inRootWithKey } from '../master-shared/analyse';
import { exportFrom, importPfx, nodeState, rebind, restart, setAccount, writeThumbprint } from '../master-shared/actions';
import { OP, parseOpId } from '../master-shared/ids';
import { primaryHost } from '../primary/probe';
import { secondaryHosts } from './probe';
import { sharedThumbprint } from './shared';

/**
 * One PFX export per certificate per job: the bytes and their one-time password live only in
 * this map, in the server's memory, for as long as the job's context does.
 */
const exported = new WeakMap<StepContext, Map<string, Promise<{ pfx: Buffer; password: string }>>>();

function exportOnce(ctx: StepContext, primary: string, thumbprint: string, signal: AbortSignal) {
  let byThumb = exported.get(ctx);
  if (!byThumb) exported.set(ctx, (byThumb = new Map()));
  let p = byThumb.get(thumbprint);
  if (!p) {
    p = exportFrom(ctx, primary, thumbprint, signal);
    // A failed export is not remembered: the next operation tries again.
    p.catch(() => byThumb.delete(thumbprint));
    byThumb.set(thumbprint, p);
  }
  return p;
}

/** Runs one operation of step 3; the shared certificate is read from the primary now. */
export async function apply(ctx: StepContext, op: Operation, run: ApplyContext): Promise<string> {
  const parsed = parseOpId(op.id);
  const host = parsed && secondaryHosts(ctx).find((h) => h.toUpperCase() === parsed.host.toUpperCase());
  if (!parsed || !host) throw new Error(`Not an operation of this step: ${op.id}`);
  const primary = primaryHost(ctx);
  const shared = async () => {
    const t = sharedThumbprint(await nodeState(ctx, primary, run.signal));
    if (!t) throw new Error(`${primary}: its master certificate does not pass step 2 any more; complete step 2, then probe again.`);
    return t;
  };
  switch (parsed.action) {
    case OP.importCert: {
      const thumb = await shared();
      if (inRootWithKey(await nodeState(ctx, host, run.signal), thumb)) return `${host}: ${thumb} already in LocalMachine\\Root with its key`;
      const { pfx, password } = await exportOnce(ctx, primary, thumb, run.signal);
      run.log(host, `Importing ${thumb} from ${primary} (PFX held in memory only)`);
      const r = await importPfx(ctx, host, thumb, pfx, password, false, run.signal);
      return `${host}: ${r.thumbprint} ${r.imported ? 'imported into' : 'already in'} LocalMachine\\Root`;
    }
    case OP.account:
      return setAccount(ctx, host, run);
    case OP.rebind:
      return rebind(ctx, host, await shared(), run);
    case OP.settings:
      return writeThumbprint(ctx, host, await shared(), run);
    case OP.restart:
      return restart(ctx, host, run);
    default:
      throw new Error(`${op.id} is not run by the wizard`);
  }
}
