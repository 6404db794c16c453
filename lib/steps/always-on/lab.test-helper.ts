// Test fixture for step 4: the shared lab fixture (half-done, no workers), and step 4's plan
// applied as the wizard would.
import type { Operation } from '@/lib/engine/types';
import type { StepContext } from '../context';
import { applyContext, applyStep, byId, labSession, startLabFixture, statuses, type LabFixture } from '../lab-fixture.test-helper';
import { step } from './index';

export type Fixture = LabFixture;
export const startFixture = (): Promise<Fixture> => startLabFixture('always-on');

/** Probes, plans and applies every non-manual operation of step 4; returns what ran. */
export const applyPlan = (ctx: StepContext): Promise<{ ops: Operation[]; results: string[] }> => applyStep(step, ctx);

export { applyContext, byId, labSession, statuses };
