import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { KeyEnvironment } from '../../auth/key-format';
import { Tenant } from '../tenants/tenant.entity';

/**
 * An API key. Only the SHA-256 digest of the key is stored; the key itself exists once, in the
 * response that created it. A key with no tenant is an operator key (`platform:admin`).
 */
@Entity({ tableName: 'api_keys' })
@Index({ name: 'api_keys_tenant_id_created_at_index', properties: ['tenant', 'createdAt'] })
export class ApiKey {
  [OptionalProps]?: 'createdAt' | 'environment';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Tenant, { ref: true, nullable: true, deleteRule: 'cascade', index: false })
  tenant?: Ref<Tenant> | null;

  @Property({ type: 'string', length: 100 })
  name!: string;

  @Property({ type: 'text[]' })
  scopes!: string[];

  /** Enough of the key to tell keys apart in a list, e.g. `rk_live_Ab3x`. */
  @Property({ type: 'string', length: 32 })
  prefix!: string;

  @Property({ type: 'string', length: 64, unique: 'api_keys_digest_unique' })
  digest!: string;

  @Enum({ items: () => ['live', 'test'], default: 'live' })
  environment: KeyEnvironment = 'live';

  @Property({ type: 'datetime', length: 3, nullable: true })
  expiresAt?: Date | null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  lastUsedAt?: Date | null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  revokedAt?: Date | null;

  /** Set when the key was rotated: it then works only until `expiresAt` (the grace period). */
  @Property({ type: 'datetime', length: 3, nullable: true })
  rotatedAt?: Date | null;

  @Property({ type: 'uuid', nullable: true })
  replacedById?: string | null;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
