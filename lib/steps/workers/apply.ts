import 'server-only';
import { z } from 'zod';
import type { ApplyContext, Operation } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { attachWorkers, enableWorkers, trustWorkers } from './actions';
import { OP } from './ids';

const workersOf = z.object({ workers: z.array(z.string()).min(1) });

/** Runs one operation of step 9 on the workers the plan named (only those of this deployment). */
export async function apply(ctx: StepContext, op: Operation, run: ApplyContext): Promise<string> {
  const parsed = workersOf.safeParse(op);
  if (!parsed.success) throw new Error(`${op.id} is not run by the wizard`);
  const known = new Map(ctx.inventory.workers.map((w) => [w.hostName.toUpperCase(), w.hostName]));
  const hosts = parsed.data.workers.map((h) => {
    const host = known.get(h.toUpperCase());
    if (!host) throw new Error(`${h} is not a worker of this deployment`);
    return host;
  });
  const [action, at] = op.id.split('@');
  switch (action) {
    case OP.trust: {
      const master = ctx.inventory.masters.find((m) => m.hostName.toUpperCase() === at?.toUpperCase());
      if (!master) throw new Error(`Not an operation of this step: ${op.id}`);
      return trustWorkers(ctx, master.hostName, hosts, run);
    }
    case OP.attach:
      return attachWorkers(ctx, hosts, run);
    case OP.enable:
      return enableWorkers(ctx, hosts, run);
    default:
      throw new Error(`Not an operation of this step: ${op.id}`);
  }
}
