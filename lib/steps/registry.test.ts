import { describe, expect, it } from 'vitest';
import { STEPS, isStepSlug, nextStep, prevStep } from './registry';

describe('step registry', () => {
  it('lists the nine steps in the document order', () => {
    expect(STEPS.map((s) => s.slug)).toEqual([
      'prereqs', 'primary', 'secondary', 'always-on', 'config', 'logging', 'cluster-role', 'master-address', 'workers',
    ]);
  });

  it('navigates forward and back and knows its slugs', () => {
    expect(nextStep('prereqs')?.slug).toBe('primary');
    expect(prevStep('prereqs')).toBeUndefined();
    expect(nextStep('workers')).toBeUndefined();
    expect(prevStep('workers')?.slug).toBe('master-address');
    expect(isStepSlug('config')).toBe(true);
    expect(isStepSlug('inventory')).toBe(false);
  });
});
