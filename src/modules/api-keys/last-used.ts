import type { MikroORM } from '@mikro-orm/postgresql';
import { PeriodicFlush } from '../../periodic-flush';

/** A key's last use is written at most this often: finer detail is not worth the writes. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Records when keys were last used without writing on the request path: uses are collected in
 * memory and written in one statement every few seconds and on shutdown, at most once a minute
 * per key. A crash loses at most one interval of last-used times, never anything else.
 */
export class LastUsedRecorder extends PeriodicFlush {
  /** Per key, the time (ms since the epoch) to write. Numbers: no Date is made per request. */
  private pending = new Map<string, number>();
  /** When each key's use was last queued for writing. */
  private recorded = new Map<string, number>();

  constructor(
    private readonly orm: MikroORM,
    private readonly onError: (err: unknown) => void,
  ) {
    super();
  }

  /** `at` in ms since the epoch. */
  mark(keyId: string, at = Date.now()): void {
    const last = this.recorded.get(keyId);
    if (last !== undefined && at - last < LAST_USED_RESOLUTION_MS) return;
    this.recorded.set(keyId, at);
    this.pending.set(keyId, at);
  }

  protected async write(): Promise<void> {
    const horizon = Date.now() - LAST_USED_RESOLUTION_MS;
    for (const [id, at] of this.recorded) if (at < horizon) this.recorded.delete(id);
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.pending = new Map();
    // One JSON parameter rather than arrays: the query builder would expand arrays into lists.
    const rows = JSON.stringify(batch.map(([id, at]) => ({ id, at: new Date(at).toISOString() })));
    try {
      await this.orm.em.getConnection().execute(
        `update api_keys k set last_used_at = v.at
           from jsonb_to_recordset(?::jsonb) as v(id uuid, at timestamptz)
          where k.id = v.id and (k.last_used_at is null or k.last_used_at < v.at)`,
        [rows],
      );
    } catch (err) {
      // Keep the newest time for the next attempt rather than dropping it.
      for (const [id, at] of batch) if (!this.pending.has(id)) this.pending.set(id, at);
      this.onError(err);
    }
  }
}
