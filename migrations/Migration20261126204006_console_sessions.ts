import { Migration } from '@mikro-orm/migrations';

/** Console logins and sessions carry their tenant (none for operators); see the row-security migration. */
const TENANT_TABLES = ['console_logins', 'console_sessions'];

export class Migration20261126204006_console_sessions extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "console_logins" ("id" uuid not null, "tenant_id" uuid null, "email" varchar(254) not null, "password_hash" varchar(60) not null, "password_changed_at" timestamptz(3) not null default now(), "created_at" timestamptz(3) not null default now(), "updated_at" timestamptz(3) not null default now(), constraint "console_logins_pkey" primary key ("id"));`);
    this.addSql(`alter table "console_logins" add constraint "console_logins_email_unique" unique ("email");`);
    this.addSql(`create index "console_logins_tenant_id_index" on "console_logins" ("tenant_id");`);

    this.addSql(`create table "console_sessions" ("id" uuid not null, "login_id" uuid not null, "tenant_id" uuid null, "digest" varchar(64) not null, "expires_at" timestamptz(3) not null, "ip" varchar(64) null, "created_at" timestamptz(3) not null default now(), constraint "console_sessions_pkey" primary key ("id"));`);
    this.addSql(`alter table "console_sessions" add constraint "console_sessions_digest_unique" unique ("digest");`);
    this.addSql(`create index "console_sessions_tenant_id_index" on "console_sessions" ("tenant_id");`);
    this.addSql(`create index "console_sessions_expires_at_index" on "console_sessions" ("expires_at");`);
    this.addSql(`create index "console_sessions_login_id_index" on "console_sessions" ("login_id");`);

    this.addSql(`alter table "console_logins" add constraint "console_logins_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "console_sessions" add constraint "console_sessions_login_id_foreign" foreign key ("login_id") references "console_logins" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "console_sessions" add constraint "console_sessions_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);

    // Operators' rows (no tenant) are visible to the platform's scope only, like operator keys.
    for (const table of TENANT_TABLES) {
      const rule = `tenantry_all_tenants() or "tenant_id" = tenantry_current_tenant()`;
      this.addSql(`alter table "${table}" enable row level security;`);
      this.addSql(`alter table "${table}" force row level security;`);
      this.addSql(`create policy tenant_isolation on "${table}" using (${rule}) with check (${rule});`);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "console_sessions" drop constraint "console_sessions_login_id_foreign";`);

    this.addSql(`drop table if exists "console_logins" cascade;`);

    this.addSql(`drop table if exists "console_sessions" cascade;`);
  }

}
