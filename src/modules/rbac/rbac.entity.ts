import { Entity, Index, ManyToOne, OneToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Tenant } from '../tenants/tenant.entity';

/** A role of the tenant's end-users: permissions, optionally inheriting a parent role's. */
@Entity({ tableName: 'roles' })
@Unique({ name: 'roles_tenant_id_name_unique', properties: ['tenant', 'name'] })
export class Role {
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Tenant, { ref: true, deleteRule: 'cascade', index: false })
  tenant!: Ref<Tenant>;

  @Property({ type: 'string', length: 64 })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ type: 'text[]' })
  permissions!: string[];

  /**
   * No cascade: a role others inherit from cannot be deleted (the service answers 409 first).
   * NO ACTION rather than RESTRICT, so purging a tenant can still remove all its roles at once.
   */
  @ManyToOne(() => Role, { ref: true, nullable: true, deleteRule: 'no action' })
  parent?: Ref<Role> | null;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** A role given to one of the tenant's end-users (an opaque id from the data plane). */
@Entity({ tableName: 'role_assignments' })
@Index({ name: 'role_assignments_role_id_index', properties: ['role'] })
export class RoleAssignment {
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => Tenant, { ref: true, primary: true, deleteRule: 'cascade' })
  tenant!: Ref<Tenant>;

  @PrimaryKey({ type: 'string', length: 200 })
  userId!: string;

  @ManyToOne(() => Role, { ref: true, primary: true, deleteRule: 'no action' })
  role!: Ref<Role>;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** Whether RBAC is on for the tenant, and the role of users with no assignment. */
@Entity({ tableName: 'rbac_configs' })
export class RbacConfig {
  [OptionalProps]?: 'updatedAt' | 'enabled';

  @OneToOne(() => Tenant, { primary: true, ref: true, deleteRule: 'cascade', owner: true })
  tenant!: Ref<Tenant>;

  @Property({ type: 'boolean', default: true })
  enabled: boolean = true;

  @ManyToOne(() => Role, { ref: true, deleteRule: 'no action' })
  defaultRole!: Ref<Role>;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
