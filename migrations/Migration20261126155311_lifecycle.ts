import { Migration } from '@mikro-orm/migrations';

export class Migration20261126155311_lifecycle extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "tenant_settings" ("id" uuid not null, "tenant_id" uuid not null, "name" varchar(128) not null, "value" text not null, "created_at" timestamptz(3) not null default now(), "updated_at" timestamptz(3) not null default now(), constraint "tenant_settings_pkey" primary key ("id"));`);
    this.addSql(`alter table "tenant_settings" add constraint "tenant_settings_tenant_id_name_unique" unique ("tenant_id", "name");`);

    this.addSql(`alter table "tenant_settings" add constraint "tenant_settings_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "api_keys" add column "rotated_at" timestamptz(3) null, add column "replaced_by_id" uuid null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "tenant_settings" cascade;`);

    this.addSql(`alter table "api_keys" drop column "rotated_at", drop column "replaced_by_id";`);
  }

}
