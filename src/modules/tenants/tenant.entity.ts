import { BigIntType, Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { defaultSettings, type TenantSettings } from './tenant-settings';

export const TENANT_STATUSES = ['active', 'suspended', 'deleted'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

/** The knowledge-base platform's default quota: 10 GiB. Zero or less means unlimited. */
export const DEFAULT_STORAGE_QUOTA = 10737418240;

@Entity({ tableName: 'tenants' })
// Emails are unique regardless of case, and only when present.
@Index({
  name: 'tenants_email_lower_unique',
  expression: 'create unique index "tenants_email_lower_unique" on "tenants" (lower("email")) where "email" is not null',
})
@Index({ name: 'tenants_status_created_at_index', properties: ['status', 'createdAt'] })
export class Tenant {
  [OptionalProps]?:
    | 'plan'
    | 'status'
    | 'settings'
    | 'storageQuota'
    | 'storageUsed'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'string', length: 320, nullable: true })
  email?: string | null;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ type: 'string', length: 200, nullable: true })
  business?: string | null;

  @Property({ type: 'text', nullable: true })
  logo?: string | null;

  @Property({ type: 'string', length: 50, default: 'free' })
  plan: string = 'free';

  @Enum({ items: () => TENANT_STATUSES, default: 'active' })
  status: TenantStatus = 'active';

  @Property({ type: 'json' })
  settings: TenantSettings = defaultSettings();

  /** The knowledge-base platform's retriever configuration, stored as given. */
  @Property({ type: 'json', nullable: true })
  retrieverEngines?: Record<string, unknown> | null;

  // Byte counts stay below 2^53, so they are read as numbers rather than strings.
  // Written as PostgreSQL reports it back, so schema diffs stay empty.
  @Property({ type: new BigIntType('number'), defaultRaw: `'${DEFAULT_STORAGE_QUOTA}'::bigint` })
  storageQuota: number = DEFAULT_STORAGE_QUOTA;

  @Property({ type: new BigIntType('number'), default: 0 })
  storageUsed: number = 0;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, nullable: true })
  deletedAt?: Date | null;
}
