/**
 * Runs `fn` over `items` with at most `limit` at a time, in order of the items, and settles every
 * one (a failing worker does not stop the others). Results come back in the items' order.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i]!, i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}

/** How many workers apply attaches at once: enough for a fleet, few enough for one wizard server. */
export const WORKER_CONCURRENCY = 8;
