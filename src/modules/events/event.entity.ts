import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Tenant } from '../tenants/tenant.entity';

/**
 * The outbox: every event is written in the same transaction as the change that caused it, so a
 * committed change always has its event and a rolled-back one never does. Delivery (webhooks)
 * reads from here; a crash between commit and send only delays it.
 */
@Entity({ tableName: 'events' })
@Index({ name: 'events_tenant_id_occurred_at_index', properties: ['tenant', 'occurredAt'] })
// Retention finds old events across every tenant (see EventService.sweepDelivered).
@Index({ name: 'events_occurred_at_index', properties: ['occurredAt'] })
@Index({
  name: 'events_undispatched_index',
  expression: 'create index "events_undispatched_index" on "events" ("occurred_at") where "dispatched_at" is null',
})
export class OutboxEvent {
  [OptionalProps]?: 'occurredAt' | 'dispatchedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Tenant, { ref: true, deleteRule: 'cascade', index: false })
  tenant!: Ref<Tenant>;

  @Property({ type: 'string', length: 100 })
  type!: string;

  @Property({ type: 'json' })
  data!: Record<string, unknown>;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  occurredAt: Date = new Date();

  /**
   * When the webhook dispatcher turned the event into deliveries. Claimed by state (null, FOR
   * UPDATE SKIP LOCKED), not by a time cursor: a transaction committing late, with an earlier
   * `occurred_at`, is still picked up.
   */
  @Property({ type: 'datetime', length: 3, nullable: true })
  dispatchedAt: Date | null = null;
}

/** Which threshold of which limit window has already raised its event (once per window). */
@Entity({ tableName: 'limit_alerts' })
export class LimitAlert {
  @ManyToOne(() => Tenant, { ref: true, primary: true, deleteRule: 'cascade' })
  tenant!: Ref<Tenant>;

  @PrimaryKey({ type: 'string', length: 400 })
  rule!: string;

  @PrimaryKey({ type: 'datetime', length: 3 })
  windowStart!: Date;

  @PrimaryKey({ type: 'string', length: 16 })
  level!: string;
}
