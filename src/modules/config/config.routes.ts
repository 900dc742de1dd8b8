import { storeSchema } from '../secrets/secret.service';
import { configSchema } from './config.schema';
import * as R from '../../rest/responses';
import { gatewayPaths, iso, type RestRoute } from '../../rest/route-table';
import { limitsOf } from '../tenants/plans';

/** The gateway's tenant endpoints (reference 002), at their root paths and under /api/v1. */
export const gatewayRoutes: RestRoute[] = gatewayPaths([
  {
    method: 'GET',
    path: '/tenant/config',
    response: R.configDocument,
    operation: 'getTenantConfig',
    source: 'gateway 002',
    // The stored document as saved, so a client can GET, edit and POST it back.
    handle: async (s, ctx) => (await s.configs.current(ctx))?.document ?? {},
  },
  {
    method: 'POST',
    path: '/tenant/config',
    input: configSchema,
    response: R.configSaved,
    operation: 'saveTenantConfig',
    source: 'gateway 002',
    passBody: true,
    async handle(s, ctx, req) {
      const saved = await s.configs.save(ctx, req.body);
      return { success: true, message: 'Configuration saved', version: saved.version };
    },
  },
  {
    method: 'GET',
    path: '/tenant/secrets',
    response: R.secretNames,
    operation: 'listSecrets',
    source: 'gateway 002',
    handle: async (s, ctx) => ({ secrets: (await s.secrets.list(ctx)).map((x) => x.name) }),
  },
  {
    method: 'POST',
    path: '/tenant/secrets',
    input: storeSchema,
    response: R.ok('Secret stored'),
    operation: 'storeSecret',
    source: 'gateway 002',
    body: { key: 'name', value: 'value' },
    async handle(s, ctx, req) {
      await s.secrets.store(ctx, req.input);
      return { success: true, message: 'Secret stored' };
    },
  },
  {
    method: 'GET',
    path: '/tenant/secrets/:key',
    response: R.secretValue,
    operation: 'readSecret',
    source: 'added (data-plane services, secrets:read)',
    handle: async (s, ctx, req) => ({ key: req.params.key, value: await s.secrets.read(ctx, req.params.key) }),
  },
  {
    method: 'DELETE',
    path: '/tenant/secrets/:key',
    response: R.ok('Secret deleted'),
    operation: 'deleteSecret',
    source: 'gateway 002',
    async handle(s, ctx, req) {
      await s.secrets.delete(ctx, req.params.key);
      return { success: true, message: 'Secret deleted' };
    },
  },
  {
    method: 'GET',
    path: '/tenant/info',
    response: R.tenantInfo,
    operation: 'getTenantInfo',
    source: 'gateway 002',
    async handle(s, ctx) {
      const t = await s.tenants.get(ctx);
      return { id: t.id, name: t.name, plan: t.plan, createdAt: iso(t.createdAt), limits: limitsOf(t) };
    },
  },
]);
