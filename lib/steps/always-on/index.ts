// Step 4, "SSISDB in Always On": SSISDB in an availability group of the master nodes' instances,
// healthy and synchronized, reached through a listener with a port, its master key openable on
// every secondary, and Always On support for SSISDB enabled.
import 'server-only';
import type { StepModule } from '@/lib/engine/types';
import type { StepContext } from '../context';
import { apply } from './apply';
import { plan } from './plan';
import { probe } from './probe';

export const step: StepModule<StepContext> = { slug: 'always-on', probe, plan, apply };
export { DMK_SECRET } from './secret';
export { saveDmkPassword } from './save-secret';
