/**
 * Write coalescing for hot rows: per key, at most one write is in flight; whatever arrives for
 * that key meanwhile waits and goes together in the next one. Nothing waits on a timer: a key
 * that is not busy writes at once, so a lone request pays no latency, and under load each write
 * carries everything that queued behind the one before it.
 *
 * Why: concurrent upserts of one row serialize on its lock inside PostgreSQL, each paying a
 * round trip, a commit and a wake-up while holding it. One statement for the whole queue pays
 * those once. Every caller is answered only after the write carrying it has committed, or gets
 * its error: nothing is acknowledged before it is stored.
 */
export class Coalescer<T, R> {
  private readonly lanes = new Map<string, Entry<T, R>[]>();

  /**
   * @param write stores a batch (in arrival order) and answers each of its items, in order, with
   *   a result or an Error of its own; a rejection fails the whole batch.
   * @param maxBatch the most items one write carries.
   */
  constructor(
    private readonly write: (items: T[]) => Promise<(R | Error)[]>,
    private readonly maxBatch = 100,
  ) {}

  submit(key: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const waiting = this.lanes.get(key);
      const entry = { item, resolve, reject };
      if (waiting) {
        waiting.push(entry);
        return;
      }
      // The key was idle: it is busy from now until its queue drains.
      this.lanes.set(key, []);
      this.run(key, [entry]);
    });
  }

  /** Keys with a write in flight (for tests and metrics). */
  get busy(): number {
    return this.lanes.size;
  }

  /** Items waiting for their key's next write (for tests and metrics). */
  get waiting(): number {
    let n = 0;
    for (const queue of this.lanes.values()) n += queue.length;
    return n;
  }

  private run(key: string, batch: Entry<T, R>[]): void {
    let written: Promise<(R | Error)[]>;
    try {
      written = this.write(batch.map((e) => e.item));
    } catch (err) {
      written = Promise.reject(err);
    }
    written.then(
      (results) =>
        batch.forEach((e, i) => {
          const result = results[i];
          if (result instanceof Error) e.reject(result);
          else e.resolve(result);
        }),
      (err: unknown) => batch.forEach((e) => e.reject(err)),
    ).finally(() => {
      const waiting = this.lanes.get(key)!;
      if (!waiting.length) {
        this.lanes.delete(key);
        return;
      }
      this.run(key, waiting.splice(0, this.maxBatch));
    });
  }
}

interface Entry<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (err: unknown) => void;
}
