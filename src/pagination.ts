import { z } from 'zod';
import { badInput } from './errors';

/**
 * Keyset cursors over (created_at, id), newest first: opaque to clients, stable under inserts.
 */
export const encodeCursor = (row: { createdAt: Date; id: string }) =>
  Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');

export function decodeCursor(cursor: string, field = 'after'): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const createdAt = new Date(at);
    // PostgreSQL timestamps span years 4713 BC to 294276 AD; a cursor this service wrote is recent.
    const year = createdAt.getUTCFullYear();
    if (Number.isNaN(year) || year < 1 || year > 9999 || !z.uuid().safeParse(id).success) throw new Error();
    return { createdAt, id };
  } catch {
    throw badInput([{ field, message: 'is not a cursor from this list' }]);
  }
}

/** The filter for rows after `cursor` in (created_at desc, id desc) order. */
export const afterCursor = (c: { createdAt: Date; id: string }) => ({
  $or: [{ createdAt: { $lt: c.createdAt } }, { createdAt: c.createdAt, id: { $lt: c.id } }],
});
