import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { requireTenant, type ServiceContext } from '../../context';
import { notFound } from '../../errors';
import { sweep } from '../../db/sweep';
import { decodeCursor, encodeCursor } from '../../pagination';
import { parseInput } from '../../validation';
import { Tenant } from '../tenants/tenant.entity';
import { EVENT_CATALOG, PUBLISHED_EVENT } from './event-catalog';
import { OutboxEvent } from './event.entity';

export const MAX_EVENT_DATA_BYTES = 64 * 1024;
/** Namespaces of Tenantry's own events: a published event cannot pass for one of them. */
const RESERVED_PREFIXES = [...new Set(Object.keys(EVENT_CATALOG).map((t) => t.split('.')[0] + '.'))];

export const publishSchema = z.strictObject({
  type: z
    .string({ error: 'must be a string' })
    .max(100, 'must be at most 100 characters')
    .regex(PUBLISHED_EVENT, 'must look like "resource.action" (lowercase)')
    .refine(
      (t) => !Object.hasOwn(EVENT_CATALOG, t) && !RESERVED_PREFIXES.some((p) => t.startsWith(p)),
      "is in one of Tenantry's own namespaces and cannot be published",
    ),
  data: z
    .record(z.string(), z.unknown(), { error: 'must be an object' })
    .refine((d) => Buffer.byteLength(JSON.stringify(d)) <= MAX_EVENT_DATA_BYTES, `must be at most ${MAX_EVENT_DATA_BYTES} bytes of JSON`)
    .default({}),
});

export const listSchema = z.strictObject({
  first: z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
  after: z.string().max(200).nullish(),
  type: z.string().max(100).nullish(),
});

/** The payload webhooks deliver: `{type, id, tenant_id, occurred_at, data}`. */
export function eventPayload(e: OutboxEvent) {
  return { type: e.type, id: e.id, tenant_id: e.tenant.id, occurred_at: e.occurredAt.toISOString(), data: e.data };
}

/** Writes events to the outbox, always inside the caller's unit of work. */
export class EventService {
  emit(em: EntityManager, tenantId: string, type: string, data: Record<string, unknown>): OutboxEvent {
    return em.create(OutboxEvent, { tenant: em.getReference(Tenant, tenantId), type, data });
  }

  /** A data-plane service's own event (`memory.ingested`...), delivered like Tenantry's. */
  async publish(ctx: ServiceContext, input: unknown): Promise<OutboxEvent> {
    const { type, data } = parseInput(publishSchema, input);
    const tenantId = requireTenant(ctx);
    if (!(await ctx.em.count(Tenant, { id: tenantId, deletedAt: null }))) throw notFound('Tenant');
    const event = this.emit(ctx.em, tenantId, type, data);
    await ctx.em.flush();
    return event;
  }

  /** The tenant's events, newest first. */
  async list(ctx: ServiceContext, input: unknown) {
    const args = parseInput(listSchema, input);
    const tenantId = requireTenant(ctx);
    const where: Record<string, unknown>[] = [{ tenant: tenantId }];
    if (args.type) where.push({ type: args.type });
    if (args.after) {
      const c = decodeCursor(args.after);
      where.push({ $or: [{ occurredAt: { $lt: c.createdAt } }, { occurredAt: c.createdAt, id: { $lt: c.id } }] });
    }
    const rows = await ctx.em.find(OutboxEvent, { $and: where }, { orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }], limit: args.first + 1 });
    const events = rows.slice(0, args.first);
    const last = events.at(-1);
    return {
      events,
      nextCursor: rows.length > args.first && last ? encodeCursor({ createdAt: last.occurredAt, id: last.id }) : null,
    };
  }

  /**
   * Deletes events that occurred before `before` and that webhooks are done with: dispatched,
   * and no delivery of theirs still retrying. Their deliveries and attempts go with them (the
   * foreign keys cascade). A redelivery holds its event (FOR SHARE), so it is skipped; one that
   * committed while the event was being claimed is seen by the recheck.
   */
  sweepDelivered(em: EntityManager, before: Date, signal?: AbortSignal): Promise<number> {
    const done = `not exists (select 1 from webhook_deliveries d where d.event_id = e.id and d.status = 'pending')`;
    return sweep(
      em,
      {
        table: 'events',
        alias: 'e',
        from: 'events e',
        where: `e.occurred_at < ?::timestamptz and e.dispatched_at is not null and ${done}`,
        params: [before],
        recheck: { key: 'id', where: done },
        // Each event takes its deliveries and their attempts with it.
        batch: 1000,
      },
      signal,
    );
  }

  catalog() {
    return Object.entries(EVENT_CATALOG).map(([type, description]) => ({ type, description }));
  }
}
