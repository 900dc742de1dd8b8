import { Entity, ManyToOne, OneToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Tenant } from '../tenants/tenant.entity';

/**
 * A tenant's data key, sealed with a master key (AES-256-GCM, the tenant id as associated data).
 * `masterKeyId` names the master key that sealed it, so a rotation can re-seal row by row.
 */
@Entity({ tableName: 'tenant_data_keys' })
export class TenantDataKey {
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @OneToOne(() => Tenant, { primary: true, ref: true, deleteRule: 'cascade', owner: true })
  tenant!: Ref<Tenant>;

  @Property({ type: 'blob' })
  wrappedKey!: Buffer;

  @Property({ type: 'string', length: 32 })
  masterKeyId!: string;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** A named secret, sealed with its tenant's data key; the tenant id and name are associated data. */
@Entity({ tableName: 'secrets' })
@Unique({ name: 'secrets_tenant_id_name_unique', properties: ['tenant', 'name'] })
export class Secret {
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Tenant, { ref: true, deleteRule: 'cascade', index: false })
  tenant!: Ref<Tenant>;

  @Property({ type: 'string', length: 128 })
  name!: string;

  @Property({ type: 'blob' })
  ciphertext!: Buffer;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/**
 * The master key every instance seals new data keys with: one row, `id` always 'current'. The
 * first data key sealed pins its instance's key, and `tenantry rotate-master-key` pins its new
 * key before re-sealing, so an instance still configured with the old key refuses to seal rather
 * than make data keys that a rotation reporting "nothing remaining" did not cover.
 */
@Entity({ tableName: 'master_key_pin' })
export class MasterKeyPin {
  [OptionalProps]?: 'pinnedAt';

  @PrimaryKey({ type: 'string', length: 16 })
  id: string = 'current';

  @Property({ type: 'string', length: 32 })
  masterKeyId!: string;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  pinnedAt: Date = new Date();
}
