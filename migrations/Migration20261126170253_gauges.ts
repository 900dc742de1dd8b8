import { Migration } from '@mikro-orm/migrations';

export class Migration20261126170253_gauges extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "usage_gauges" ("tenant_id" uuid not null, "name" varchar(64) not null, "value" bigint not null, "updated_at" timestamptz(3) not null default now(), constraint "usage_gauges_pkey" primary key ("tenant_id", "name"));`);

    this.addSql(`alter table "usage_gauges" add constraint "usage_gauges_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "usage_gauges" cascade;`);
  }

}
