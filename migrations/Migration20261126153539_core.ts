import { Migration } from '@mikro-orm/migrations';

export class Migration20261126153539_core extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "tenants" ("id" uuid not null, "name" varchar(200) not null, "email" varchar(320) null, "description" text null, "business" varchar(200) null, "logo" text null, "plan" varchar(50) not null default 'free', "status" text check ("status" in ('active', 'suspended', 'deleted')) not null default 'active', "settings" jsonb not null, "retriever_engines" jsonb null, "storage_quota" bigint not null default '10737418240', "storage_used" bigint not null default 0, "created_at" timestamptz(3) not null default now(), "updated_at" timestamptz(3) not null default now(), "deleted_at" timestamptz(3) null, constraint "tenants_pkey" primary key ("id"));`);
    this.addSql(`create index "tenants_status_created_at_index" on "tenants" ("status", "created_at");`);
    this.addSql(`create unique index "tenants_email_lower_unique" on "tenants" (lower("email")) where "email" is not null;`);

    this.addSql(`create table "api_keys" ("id" uuid not null, "tenant_id" uuid null, "name" varchar(100) not null, "scopes" text[] not null, "prefix" varchar(32) not null, "digest" varchar(64) not null, "environment" text check ("environment" in ('live', 'test')) not null default 'live', "expires_at" timestamptz(3) null, "last_used_at" timestamptz(3) null, "revoked_at" timestamptz(3) null, "created_at" timestamptz(3) not null default now(), constraint "api_keys_pkey" primary key ("id"));`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_digest_unique" unique ("digest");`);
    this.addSql(`create index "api_keys_tenant_id_created_at_index" on "api_keys" ("tenant_id", "created_at");`);

    this.addSql(`alter table "api_keys" add constraint "api_keys_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "api_keys" drop constraint "api_keys_tenant_id_foreign";`);

    this.addSql(`drop table if exists "tenants" cascade;`);

    this.addSql(`drop table if exists "api_keys" cascade;`);
  }

}
