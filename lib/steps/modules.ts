import 'server-only';
import type { StepModule } from '@/lib/engine/types';
import type { StepContext } from './context';
import type { StepSlug } from './registry';
import { step as prereqs } from './prereqs';
import { step as primary } from './primary';
import { step as secondary } from './secondary';
import { step as alwaysOn } from './always-on';
import { step as config } from './config';
import { step as clusterRole } from './cluster-role';
import { step as logging } from './logging';
import { step as masterAddress } from './master-address';
import { step as workers } from './workers';

/** The steps that have live probes, plans and applies; the others show their placeholders. */
export const STEP_MODULES: Partial<Record<StepSlug, StepModule<StepContext>>> = {
  prereqs,
  primary,
  secondary,
  'always-on': alwaysOn,
  config,
  'cluster-role': clusterRole,
  logging,
  'master-address': masterAddress,
  workers,
};
