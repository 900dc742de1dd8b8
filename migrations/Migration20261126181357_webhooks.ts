import { Migration } from '@mikro-orm/migrations';

export class Migration20261126181357_webhooks extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "webhook_endpoints" ("id" uuid not null, "tenant_id" uuid not null, "url" varchar(2048) not null, "description" varchar(500) null, "event_types" jsonb not null, "source" varchar(16) not null default 'api', "status" varchar(16) not null default 'active', "disabled_reason" varchar(200) null, "secret" bytea not null, "previous_secret" bytea null, "previous_secret_expires_at" timestamptz(3) null, "failing_since" timestamptz(3) null, "created_at" timestamptz(3) not null default now(), "updated_at" timestamptz(3) not null default now(), constraint "webhook_endpoints_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_endpoints_tenant_id_index" on "webhook_endpoints" ("tenant_id");`);
    this.addSql(`create unique index "webhook_endpoints_settings_unique" on "webhook_endpoints" ("tenant_id") where "source" = 'settings';`);

    this.addSql(`create table "webhook_deliveries" ("id" uuid not null, "tenant_id" uuid not null, "endpoint_id" uuid not null, "event_id" uuid not null, "event_type" varchar(100) not null, "status" varchar(16) not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz(3) not null default now(), "last_attempt_at" timestamptz(3) null, "last_status_code" int null, "last_latency_ms" int null, "last_error" varchar(500) null, "created_at" timestamptz(3) not null default now(), "updated_at" timestamptz(3) not null default now(), constraint "webhook_deliveries_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_deliveries_tenant_id_index" on "webhook_deliveries" ("tenant_id");`);
    this.addSql(`create index "webhook_deliveries_event_id_index" on "webhook_deliveries" ("event_id");`);
    this.addSql(`create index "webhook_deliveries_due_index" on "webhook_deliveries" ("next_attempt_at") where "status" = 'pending';`);
    this.addSql(`create index "webhook_deliveries_endpoint_created_index" on "webhook_deliveries" ("endpoint_id", "created_at");`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_endpoint_event_unique" unique ("endpoint_id", "event_id");`);

    this.addSql(`create table "webhook_attempts" ("id" uuid not null, "tenant_id" uuid not null, "delivery_id" uuid not null, "attempt" int not null, "started_at" timestamptz(3) not null default now(), "success" boolean not null, "status_code" int null, "latency_ms" int not null, "error" varchar(500) null, "response_body" text null, constraint "webhook_attempts_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_attempts_tenant_id_index" on "webhook_attempts" ("tenant_id");`);
    this.addSql(`create index "webhook_attempts_delivery_index" on "webhook_attempts" ("delivery_id", "attempt");`);

    this.addSql(`alter table "webhook_endpoints" add constraint "webhook_endpoints_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoints" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_event_id_foreign" foreign key ("event_id") references "events" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "webhook_attempts" add constraint "webhook_attempts_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_attempts" add constraint "webhook_attempts_delivery_id_foreign" foreign key ("delivery_id") references "webhook_deliveries" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "events" add column "dispatched_at" timestamptz(3) null;`);
    // No endpoint existed before this migration: earlier events have nowhere to go.
    this.addSql(`update "events" set "dispatched_at" = "occurred_at";`);
    this.addSql(`create index "events_undispatched_index" on "events" ("occurred_at") where "dispatched_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "webhook_deliveries" drop constraint "webhook_deliveries_endpoint_id_foreign";`);

    this.addSql(`alter table "webhook_attempts" drop constraint "webhook_attempts_delivery_id_foreign";`);

    this.addSql(`drop table if exists "webhook_endpoints" cascade;`);

    this.addSql(`drop table if exists "webhook_deliveries" cascade;`);

    this.addSql(`drop table if exists "webhook_attempts" cascade;`);

    this.addSql(`drop index "events_undispatched_index";`);
    this.addSql(`alter table "events" drop column "dispatched_at";`);
  }

}
