// Step 5, "MasterSettings.config": SqlServerName = <listener>,<port> on every master node, and the
// master service restarted where it runs (the cluster role's owner once the role exists).
import 'server-only';
import type { StepModule } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { apply } from './apply';
import { plan } from './plan';
import { probe } from './probe';

export const step: StepModule<StepContext> = { slug: 'config', probe, plan, apply };
