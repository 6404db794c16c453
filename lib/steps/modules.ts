import 'server-only';
import type { StepModule } from '@/lib/engine/types';
import type { StepContext } from './context';
import type { StepSlug } from './registry';

/** The steps that have live probes, plans and applies; the others show their placeholders. */
export const STEP_MODULES: Partial<Record<StepSlug, StepModule<StepContext>>> = {};
