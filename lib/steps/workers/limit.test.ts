import { describe, expect, it } from 'vitest';
import { mapLimit } from './limit';

describe('mapLimit', () => {
  it('never runs more than the limit at once, keeps the order, and settles every item', async () => {
    let running = 0;
    let peak = 0;
    const items = Array.from({ length: 20 }, (_, i) => i);
    const results = await mapLimit(items, 8, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5 + (i % 3)));
      running--;
      if (i === 7) throw new Error('seven');
      return i * 2;
    });
    expect(peak).toBe(8);
    expect(results[7]).toMatchObject({ status: 'rejected', reason: new Error('seven') });
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<number>).value)).toEqual(items.filter((i) => i !== 7).map((i) => i * 2));
  });

  it('copes with no items', async () => {
    expect(await mapLimit([], 8, () => Promise.resolve(1))).toEqual([]);
  });
});
