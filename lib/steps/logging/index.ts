// Step 6, "Execution logging": mixed mode on every replica, ##MS_SSISLogDBWorkerAgentLogin## with
// a password the wizard keeps and the SSISDB user's SID on every replica, and
// catalog.update_logdb_info pointing at the listener, proven by signing in through it.
import 'server-only';
import type { StepModule } from '@/lib/engine/types';
import type { StepContext } from '../context';
import { apply } from './apply';
import { plan } from './plan-live';
import { probe } from './probe';

export const step: StepModule<StepContext> = { slug: 'logging', probe, plan, apply };
export { LOGDB_SECRET } from './secret';
