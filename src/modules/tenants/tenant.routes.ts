import { createSchema as registerInput, listSchema as listInput, updateSchema as updateInput } from './tenant.service';
import * as R from '../../rest/responses';
import { requireTenant } from '../../context';
import { iso, type RestRoute } from '../../rest/route-table';
import { KEY_SHOWN_ONCE } from '../api-keys/api-key.routes';
import type { Tenant } from './tenant.entity';
import type { TenantStats } from './tenant.service';
import { orderedSettings } from './tenant-settings';
import { andThen } from '../../maybe';

/** Every documented spelling of a tenant field, onto the service's names. */
const TENANT_FIELDS = {
  name: 'name',
  email: 'email',
  description: 'description',
  business: 'business',
  logo: 'logo',
  settings: 'settings',
  retriever_engines: 'retrieverEngines',
  plan: 'plan',
  status: 'status',
  storage_quota: 'storageQuota',
};

const BUSINESS_FIELDS = { name: 'name', logo: 'logo', email: 'email', description: 'description' };

/**
 * The knowledge-base platform's tenant object. Its document also shows `api_key` in clear on
 * every read; Tenantry keeps only a digest, so the field is present and null.
 */
export function knowledgeBaseTenantJson(t: Tenant) {
  return {
    id: t.id,
    name: t.name,
    description: t.description ?? null,
    api_key: null,
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

/** The business platform's tenant object (camelCase). */
export function businessTenantJson(t: Tenant) {
  return {
    id: t.id,
    name: t.name,
    logo: t.logo ?? null,
    status: t.status,
    plan: t.plan,
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
  };
}

const kb = (t: Tenant) => ({ data: knowledgeBaseTenantJson(t), success: true });

/**
 * GET /api/v1/tenant's answer, made once per cached read (TenantService.read hands out the same
 * object until the tenant changes or the read expires), not once per request.
 */
const answers = new WeakMap<object, ReturnType<typeof tenantJson>>();
function cachedTenantJson(read: { tenant: Tenant; stats: TenantStats }) {
  let answer = answers.get(read);
  if (!answer) answers.set(read, (answer = tenantJson(read.tenant, read.stats)));
  return answer;
}

export const tenantRoutes: RestRoute[] = [
  // The memory API (000) and the knowledge-base platform (003) share these paths.
  {
    method: 'POST',
    path: '/api/v1/tenants',
    input: registerInput,
    response: R.registration,
    operation: 'registerTenant',
    status: 201,
    source: 'memory API 000 + knowledge base 003',
    body: TENANT_FIELDS,
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
    response: R.tenant,
    operation: 'getTenant',
    source: 'memory API 000',
    // The hottest read: answered without a promise while the tenant is cached, with the same
    // object (and so the same JSON) until the read changes.
    stableAnswer: true,
    handle: (s, ctx) => andThen(s.tenants.read(ctx), cachedTenantJson),
  },
  {
    method: 'PATCH',
    path: '/api/v1/tenant',
    input: updateInput,
    response: R.tenant,
    operation: 'updateTenant',
    source: 'memory API 000',
    body: TENANT_FIELDS,
    async handle(s, ctx, req) {
      const tenant = await s.tenants.update(ctx, req.input);
      return tenantJson(tenant, await s.tenants.stats(ctx, tenant));
    },
  },
  {
    method: 'GET',
    path: '/api/v1/tenants',
    input: listInput,
    response: R.tenantPage,
    operation: 'listTenants',
    source: 'knowledge base 003 (pagination and filters added)',
    query: { limit: 'first', cursor: 'after', status: 'status', plan: 'plan', search: 'search' },
    async handle(s, ctx, req) {
      const page = await s.tenants.list(ctx, req.input);
      const last = page.tenants.at(-1);
      return {
        data: {
          items: page.tenants.map(knowledgeBaseTenantJson),
          total: page.totalCount,
          next_cursor: page.hasNextPage && last ? page.cursorOf(last) : null,
        },
        success: true,
      };
    },
  },
  {
    method: 'GET',
    path: '/api/v1/tenants/:id',
    response: R.envelope(R.knowledgeBaseTenant),
    operation: 'getTenantById',
    source: 'knowledge base 003',
    handle: async (s, ctx, req) => kb(await s.tenants.getById(ctx, req.params.id)),
  },
  {
    method: 'PUT',
    path: '/api/v1/tenants/:id',
    input: updateInput,
    response: R.envelope(R.knowledgeBaseTenant),
    operation: 'updateTenantById',
    source: 'knowledge base 003 (keys are not rotated)',
    body: TENANT_FIELDS,
    handle: async (s, ctx, req) => kb(await s.tenants.updateById(ctx, req.params.id, req.input)),
  },
  {
    method: 'DELETE',
    path: '/api/v1/tenants/:id',
    response: R.ok('Tenant deleted successfully'),
    operation: 'deleteTenant',
    source: 'knowledge base 003',
    async handle(s, ctx, req) {
      await s.tenants.delete(ctx, req.params.id);
      return { message: 'Tenant deleted successfully', success: true };
    },
  },
  {
    method: 'POST',
    path: '/api/v1/tenants/:id/suspend',
    response: R.envelope(R.knowledgeBaseTenant),
    operation: 'suspendTenant',
    source: 'added (operators)',
    handle: async (s, ctx, req) => kb(await s.tenants.suspend(ctx, req.params.id)),
  },
  {
    method: 'POST',
    path: '/api/v1/tenants/:id/reactivate',
    response: R.envelope(R.knowledgeBaseTenant),
    operation: 'reactivateTenant',
    source: 'added (operators)',
    handle: async (s, ctx, req) => kb(await s.tenants.reactivate(ctx, req.params.id)),
  },
  {
    method: 'POST',
    path: '/api/v1/tenants/:id/purge',
    response: R.purged,
    operation: 'purgeTenant',
    source: 'added (operators)',
    async handle(s, ctx, req) {
      const { id } = await s.tenants.purge(ctx, req.params.id);
      return { id, message: 'Tenant purged', success: true };
    },
  },

  // The business platform (004): the current tenant, camelCase.
  {
    method: 'GET',
    path: '/api/tenant',
    response: R.businessTenant,
    operation: 'getTenant',
    source: 'business platform 004',
    handle: async (s, ctx) => businessTenantJson(await s.tenants.get(ctx)),
  },
  {
    method: 'POST',
    path: '/api/tenant',
    input: registerInput,
    response: R.businessRegistration,
    operation: 'registerTenant',
    status: 201,
    source: 'business platform 004',
    body: BUSINESS_FIELDS,
    async handle(s, ctx, req) {
      const { tenant, created } = await s.tenants.register(ctx, req.input);
      return { ...businessTenantJson(tenant), apiKey: created.key, apiKeyPrefix: created.apiKey.prefix, message: KEY_SHOWN_ONCE };
    },
  },
  {
    method: 'PUT',
    path: '/api/tenant',
    input: updateInput,
    response: R.businessTenant,
    operation: 'updateTenant',
    status: 202,
    source: 'business platform 004',
    body: BUSINESS_FIELDS,
    handle: async (s, ctx, req) => businessTenantJson(await s.tenants.update(ctx, req.input)),
  },
  {
    method: 'DELETE',
    path: '/api/tenant',
    response: R.businessDeleted,
    operation: 'deleteTenant',
    source: 'business platform 004',
    async handle(s, ctx) {
      const tenant = await s.tenants.delete(ctx, requireTenant(ctx));
      return { ...businessTenantJson(tenant), deletedAt: iso(tenant.deletedAt), message: 'Tenant deleted successfully' };
    },
  },
];
