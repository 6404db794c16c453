// Step 7, "Cluster role": the master service as a Generic Service role with the master DNS host
// name and static IP as its client access point, online, every master node a possible owner, the
// service Manual on every node (the cluster starts it), and the name resolving to the IP.
import 'server-only';
import type { StepModule } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { apply } from './apply';
import { plan } from './plan';
import { probe } from './probe';

export const step: StepModule<StepContext> = { slug: 'cluster-role', probe, plan, apply };
