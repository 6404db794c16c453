// Step 5, "MasterSettings.config": the master account signs in to SSISDB on every replica (login
// everywhere, user in ssis_admin on the primary), SqlServerName = <listener>,<port> on every master node, and the
// master service restarted where it runs (the cluster role's owner once the role exists).
import 'server-only';
import type { StepModule } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { apply } from './apply';
import { plan } from './plan';
import { probe } from './probe';

export const step: StepModule<StepContext> = { slug: 'config', probe, plan, apply };
