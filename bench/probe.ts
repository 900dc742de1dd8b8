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
// work to every promise and other async resource the process makes. (Tenantry's storages keep
// their values in the frame of one native storage, src/async-context.ts: that one is what this
// counts.) The bench gives its baselines as many, to measure what that alone costs them. A
// storage is noted on its first run or enterWith, which then gives a plain storage the original
// methods as its own: the process under benchmark pays nothing per request for the count. (A
// subclass's own methods, which may call these, are left as they are.)
const storages = new Set<AsyncLocalStorage<unknown>>();
const proto = AsyncLocalStorage.prototype as unknown as Record<'run' | 'enterWith', (...args: unknown[]) => unknown>;
const originals = { run: proto.run, enterWith: proto.enterWith };
for (const method of ['run', 'enterWith'] as const) {
  proto[method] = function (this: AsyncLocalStorage<unknown>, ...args: unknown[]) {
    storages.add(this);
    if (Object.getPrototypeOf(this) === AsyncLocalStorage.prototype) Object.assign(this, originals);
    return originals[method].apply(this, args);
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
