import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { OutboxEvent } from '../events/event.entity';
import { Tenant } from '../tenants/tenant.entity';

export type WebhookSource = 'api' | 'settings';
export type WebhookStatus = 'active' | 'disabled';
export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled';

/**
 * Where a tenant's events go. `api` endpoints are managed through the webhooks API; the one
 * `settings` endpoint mirrors the tenant's `webhook_url` / `webhook_events` settings. Signing
 * secrets are sealed under the tenant's data key, like its other secrets.
 */
@Entity({ tableName: 'webhook_endpoints' })
@Index({ name: 'webhook_endpoints_tenant_id_index', properties: ['tenant'] })
@Unique({
  name: 'webhook_endpoints_settings_unique',
  expression: `create unique index "webhook_endpoints_settings_unique" on "webhook_endpoints" ("tenant_id") where "source" = 'settings'`,
})
export class WebhookEndpoint {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'status' | 'description' | 'source' | 'disabledReason' | 'previousSecret' | 'previousSecretExpiresAt' | 'failingSince';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Tenant, { ref: true, deleteRule: 'cascade', index: false })
  tenant!: Ref<Tenant>;

  @Property({ type: 'string', length: 2048 })
  url!: string;

  @Property({ type: 'string', length: 500, nullable: true })
  description: string | null = null;

  /** Event types, `resource.*` patterns or `*`; empty means every event. */
  @Property({ type: 'json' })
  eventTypes!: string[];

  @Property({ type: 'string', length: 16 })
  source: WebhookSource = 'api';

  @Property({ type: 'string', length: 16 })
  status: WebhookStatus = 'active';

  @Property({ type: 'string', length: 200, nullable: true })
  disabledReason: string | null = null;

  @Property({ type: 'blob' })
  secret!: Buffer;

  /** After a rotation the old secret signs too, until it expires, so receivers can switch over. */
  @Property({ type: 'blob', nullable: true })
  previousSecret: Buffer | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  previousSecretExpiresAt: Date | null = null;

  /** Set at the first failed attempt after a success; cleared by the next success. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  failingSince: Date | null = null;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/**
 * One event for one endpoint. The `webhook-id` header is the event id, the same on every retry.
 * Workers claim due rows with FOR UPDATE SKIP LOCKED and lease them by moving `next_attempt_at`
 * past the send timeout, so no two workers send the same attempt.
 */
@Entity({ tableName: 'webhook_deliveries' })
@Unique({ name: 'webhook_deliveries_endpoint_event_unique', properties: ['endpoint', 'event'] })
@Index({ name: 'webhook_deliveries_endpoint_created_index', properties: ['endpoint', 'createdAt'] })
@Index({
  name: 'webhook_deliveries_due_index',
  expression: `create index "webhook_deliveries_due_index" on "webhook_deliveries" ("next_attempt_at") where "status" = 'pending'`,
})
export class WebhookDelivery {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'status' | 'attempts' | 'nextAttemptAt' | 'lastAttemptAt' | 'lastStatusCode' | 'lastLatencyMs' | 'lastError';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Tenant, { ref: true, deleteRule: 'cascade', index: true })
  tenant!: Ref<Tenant>;

  @ManyToOne(() => WebhookEndpoint, { ref: true, deleteRule: 'cascade', index: false })
  endpoint!: Ref<WebhookEndpoint>;

  @ManyToOne(() => OutboxEvent, { ref: true, deleteRule: 'cascade', index: true })
  event!: Ref<OutboxEvent>;

  @Property({ type: 'string', length: 100 })
  eventType!: string;

  @Property({ type: 'string', length: 16 })
  status: DeliveryStatus = 'pending';

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  nextAttemptAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, nullable: true })
  lastAttemptAt: Date | null = null;

  @Property({ type: 'integer', nullable: true })
  lastStatusCode: number | null = null;

  @Property({ type: 'integer', nullable: true })
  lastLatencyMs: number | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  lastError: string | null = null;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** The delivery log: one row per attempt, what was sent and what came back. */
@Entity({ tableName: 'webhook_attempts' })
@Index({ name: 'webhook_attempts_delivery_index', properties: ['delivery', 'attempt'] })
export class WebhookAttempt {
  [OptionalProps]?: 'startedAt' | 'statusCode' | 'error' | 'responseBody';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Tenant, { ref: true, deleteRule: 'cascade', index: true })
  tenant!: Ref<Tenant>;

  @ManyToOne(() => WebhookDelivery, { ref: true, deleteRule: 'cascade', index: false })
  delivery!: Ref<WebhookDelivery>;

  @Property({ type: 'integer' })
  attempt!: number;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  startedAt: Date = new Date();

  @Property({ type: 'boolean' })
  success!: boolean;

  @Property({ type: 'integer', nullable: true })
  statusCode: number | null = null;

  @Property({ type: 'integer' })
  latencyMs!: number;

  @Property({ type: 'string', length: 500, nullable: true })
  error: string | null = null;

  /** The start of the receiver's answer, bounded (see MAX_RESPONSE_BYTES). */
  @Property({ type: 'text', nullable: true })
  responseBody: string | null = null;
}
