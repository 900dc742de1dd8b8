import { Migration } from '@mikro-orm/migrations';

export class Migration20261126161406_secrets extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "secrets" ("id" uuid not null, "tenant_id" uuid not null, "name" varchar(128) not null, "ciphertext" bytea not null, "created_at" timestamptz(3) not null default now(), "updated_at" timestamptz(3) not null default now(), constraint "secrets_pkey" primary key ("id"));`);
    this.addSql(`alter table "secrets" add constraint "secrets_tenant_id_name_unique" unique ("tenant_id", "name");`);

    this.addSql(`create table "tenant_data_keys" ("tenant_id" uuid not null, "wrapped_key" bytea not null, "master_key_id" varchar(32) not null, "created_at" timestamptz(3) not null default now(), "updated_at" timestamptz(3) not null default now(), constraint "tenant_data_keys_pkey" primary key ("tenant_id"));`);

    this.addSql(`alter table "secrets" add constraint "secrets_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "tenant_data_keys" add constraint "tenant_data_keys_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "secrets" cascade;`);

    this.addSql(`drop table if exists "tenant_data_keys" cascade;`);
  }

}
