import { Migration } from '@mikro-orm/migrations';

export class Migration20261126161508_config extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "tenant_configs" ("id" uuid not null, "tenant_id" uuid not null, "version" int not null, "document" jsonb not null, "restored_from" int null, "created_by_key_id" uuid null, "created_at" timestamptz(3) not null default now(), constraint "tenant_configs_pkey" primary key ("id"));`);
    this.addSql(`alter table "tenant_configs" add constraint "tenant_configs_tenant_id_version_unique" unique ("tenant_id", "version");`);

    this.addSql(`alter table "tenant_configs" add constraint "tenant_configs_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "tenant_configs" cascade;`);
  }

}
