import { iso, type RestRoute } from '../../rest/route-table';
import { KEY_SHOWN_ONCE } from '../api-keys/api-key.routes';
import type { Tenant } from './tenant.entity';
import { orderedSettings } from './tenant-settings';
import type { TenantStats } from './tenant.service';

const TENANT_FIELDS = {
  name: 'name',
  email: 'email',
  description: 'description',
  business: 'business',
  logo: 'logo',
  settings: 'settings',
  retriever_engines: 'retrieverEngines',
};

/** The knowledge-base platform's tenant object. */
function knowledgeBaseTenantJson(t: Tenant) {
  return {
    id: t.id,
    name: t.name,
    description: t.description ?? null,
    status: t.status,
    retriever_engines: t.retrieverEngines ?? null,
    business: t.business ?? null,
    storage_quota: Number(t.storageQuota),
    storage_used: Number(t.storageUsed),
    created_at: iso(t.createdAt),
    updated_at: iso(t.updatedAt),
    deleted_at: iso(t.deletedAt),
  };
}

/** The memory API's tenant object, plus the other documents' fields (extra fields harm no client). */
export function tenantJson(t: Tenant, stats: TenantStats) {
  return {
    tenant_id: t.id,
    ...knowledgeBaseTenantJson(t),
    email: t.email ?? null,
    logo: t.logo ?? null,
    plan: t.plan,
    settings: orderedSettings(t.settings),
    stats,
  };
}

export const tenantRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/api/v1/tenants',
    operation: 'registerTenant',
    status: 201,
    body: TENANT_FIELDS,
    source: 'memory API 000 + knowledge-base 003',
    async handle(s, ctx, req) {
      const { tenant, created } = await s.tenants.register(ctx, req.input);
      // Both documents' answers at once: the memory API's flat fields and the knowledge base's
      // `{data, success}` envelope. The key appears here, once, and never again.
      return {
        tenant_id: tenant.id,
        api_key: created.key,
        api_key_prefix: created.apiKey.prefix,
        message: KEY_SHOWN_ONCE,
        data: { ...knowledgeBaseTenantJson(tenant), api_key: created.key },
        success: true,
      };
    },
  },
  {
    method: 'GET',
    path: '/api/v1/tenant',
    operation: 'getTenant',
    source: 'memory API 000',
    async handle(s, ctx) {
      const tenant = await s.tenants.get(ctx);
      return tenantJson(tenant, s.tenants.stats(tenant));
    },
  },
  {
    method: 'PATCH',
    path: '/api/v1/tenant',
    operation: 'updateTenant',
    body: TENANT_FIELDS,
    source: 'memory API 000',
    async handle(s, ctx, req) {
      const tenant = await s.tenants.update(ctx, req.input);
      return tenantJson(tenant, s.tenants.stats(tenant));
    },
  },
];
