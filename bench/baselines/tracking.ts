import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * For the bench's calibration rows: with BENCH_ASYNC_CONTEXTS=n, a baseline has n
 * AsyncLocalStorage instances in use, the first carrying a store per request as Tenantry's
 * row-level scope does. What Node 20's async-context tracking alone costs that baseline.
 */
const storages = Array.from({ length: Number(process.env.BENCH_ASYNC_CONTEXTS ?? 0) }, () => new AsyncLocalStorage<object>());
// A storage's first use turns on the per-resource hook, as a first transaction does in Tenantry.
for (const storage of storages) storage.run({}, () => {});

/** `handler` as is without storages; with them, each call runs in a fresh store of the first. */
export function tracked<T, A extends unknown[], R>(handler: (this: T, ...args: A) => R): (this: T, ...args: A) => R {
  if (!storages.length) return handler;
  return function (this: T, ...args: A) {
    return storages[0].run({}, () => handler.apply(this, args));
  };
}
