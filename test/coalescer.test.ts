import { describe, expect, it } from 'vitest';
import { Coalescer } from '../src/modules/limits/coalescer';

/** A write whose batches the test sees, and finishes when it chooses. */
function controlled() {
  const batches: { items: number[]; finish: (results: (number | Error)[] | Error) => void }[] = [];
  const coalescer = new Coalescer<number, number>(
    (items) =>
      new Promise((resolve, reject) => {
        batches.push({ items, finish: (results) => (results instanceof Error ? reject(results) : resolve(results)) });
      }),
    3,
  );
  return { coalescer, batches };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('Coalescer (hot-counter write batching)', () => {
  it('writes a lone item at once, and queues what arrives for its key while that write is in flight', async () => {
    const { coalescer, batches } = controlled();
    const first = coalescer.submit('k', 1);
    expect(batches.map((b) => b.items)).toEqual([[1]]);
    const queued = [2, 3, 4, 5].map((n) => coalescer.submit('k', n));
    const other = coalescer.submit('other', 9);
    // Another key is not held back by this one's write.
    expect(batches.map((b) => b.items)).toEqual([[1], [9]]);
    expect([coalescer.busy, coalescer.waiting]).toEqual([2, 4]);
    batches[0].finish([10]);
    expect(await first).toBe(10);
    await tick();
    // Everything that queued goes in the next write, up to the batch size, in arrival order.
    expect(batches.map((b) => b.items)).toEqual([[1], [9], [2, 3, 4]]);
    expect(coalescer.waiting).toBe(1);
    batches[2].finish([20, 30, 40]);
    await tick();
    expect(batches[3].items).toEqual([5]);
    batches[3].finish([50]);
    batches[1].finish([90]);
    expect(await Promise.all([...queued, other])).toEqual([20, 30, 40, 50, 90]);
    await tick();
    expect(coalescer.busy).toBe(0);
  });

  it("answers an item's own error to it alone, and a failed write to every item it carried", async () => {
    const { coalescer, batches } = controlled();
    const first = coalescer.submit('k', 1);
    const [a, b] = [2, 3].map((n) => coalescer.submit('k', n));
    batches[0].finish(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await tick();
    batches[1].finish([20, new Error('refused')]);
    expect(await a).toBe(20);
    await expect(b).rejects.toThrow('refused');
    // The key is free again: the next item is written at once.
    await tick();
    coalescer.submit('k', 4);
    expect(batches[2].items).toEqual([4]);
  });

  it('a write that throws before its promise fails its batch and frees the key', async () => {
    let calls = 0;
    const coalescer = new Coalescer<number, number>((items) => {
      if (calls++ === 0) throw new Error('bad statement');
      return Promise.resolve(items.map((n) => n * 10));
    });
    await expect(coalescer.submit('k', 1)).rejects.toThrow('bad statement');
    expect(await coalescer.submit('k', 2)).toBe(20);
  });
});
