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
  /**
   * Checked again, in a statement of its own, on the rows claimed: `where` was read in the
   * claiming statement's snapshot, and a change that committed while it ran (after the row
   * was read, before it was locked) would otherwise go unseen. `key` is a unique uuid column.
   */
  recheck?: { key: string; where: string };
}

/**
 * Deletes every row a sweep chooses, a batch per statement, and counts them. Rows are claimed
 * with FOR UPDATE SKIP LOCKED, so instances sweeping at once share the work without waiting on
 * each other, and a row a request holds is left for the next run. An aborted `signal` stops it
 * between batches (shutdown does not wait for a backlog).
 */
export async function sweep(em: EntityManager, s: Sweep, signal?: AbortSignal): Promise<number> {
  const batch = s.batch ?? SWEEP_BATCH;
  let total = 0;
  while (!signal?.aborted) {
    const { claimed, deleted } = s.recheck ? await claimThenDelete(em, s, s.recheck, batch) : await deleteClaimed(em, s, batch);
    total += deleted;
    if (claimed < batch) break;
  }
  return total;
}

async function deleteClaimed(em: EntityManager, s: Sweep, batch: number): Promise<{ claimed: number; deleted: number }> {
  const { affectedRows } = await em.getConnection().execute<{ affectedRows: number }>(
    `delete from ${s.table} where ctid = any(array(
       select ${s.alias}.ctid from ${s.from} where ${s.where} limit ? for update of ${s.alias} skip locked))`,
    [...s.params, batch],
    'run',
  );
  return { claimed: affectedRows, deleted: affectedRows };
}

async function claimThenDelete(em: EntityManager, s: Sweep, recheck: NonNullable<Sweep['recheck']>, batch: number): Promise<{ claimed: number; deleted: number }> {
  return em.transactional(async (tx) => {
    const rows = await tx.execute<{ key: string }[]>(
      `select ${s.alias}.${recheck.key} as key from ${s.from} where ${s.where} limit ? for update of ${s.alias} skip locked`,
      [...s.params, batch],
    );
    if (!rows.length) return { claimed: 0, deleted: 0 };
    // Read committed: this statement sees every change that committed before it began.
    const { affectedRows } = await tx.execute<{ affectedRows: number }>(
      `delete from ${s.table} as ${s.alias} where ${s.alias}.${recheck.key} = any(?::uuid[]) and ${recheck.where}`,
      [`{${rows.map((r) => r.key).join(',')}}`],
      'run',
    );
    return { claimed: rows.length, deleted: affectedRows };
  });
}
