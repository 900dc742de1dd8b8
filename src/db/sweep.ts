import type { EntityManager } from '@mikro-orm/postgresql';

/** Rows one statement deletes at most: short statements, few row locks held at once. */
export const SWEEP_BATCH = 5000;

export interface Sweep {
  /** The table rows are deleted from. */
  table: string;
  /** Its alias in `from`. */
  alias: string;
  /** What the rows are chosen from: the table under `alias`, joined to whatever `where` needs. */
  from: string;
  where: string;
  params: unknown[];
  /** Rows per statement, when deleting one cascades to many others (SWEEP_BATCH otherwise). */
  batch?: number;
}

/**
 * Deletes every row a sweep chooses, a batch per statement, and counts them. Rows are claimed
 * with FOR UPDATE SKIP LOCKED, so instances sweeping at once share the work without waiting on
 * each other, and a row a request holds is left for the next run. An aborted `signal` stops it
 * between batches (shutdown does not wait for a backlog).
 */
export async function sweep(em: EntityManager, s: Sweep, signal?: AbortSignal): Promise<number> {
  const batch = s.batch ?? SWEEP_BATCH;
  const sql = `delete from ${s.table} where ctid = any(array(
    select ${s.alias}.ctid from ${s.from} where ${s.where} limit ? for update of ${s.alias} skip locked))`;
  let total = 0;
  while (!signal?.aborted) {
    const { affectedRows } = await em.getConnection().execute<{ affectedRows: number }>(sql, [...s.params, batch], 'run');
    total += affectedRows;
    if (affectedRows < batch) break;
  }
  return total;
}
