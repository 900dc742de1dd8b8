import { Migration } from '@mikro-orm/migrations';

/** Every table that holds one tenant's rows, by the column naming the tenant. */
const TENANT_TABLES: Record<string, string> = {
  tenants: 'id',
  api_keys: 'tenant_id',
  audit_events: 'tenant_id',
  events: 'tenant_id',
  limit_alerts: 'tenant_id',
  rbac_configs: 'tenant_id',
  role_assignments: 'tenant_id',
  roles: 'tenant_id',
  secrets: 'tenant_id',
  tenant_configs: 'tenant_id',
  tenant_data_keys: 'tenant_id',
  tenant_limits: 'tenant_id',
  tenant_settings: 'tenant_id',
  usage_counters: 'tenant_id',
  usage_daily: 'tenant_id',
  usage_gauges: 'tenant_id',
  usage_idempotency: 'tenant_id',
  webhook_attempts: 'tenant_id',
  webhook_deliveries: 'tenant_id',
  webhook_endpoints: 'tenant_id',
};

/**
 * Row-level security under the application's own isolation (see src/db/tenant-scope.ts). The
 * application runs as `tenantry_app`, which owns no table and bypasses no policy; this migration,
 * like every other, runs as the owner. Policies are forced, so they bind the owner too.
 */
export class Migration20261126203500_row_security extends Migration {

  override async up(): Promise<void> {
    // Roles belong to the whole cluster: another database (or a concurrent migration of one)
    // may have made it already.
    this.addSql(`do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'tenantry_app') then
        create role tenantry_app nologin nosuperuser nocreatedb nocreaterole nobypassrls;
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$;`);
    // The login switches to the role on connect; a superuser needs no membership.
    this.addSql(`do $$ begin
      if not pg_has_role(current_user, 'tenantry_app', 'member') then
        execute format('grant tenantry_app to %I', current_user);
      end if;
    end $$;`);
    this.addSql(`grant usage on schema public to tenantry_app;`);
    this.addSql(`grant select, insert, update, delete on all tables in schema public to tenantry_app;`);
    this.addSql(`grant usage, select on all sequences in schema public to tenantry_app;`);
    // Tables of later migrations are granted as they are created.
    this.addSql(`alter default privileges in schema public grant select, insert, update, delete on tables to tenantry_app;`);
    this.addSql(`alter default privileges in schema public grant usage, select on sequences to tenantry_app;`);

    // '' (a request before its key is verified) and '*' (the platform) name no tenant. The
    // setting is written only by the application, so anything else is a tenant id.
    this.addSql(`create or replace function tenantry_current_tenant() returns uuid language sql stable parallel safe as $$
      select case when current_setting('tenantry.tenant', true) in ('', '*') then null
                  else current_setting('tenantry.tenant', true)::uuid end
    $$;`);
    this.addSql(`create or replace function tenantry_all_tenants() returns boolean language sql stable parallel safe as $$
      select coalesce(current_setting('tenantry.tenant', true) = '*', false)
    $$;`);

    for (const [table, column] of Object.entries(TENANT_TABLES)) {
      const rule = `tenantry_all_tenants() or "${column}" = tenantry_current_tenant()`;
      this.addSql(`alter table "${table}" enable row level security;`);
      this.addSql(`alter table "${table}" force row level security;`);
      this.addSql(`create policy tenant_isolation on "${table}" using (${rule}) with check (${rule});`);
    }
  }

  override async down(): Promise<void> {
    for (const table of Object.keys(TENANT_TABLES)) {
      this.addSql(`drop policy if exists tenant_isolation on "${table}";`);
      this.addSql(`alter table "${table}" no force row level security;`);
      this.addSql(`alter table "${table}" disable row level security;`);
    }
    this.addSql(`drop function if exists tenantry_all_tenants();`);
    this.addSql(`drop function if exists tenantry_current_tenant();`);
    this.addSql(`alter default privileges in schema public revoke all on tables from tenantry_app;`);
    this.addSql(`alter default privileges in schema public revoke all on sequences from tenantry_app;`);
    this.addSql(`revoke all on all tables in schema public from tenantry_app;`);
    this.addSql(`revoke all on all sequences in schema public from tenantry_app;`);
    this.addSql(`revoke usage on schema public from tenantry_app;`);
  }

}
