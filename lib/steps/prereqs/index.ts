import 'server-only';
// Step 1, "Prerequisites": Failover Clustering on every master node, all of them Up in the one
// cluster, Always On enabled on every instance, the planned names still free in DNS, and the
// targets reachable with the deployment's credentials.
import type { StepModule } from '@/lib/engine/types';
import { psScript } from '@/lib/powershell/scripts';
import type { StepContext } from '../context';
import { apply, INSTALL_SCRIPT } from './apply';
import { planFrom } from './plan';
import { probe } from './probe';

export const step: StepModule<StepContext> = {
  slug: 'prereqs',
  probe,
  plan: (ctx, checks) => planFrom(checks, psScript(INSTALL_SCRIPT), ctx.inventory.clusterName),
  apply,
};
