import { Migration } from '@mikro-orm/migrations';

export class Migration20261126160832_audit extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "audit_events" ("id" uuid not null, "tenant_id" uuid null, "actor_type" varchar(16) not null, "actor_key_id" uuid null, "actor_prefix" varchar(32) null, "action" varchar(100) not null, "target_type" varchar(50) not null, "target_id" varchar(200) null, "changes" jsonb null, "ip" varchar(64) null, "request_id" varchar(100) null, "created_at" timestamptz(3) not null default now(), constraint "audit_events_pkey" primary key ("id"));`);
    this.addSql(`create index "audit_events_created_at_index" on "audit_events" ("created_at");`);
    this.addSql(`create index "audit_events_tenant_id_created_at_index" on "audit_events" ("tenant_id", "created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audit_events" cascade;`);
  }

}
