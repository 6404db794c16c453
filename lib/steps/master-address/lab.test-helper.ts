// Test fixture for the master-address and logging steps: the shared lab fixture (half-done, no
// workers) under the names these tests use.
import type { StepContext } from '../context';
import { applyContext, applyStep, byId, labSession, startLabFixture, statuses, type LabFixture } from '../lab-fixture.test-helper';

export type LabStepContext = StepContext;
export type Fixture = LabFixture;
export const startFixture = (name: string): Promise<Fixture> => startLabFixture(name);
export const applyPlan = applyStep;
export { applyContext, byId, labSession, statuses };
