/**
 * Preloaded into the Tenantry process under benchmark (`node -r dist/bench/probe.js`): answers
 * the bench's IPC questions about memory and event-loop delay from inside the process.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();

process.on('message', (m: { type?: string; gc?: boolean; reset?: boolean }) => {
  if (m?.type !== 'probe' || !process.send) return;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (m.gc && gc) gc();
  const mem = process.memoryUsage();
  process.send({ type: 'probe', rss: mem.rss, heapUsed: mem.heapUsed, eldP99Ms: delay.percentile(99) / 1e6, eldMaxMs: delay.max / 1e6 });
  if (m.reset) delay.reset();
});
