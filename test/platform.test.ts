import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { generateKey } from '../src/auth/key-format';
import { createServices } from '../src/services';
import { useHarness } from './support/harness';
import { CurrentTenant } from './support/operations';

const h = useHarness();

describe('platform admin key', () => {
  let operatorKey = '';

  it('is created on first start only, and is an operator key', async () => {
    const first = await h.services.apiKeys.ensurePlatformKey();
    expect(first).toMatch(/^rk_live_/);
    operatorKey = first!;
    expect(await h.services.apiKeys.ensurePlatformKey()).toBeNull();
    const [row] = await h.sql(`select tenant_id, scopes from api_keys where scopes @> '{platform:admin}'`);
    expect(row).toMatchObject({ tenant_id: null, scopes: ['platform:admin'] });
  });

  it('acts on a tenant named by X-Tenant-ID, and must name one', async () => {
    const t = await h.register();
    const headers = { authorization: `Bearer ${operatorKey}` };
    const none = await h.app.inject({ method: 'GET', url: '/api/v1/tenant', headers });
    expect(none.statusCode).toBe(400);
    expect(none.json().message).toMatch(/X-Tenant-ID/);
    const named = await h.app.inject({ method: 'GET', url: '/api/v1/tenant', headers: { ...headers, 'x-tenant-id': t.tenantId } });
    expect(named.statusCode).toBe(200);
    expect(named.json().tenant_id).toBe(t.tenantId);
    const gql = await h.gql(CurrentTenant, {}, operatorKey, { 'x-tenant-id': t.tenantId });
    expect(gql.data?.tenant.id).toBe(t.tenantId);
    const malformed = await h.app.inject({ method: 'GET', url: '/api/v1/tenant', headers: { ...headers, 'x-tenant-id': 'tenant-123' } });
    expect(malformed.statusCode).toBe(400);
    const missing = await h.app.inject({
      method: 'GET',
      url: '/api/v1/tenant',
      headers: { ...headers, 'x-tenant-id': '00000000-0000-4000-8000-000000000000' },
    });
    expect(missing.statusCode).toBe(404);
  });

  it('may create keys for a tenant but never hand platform:admin to one', async () => {
    const t = await h.register();
    const headers = { authorization: `Bearer ${operatorKey}`, 'x-tenant-id': t.tenantId };
    const ok = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers, payload: { name: 'ops', scopes: ['tenant:read'] } });
    expect(ok.statusCode).toBe(201);
    const escalate = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers, payload: { name: 'ops', scopes: ['platform:admin'] } });
    expect(escalate.statusCode).toBe(400);
  });

  it('TENANTRY_ADMIN_KEY supplies the key instead, and a malformed one is refused', async () => {
    const supplied = generateKey('rk', 'live').key;
    const services = createServices(h.orm, { ...h.config, adminKey: supplied }, () => {});
    expect(await services.apiKeys.ensurePlatformKey()).toBeNull();
    const principal = await services.apiKeys.authenticate(supplied);
    expect(principal).toMatchObject({ operator: true, keyTenantId: null, scopes: ['platform:admin'] });
    expect(await services.apiKeys.ensurePlatformKey()).toBeNull();
    const bad = createServices(h.orm, { ...h.config, adminKey: 'letmein' }, () => {});
    await expect(bad.apiKeys.ensurePlatformKey()).rejects.toThrow(/TENANTRY_ADMIN_KEY/);
  });
});

describe('TENANTRY_REGISTRATION=closed', () => {
  it('lets only operators create tenants', async () => {
    const services = createServices(h.orm, { ...h.config, registration: 'closed' }, () => {});
    const app = await buildApp(services);
    try {
      const before = (await h.sql('select count(*)::int as n from tenants'))[0].n;
      const anon = await app.inject({ method: 'POST', url: '/api/v1/tenants', payload: { name: 'x' } });
      expect(anon.statusCode).toBe(403);
      expect(anon.json().message).toMatch(/Registration is closed/);
      const t = await h.register();
      const tenantKey = await app.inject({ method: 'POST', url: '/api/v1/tenants', headers: { authorization: `Bearer ${t.key}` }, payload: { name: 'x' } });
      expect(tenantKey.statusCode).toBe(403);
      const operator = generateKey('rk', 'live').key;
      await createServices(h.orm, { ...h.config, adminKey: operator }, () => {}).apiKeys.ensurePlatformKey();
      const ok = await app.inject({ method: 'POST', url: '/api/v1/tenants', headers: { authorization: `Bearer ${operator}` }, payload: { name: 'x' } });
      expect(ok.statusCode).toBe(201);
      expect((await h.sql('select count(*)::int as n from tenants'))[0].n).toBe(before + 2);
    } finally {
      await app.close();
    }
  });
});
