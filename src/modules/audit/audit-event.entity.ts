import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** `owner`: a tenant owner signed in to the console (`actorKeyId` is then the console login's id). */
export type ActorType = 'key' | 'operator' | 'owner' | 'anonymous' | 'system';

/**
 * Who changed what, when and from where. Written in the same transaction as the change, so a
 * change without its event (or an event without its change) cannot exist. `tenant_id` carries no
 * foreign key: an operator-level event (a purge) outlives the tenant it names.
 */
@Entity({ tableName: 'audit_events' })
@Index({ name: 'audit_events_tenant_id_created_at_index', properties: ['tenantId', 'createdAt'] })
@Index({ name: 'audit_events_created_at_index', properties: ['createdAt'] })
export class AuditEvent {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid', nullable: true })
  tenantId?: string | null;

  @Property({ type: 'string', length: 16 })
  actorType!: ActorType;

  @Property({ type: 'uuid', nullable: true })
  actorKeyId?: string | null;

  @Property({ type: 'string', length: 32, nullable: true })
  actorPrefix?: string | null;

  @Property({ type: 'string', length: 100 })
  action!: string;

  @Property({ type: 'string', length: 50 })
  targetType!: string;

  @Property({ type: 'string', length: 200, nullable: true })
  targetId?: string | null;

  /** `{field: {from, to}}`, secrets and key material redacted. */
  @Property({ type: 'json', nullable: true })
  changes?: Record<string, { from: unknown; to: unknown }> | null;

  @Property({ type: 'string', length: 64, nullable: true })
  ip?: string | null;

  @Property({ type: 'string', length: 100, nullable: true })
  requestId?: string | null;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
