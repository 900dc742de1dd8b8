import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Tenant } from '../tenants/tenant.entity';
import type { TenantConfigDocument } from './config.schema';

/** One saved version of a tenant's configuration document; the highest version is current. */
@Entity({ tableName: 'tenant_configs' })
@Unique({ name: 'tenant_configs_tenant_id_version_unique', properties: ['tenant', 'version'] })
export class TenantConfig {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Tenant, { ref: true, deleteRule: 'cascade', index: false })
  tenant!: Ref<Tenant>;

  @Property({ type: 'integer' })
  version!: number;

  @Property({ type: 'json' })
  document!: TenantConfigDocument;

  /** Set when this version restored an earlier one. */
  @Property({ type: 'integer', nullable: true })
  restoredFrom?: number | null;

  @Property({ type: 'uuid', nullable: true })
  createdByKeyId?: string | null;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
