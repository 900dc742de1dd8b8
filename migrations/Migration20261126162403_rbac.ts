import { Migration } from '@mikro-orm/migrations';

export class Migration20261126162403_rbac extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "roles" ("id" uuid not null, "tenant_id" uuid not null, "name" varchar(64) not null, "description" text null, "permissions" text[] not null, "parent_id" uuid null, "created_at" timestamptz(3) not null default now(), "updated_at" timestamptz(3) not null default now(), constraint "roles_pkey" primary key ("id"));`);
    this.addSql(`alter table "roles" add constraint "roles_tenant_id_name_unique" unique ("tenant_id", "name");`);

    this.addSql(`create table "role_assignments" ("tenant_id" uuid not null, "user_id" varchar(200) not null, "role_id" uuid not null, "created_at" timestamptz(3) not null default now(), constraint "role_assignments_pkey" primary key ("tenant_id", "user_id", "role_id"));`);
    this.addSql(`create index "role_assignments_role_id_index" on "role_assignments" ("role_id");`);

    this.addSql(`create table "rbac_configs" ("tenant_id" uuid not null, "enabled" boolean not null default true, "default_role_id" uuid not null, "updated_at" timestamptz(3) not null default now(), constraint "rbac_configs_pkey" primary key ("tenant_id"));`);

    this.addSql(`alter table "roles" add constraint "roles_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "roles" add constraint "roles_parent_id_foreign" foreign key ("parent_id") references "roles" ("id") on update cascade on delete no action;`);

    this.addSql(`alter table "role_assignments" add constraint "role_assignments_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "role_assignments" add constraint "role_assignments_role_id_foreign" foreign key ("role_id") references "roles" ("id") on update cascade on delete no action;`);

    this.addSql(`alter table "rbac_configs" add constraint "rbac_configs_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "rbac_configs" add constraint "rbac_configs_default_role_id_foreign" foreign key ("default_role_id") references "roles" ("id") on update cascade on delete no action;`);
    // Existing tenants get what a new tenant starts with: the reference's viewer and admin
    // roles, RBAC enabled, viewer as the default role.
    this.addSql(`insert into "roles" ("id", "tenant_id", "name", "description", "permissions") select gen_random_uuid(), "id", 'viewer', 'Can read', '{read}' from "tenants";`);
    this.addSql(`insert into "roles" ("id", "tenant_id", "name", "description", "permissions") select gen_random_uuid(), "id", 'admin', 'Can read, write and delete', '{read,write,delete}' from "tenants";`);
    this.addSql(`insert into "rbac_configs" ("tenant_id", "enabled", "default_role_id") select "tenant_id", true, "id" from "roles" where "name" = 'viewer';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "roles" drop constraint "roles_parent_id_foreign";`);

    this.addSql(`alter table "role_assignments" drop constraint "role_assignments_role_id_foreign";`);

    this.addSql(`alter table "rbac_configs" drop constraint "rbac_configs_default_role_id_foreign";`);

    this.addSql(`drop table if exists "roles" cascade;`);

    this.addSql(`drop table if exists "role_assignments" cascade;`);

    this.addSql(`drop table if exists "rbac_configs" cascade;`);
  }

}
