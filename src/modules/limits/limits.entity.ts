import { BigIntType, Entity, Index, ManyToOne, OneToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Tenant } from '../tenants/tenant.entity';
import type { LimitDefinition } from './limit-definition';

/** A tenant's resource-limit definitions, replaced whole by PUT. */
@Entity({ tableName: 'tenant_limits' })
export class TenantLimitSet {
  [OptionalProps]?: 'updatedAt';

  @OneToOne(() => Tenant, { primary: true, ref: true, deleteRule: 'cascade', owner: true })
  tenant!: Ref<Tenant>;

  @Property({ type: 'json' })
  definitions!: LimitDefinition[];

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/**
 * Usage in one window of one limit: per tenant, per subject ('' for the tenant, else an end-user
 * id). Written only by single-statement upserts, so concurrent tracks add up exactly.
 */
@Entity({ tableName: 'usage_counters' })
export class UsageCounter {
  @ManyToOne(() => Tenant, { ref: true, primary: true, deleteRule: 'cascade' })
  tenant!: Ref<Tenant>;

  @PrimaryKey({ type: 'string', length: 200 })
  subject!: string;

  @PrimaryKey({ type: 'string', length: 64 })
  resource!: string;

  @PrimaryKey({ type: 'string', length: 64 })
  metric!: string;

  @PrimaryKey({ type: 'string', length: 8 })
  period!: string;

  @PrimaryKey({ type: 'datetime', length: 3 })
  windowStart!: Date;

  @Property({ type: new BigIntType('number') })
  value!: number;
}

/** Per-day totals of everything tracked and of API calls, behind usage summaries and history. */
@Entity({ tableName: 'usage_daily' })
export class UsageDaily {
  @ManyToOne(() => Tenant, { ref: true, primary: true, deleteRule: 'cascade' })
  tenant!: Ref<Tenant>;

  @PrimaryKey({ type: 'date' })
  day!: string;

  @PrimaryKey({ type: 'string', length: 64 })
  resource!: string;

  @PrimaryKey({ type: 'string', length: 64 })
  metric!: string;

  /**
   * Writers spread over DAILY_SHARDS rows per day, resource and metric, and readers sum them:
   * the day's total must not become a second hot row behind every consume on a hot counter.
   */
  @PrimaryKey({ type: 'smallint', default: 0 })
  shard: number = 0;

  @Property({ type: new BigIntType('number') })
  value!: number;
}

/** A track or consume already applied, by the caller's idempotency key, with its answer. */
@Entity({ tableName: 'usage_idempotency' })
// Retention finds expired keys across every tenant (see LimitsService.sweepClosed).
@Index({ name: 'usage_idempotency_created_at_index', properties: ['createdAt'] })
export class UsageIdempotency {
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => Tenant, { ref: true, primary: true, deleteRule: 'cascade' })
  tenant!: Ref<Tenant>;

  @PrimaryKey({ type: 'string', length: 200 })
  key!: string;

  @Property({ type: 'json' })
  response!: Record<string, unknown>;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** A value the data plane sets (not adds): the tenant's current user count, for instance. */
@Entity({ tableName: 'usage_gauges' })
export class UsageGauge {
  [OptionalProps]?: 'updatedAt';

  @ManyToOne(() => Tenant, { ref: true, primary: true, deleteRule: 'cascade' })
  tenant!: Ref<Tenant>;

  @PrimaryKey({ type: 'string', length: 64 })
  name!: string;

  @Property({ type: new BigIntType('number') })
  value!: number;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
