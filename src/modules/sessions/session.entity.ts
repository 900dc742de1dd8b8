import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Tenant } from '../tenants/tenant.entity';

/**
 * A person who signs in to the admin console with an email and a password: a tenant's owner, or
 * (with no tenant) an operator. API keys stay the machine credential; this is the human one, so
 * its secret is a bcrypt hash.
 */
@Entity({ tableName: 'console_logins' })
@Index({ name: 'console_logins_tenant_id_index', properties: ['tenant'] })
export class ConsoleLogin {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'passwordChangedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Tenant, { ref: true, nullable: true, deleteRule: 'cascade', index: false })
  tenant?: Ref<Tenant> | null;

  /** Stored lowercased: sign-in is by email alone, so it is unique across every tenant. */
  @Property({ type: 'string', length: 254, unique: 'console_logins_email_unique' })
  email!: string;

  @Property({ type: 'string', length: 60 })
  passwordHash!: string;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  passwordChangedAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/**
 * A signed-in console session. Only the SHA-256 digest of its token is stored: the token lives
 * in the browser's HttpOnly cookie and nowhere else. `tenant_id` is the login's, so row-level
 * security and a tenant's purge reach sessions like every other tenant row.
 */
@Entity({ tableName: 'console_sessions' })
@Index({ name: 'console_sessions_login_id_index', properties: ['login'] })
@Index({ name: 'console_sessions_expires_at_index', properties: ['expiresAt'] })
@Index({ name: 'console_sessions_tenant_id_index', properties: ['tenant'] })
export class ConsoleSession {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => ConsoleLogin, { ref: true, deleteRule: 'cascade', index: false })
  login!: Ref<ConsoleLogin>;

  @ManyToOne(() => Tenant, { ref: true, nullable: true, deleteRule: 'cascade', index: false })
  tenant?: Ref<Tenant> | null;

  @Property({ type: 'string', length: 64, unique: 'console_sessions_digest_unique' })
  digest!: string;

  @Property({ type: 'datetime', length: 3 })
  expiresAt!: Date;

  @Property({ type: 'string', length: 64, nullable: true })
  ip?: string | null;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
