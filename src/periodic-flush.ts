import { asPlatform } from './db/tenant-scope';

/**
 * The shape shared by the writers that keep the database off the request path: collect in
 * memory, write in one statement every few seconds and at shutdown. Flushes never overlap.
 */
export abstract class PeriodicFlush {
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  start(intervalMs = 5000): void {
    this.timer ??= setInterval(() => void this.flush().catch(() => {}), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  flush(): Promise<void> {
    // A failed write must not poison the chain: the next flush still runs.
    // Writes for every tenant at once, even when a request's own scope set the flush off.
    this.flushing = this.flushing.catch(() => {}).then(() => asPlatform(() => this.write()));
    return this.flushing;
  }

  /** Writes what was collected; on failure keeps it for the next flush and reports. */
  protected abstract write(): Promise<void>;
}
