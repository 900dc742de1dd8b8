import { Migration } from '@mikro-orm/migrations';

export class Migration20261126165711_events extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "events" ("id" uuid not null, "tenant_id" uuid not null, "type" varchar(100) not null, "data" jsonb not null, "occurred_at" timestamptz(3) not null default now(), constraint "events_pkey" primary key ("id"));`);
    this.addSql(`create index "events_tenant_id_occurred_at_index" on "events" ("tenant_id", "occurred_at");`);

    this.addSql(`create table "limit_alerts" ("tenant_id" uuid not null, "rule" varchar(400) not null, "window_start" timestamptz(3) not null, "level" varchar(16) not null, constraint "limit_alerts_pkey" primary key ("tenant_id", "rule", "window_start", "level"));`);

    this.addSql(`alter table "events" add constraint "events_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "limit_alerts" add constraint "limit_alerts_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "events" cascade;`);

    this.addSql(`drop table if exists "limit_alerts" cascade;`);
  }

}
