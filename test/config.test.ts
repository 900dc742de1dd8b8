import { describe, expect, it } from 'vitest';
import { useHarness, type Registered } from './support/harness';
import { RollbackTenantConfig, SaveTenantConfig, TenantConfigHistory, TenantConfigQuery, TenantLimits } from './support/operations';

const h = useHarness();

const auth = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...extra });
const save = (t: Registered, payload: unknown, prefix = '') =>
  h.app.inject({ method: 'POST', url: `${prefix}/tenant/config`, headers: { ...auth(t.key), 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
const versions = async (t: Registered) => (await h.sql('select version from tenant_configs where tenant_id = ? order by version', [t.tenantId])).map((r) => r.version);

const REFERENCE_BODY = {
  routes: [{ path: '/custom', method: 'get', description: 'Custom endpoint' }],
  rateLimit: { enabled: true, default: { max: 500 } },
};

describe('gateway configuration (reference 002)', () => {
  it("saves the reference's document and answers it back, at both path families", async () => {
    const t = await h.register();
    expect((await h.app.inject({ url: '/tenant/config', headers: auth(t.key) })).json()).toEqual({});
    const res = await h.app.inject({
      method: 'POST',
      url: '/tenant/config',
      headers: auth(t.key, { 'x-tenant-id': t.tenantId, 'content-type': 'application/json' }),
      payload: REFERENCE_BODY,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true, message: 'Configuration saved', version: 1 });
    for (const prefix of ['', '/api/v1']) {
      const got = await h.app.inject({ url: `${prefix}/tenant/config`, headers: auth(t.key, { 'x-tenant-id': t.tenantId }) });
      expect(got.json()).toEqual(REFERENCE_BODY);
    }
    const full = {
      ...REFERENCE_BODY,
      credentials: { stripe: { type: 'bearer', secret: 'STRIPE_SECRET_KEY' } },
      cache: { enabled: true, ttlSeconds: 60 },
      webhooks: [{ url: 'https://hooks.example.com/t', events: ['config.updated'] }],
    };
    expect((await save(t, full, '/api/v1')).json().version).toBe(2);
    const gql = await h.gql(TenantConfigQuery, {}, t.key);
    expect(gql.data?.tenantConfig).toMatchObject({
      version: 2,
      routes: [{ path: '/custom', method: 'get', description: 'Custom endpoint', target: null }],
      rateLimit: { enabled: true, default: { max: 500, windowMs: null } },
      cache: { enabled: true, ttlSeconds: 60 },
      webhooks: [{ url: 'https://hooks.example.com/t', events: ['config.updated'], secret: null, enabled: null }],
      credentials: { stripe: { type: 'bearer', secret: 'STRIPE_SECRET_KEY' } },
    });
  });

  it('answers 400 naming the path of the bad field, and changes nothing', async () => {
    const t = await h.register();
    await save(t, REFERENCE_BODY);
    const cases: [unknown, string][] = [
      [{ routes: [{ path: 'custom', method: 'get' }] }, 'routes.0.path'],
      [{ routes: [{ path: '/a', method: 'fetch' }] }, 'routes.0.method'],
      [{ routes: [{ path: '/a', method: 'get' }, { path: '/a', method: 'GET' }] }, 'routes.1'],
      [{ rateLimit: { enabled: true, default: { max: 0 } } }, 'rateLimit.default.max'],
      [{ rateLimit: { enabled: 'yes' } }, 'rateLimit.enabled'],
      [{ cache: { enabled: true, ttlSeconds: -1 } }, 'cache.ttlSeconds'],
      [{ webhooks: [{ url: 'ftp://x', events: ['a.b'] }] }, 'webhooks.0.url'],
      [{ webhooks: [{ url: 'http://169.254.169.254/latest', events: ['a.b'] }] }, 'webhooks.0.url'],
      [{ webhooks: [{ url: 'http://localhost:9000/hook', events: ['a.b'] }] }, 'webhooks.0.url'],
      [{ webhooks: [{ url: 'https://x.example', events: [] }] }, 'webhooks.0.events'],
      [{ credentials: { stripe: { type: 'bearer', secret: 'sk_live_raw_value' } } }, 'credentials.stripe.secret'],
      [{ credentials: { stripe: { type: 'bearer', secret: 'OK', value: 'raw' } } }, 'credentials.stripe.value'],
      [{ routez: [] }, 'routez'],
      [[REFERENCE_BODY], ''],
      ['routes', ''],
    ];
    for (const [payload, field] of cases) {
      const res = await save(t, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field, JSON.stringify(payload)).toBe(field);
      if (field) expect(res.json().message).toContain(field);
    }
    expect(await versions(t)).toEqual([1]);
    const gql = await h.gql(SaveTenantConfig, { document: { cache: { enabled: 'no' } } }, t.key);
    expect(gql.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'cache.enabled' });
    expect(await versions(t)).toEqual([1]);
  });

  it('keeps every version; a rollback restores an earlier document as a new version', async () => {
    const t = await h.register();
    for (const max of [100, 200, 300]) await save(t, { rateLimit: { enabled: true, default: { max } } });
    const history = await h.gql(TenantConfigHistory, {}, t.key);
    expect(history.data?.tenantConfigHistory.map((v) => v.version)).toEqual([3, 2, 1]);
    const older = await h.gql(TenantConfigHistory, { first: 1, before: 3 }, t.key);
    expect(older.data?.tenantConfigHistory.map((v) => v.version)).toEqual([2]);
    const rolled = await h.gql(RollbackTenantConfig, { version: 1 }, t.key);
    expect(rolled.data?.rollbackTenantConfig).toMatchObject({ version: 4, restoredFrom: 1, document: { rateLimit: { enabled: true, default: { max: 100 } } } });
    expect((await h.app.inject({ url: '/tenant/config', headers: auth(t.key) })).json()).toEqual({ rateLimit: { enabled: true, default: { max: 100 } } });
    for (const version of [99, 0, -1]) {
      const bad = await h.gql(RollbackTenantConfig, { version }, t.key);
      expect(bad.errors?.[0]?.extensions?.code, String(version)).toMatch(/NOT_FOUND|BAD_USER_INPUT/);
    }
    expect(await versions(t)).toEqual([1, 2, 3, 4]);
  });

  it('concurrent saves get gapless versions', async () => {
    const t = await h.register();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => save(t, { cache: { enabled: true, ttlSeconds: i } })));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect(await versions(t)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("another tenant's id in X-Tenant-ID is refused; an operator may act on a tenant with it", async () => {
    const t = await h.register();
    const other = await h.register();
    const denied = await h.app.inject({ url: '/tenant/config', headers: auth(t.key, { 'x-tenant-id': other.tenantId }) });
    expect(denied.statusCode).toBe(403);
    const placeholder = await h.app.inject({ url: '/tenant/config', headers: auth(t.key, { 'x-tenant-id': 'tenant-123' }) });
    expect(placeholder.statusCode).toBe(403);
    const op = await h.operatorKey();
    const byOperator = await h.app.inject({
      method: 'POST',
      url: '/tenant/config',
      headers: auth(op, { 'x-tenant-id': other.tenantId }),
      payload: REFERENCE_BODY,
    });
    expect(byOperator.json().success).toBe(true);
    expect(await versions(other)).toEqual([1]);
  });
});

describe('tenant info (reference 002)', () => {
  it("answers the document's shape from the tenant's plan, at both path families", async () => {
    const t = await h.register({ name: 'Acme Corp' });
    for (const prefix of ['', '/api/v1']) {
      const res = await h.app.inject({ url: `${prefix}/tenant/info`, headers: auth(t.key, { 'x-tenant-id': t.tenantId }) });
      expect(res.json()).toEqual({
        id: t.tenantId,
        name: 'Acme Corp',
        plan: 'free',
        createdAt: expect.stringMatching(/Z$/),
        limits: { apiCalls: 10000, llmTokens: 100000, storage: 10737418240 },
      });
    }
    const op = await h.operatorKey();
    await h.app.inject({ method: 'PUT', url: `/api/v1/tenants/${t.tenantId}`, headers: auth(op), payload: { plan: 'pro' } });
    expect((await h.app.inject({ url: '/tenant/info', headers: auth(t.key) })).json()).toMatchObject({ plan: 'pro', limits: { apiCalls: 100000, llmTokens: 1000000 } });
    const gql = await h.gql(TenantLimits, {}, t.key);
    expect(gql.data?.tenant.limits).toEqual({ apiCalls: 100000, llmTokens: 1000000, storage: 10737418240 });
  });
});
