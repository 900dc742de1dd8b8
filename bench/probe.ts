/**
 * Preloaded into the Tenantry process under benchmark (`node -r dist/bench/probe.js`): answers
 * the bench's IPC questions about memory, event-loop delay and async-context tracking from
 * inside the process.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();

// Every native AsyncLocalStorage that has carried a store: on Node 20 each one, once used, adds
// work to every promise the process makes. (Tenantry's storages keep their values in the frame
// of one native storage, src/async-context.ts: that one is what this counts.) The bench gives
// the bare Apollo baseline as many to measure what that alone costs. (A Set insert per run:
// tens of nanoseconds against a request's 100 µs.)
const storages = new Set<AsyncLocalStorage<unknown>>();
for (const method of ['run', 'enterWith'] as const) {
  const original = AsyncLocalStorage.prototype[method] as (...args: unknown[]) => unknown;
  (AsyncLocalStorage.prototype as unknown as Record<string, unknown>)[method] = function (this: AsyncLocalStorage<unknown>, ...args: unknown[]) {
    storages.add(this);
    return original.apply(this, args);
  };
}

process.on('message', (m: { type?: string; gc?: boolean; reset?: boolean }) => {
  if (m?.type !== 'probe' || !process.send) return;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (m.gc && gc) gc();
  const mem = process.memoryUsage();
  process.send({
    type: 'probe',
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    eldP99Ms: delay.percentile(99) / 1e6,
    eldMaxMs: delay.max / 1e6,
    asyncContexts: storages.size,
  });
  if (m.reset) delay.reset();
});
