import { Migration } from '@mikro-orm/migrations';

export class Migration20261127090843_master_key_pin extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "master_key_pin" ("id" varchar(16) not null default 'current', "master_key_id" varchar(32) not null, "pinned_at" timestamptz(3) not null default now(), constraint "master_key_pin_pkey" primary key ("id"));`);
    // Stated, not left to the default privileges, which cover only tables made by the login that
    // set them: sealing a tenant's first data key needs this table (FOR SHARE needs UPDATE).
    this.addSql(`grant select, insert, update on "master_key_pin" to tenantry_app;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "master_key_pin" cascade;`);
  }

}
