// Step 3, "Install Scale Out Master on the secondary nodes": on every master node after the
// first, the master service under a domain account with the primary's very certificate (copied
// with its private key), bound on the port and named in MasterSettings.config.
import 'server-only';
import type { StepModule } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { apply } from './apply';
import { plan } from './plan';
import { probe } from './probe';

export const step: StepModule<StepContext> = { slug: 'secondary', probe, plan, apply };
