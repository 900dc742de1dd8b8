import { Migration } from '@mikro-orm/migrations';

export class Migration20261126163641_limits extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "tenant_limits" ("tenant_id" uuid not null, "definitions" jsonb not null, "updated_at" timestamptz(3) not null default now(), constraint "tenant_limits_pkey" primary key ("tenant_id"));`);

    this.addSql(`create table "usage_counters" ("tenant_id" uuid not null, "subject" varchar(200) not null, "resource" varchar(64) not null, "metric" varchar(64) not null, "period" varchar(8) not null, "window_start" timestamptz(3) not null, "value" bigint not null, constraint "usage_counters_pkey" primary key ("tenant_id", "subject", "resource", "metric", "period", "window_start"));`);

    this.addSql(`create table "usage_daily" ("tenant_id" uuid not null, "day" date not null, "resource" varchar(64) not null, "metric" varchar(64) not null, "value" bigint not null, constraint "usage_daily_pkey" primary key ("tenant_id", "day", "resource", "metric"));`);

    this.addSql(`create table "usage_idempotency" ("tenant_id" uuid not null, "key" varchar(200) not null, "response" jsonb not null, "created_at" timestamptz(3) not null default now(), constraint "usage_idempotency_pkey" primary key ("tenant_id", "key"));`);

    this.addSql(`alter table "tenant_limits" add constraint "tenant_limits_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "usage_counters" add constraint "usage_counters_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "usage_daily" add constraint "usage_daily_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "usage_idempotency" add constraint "usage_idempotency_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "tenant_limits" cascade;`);

    this.addSql(`drop table if exists "usage_counters" cascade;`);

    this.addSql(`drop table if exists "usage_daily" cascade;`);

    this.addSql(`drop table if exists "usage_idempotency" cascade;`);
  }

}
