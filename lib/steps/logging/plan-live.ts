// The step's plan with the checked-in script texts (read from the source tree, as they run).
import 'server-only';
import type { Check, Operation } from '@/lib/engine/types';
import { psScript } from '@/lib/powershell/scripts';
import type { StepContext } from '../context';
import { planWith } from './plan';

export const plan = (ctx: Pick<StepContext, 'inventory'>, checks: Check[]): Operation[] => planWith(ctx, checks, psScript);
