import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Tenant } from '../tenants/tenant.entity';

/**
 * A free-form name/value setting (the business platform's tenant settings: date format,
 * currency...). Distinct from the typed settings on the tenant, which have ranges and defaults.
 */
@Entity({ tableName: 'tenant_settings' })
@Unique({ name: 'tenant_settings_tenant_id_name_unique', properties: ['tenant', 'name'] })
export class TenantSetting {
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Tenant, { ref: true, deleteRule: 'cascade', index: false })
  tenant!: Ref<Tenant>;

  @Property({ type: 'string', length: 128 })
  name!: string;

  @Property({ type: 'text' })
  value!: string;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
