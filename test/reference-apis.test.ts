import { describe, expect, it } from 'vitest';
import { useHarness } from './support/harness';
import { ApiKeys, SetTenantSetting, TenantSettings } from './support/operations';

const h = useHarness();

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const xApiKey = (key: string) => ({ 'x-api-key': key, 'content-type': 'application/json' });
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

const engines = {
  engines: [
    { retriever_engine_type: 'postgres', retriever_type: 'keywords' },
    { retriever_engine_type: 'postgres', retriever_type: 'vector' },
  ],
};

describe('knowledge-base platform (reference 003)', () => {
  it("answers the document's requests at its paths with its shapes", async () => {
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: { 'content-type': 'application/json' },
      payload: { name: 'weknora', description: 'weknora tenants', business: 'wechat', retriever_engines: engines },
    });
    expect(created.statusCode).toBe(201);
    const { id, api_key: key } = created.json().data;

    const kbShape = {
      id,
      name: 'weknora',
      description: 'weknora tenants',
      api_key: null,
      status: 'active',
      retriever_engines: engines,
      business: 'wechat',
      storage_quota: 10737418240,
      storage_used: 0,
      created_at: ISO,
      updated_at: ISO,
      deleted_at: null,
    };
    const got = await h.app.inject({ url: `/api/v1/tenants/${id}`, headers: xApiKey(key) });
    expect(got.json()).toEqual({ data: kbShape, success: true });

    // The document's PUT body, status and quota included (unchanged, so a tenant key may send them).
    const put = await h.app.inject({
      method: 'PUT',
      url: `/api/v1/tenants/${id}`,
      headers: xApiKey(key),
      payload: { name: 'weknora new', description: 'weknora tenants new', status: 'active', retriever_engines: engines, business: 'wechat', storage_quota: 10737418240 },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ data: { ...kbShape, name: 'weknora new', description: 'weknora tenants new' }, success: true });
    // Unlike the document, PUT does not rotate the key: the same key still works.
    expect((await h.app.inject({ url: `/api/v1/tenants/${id}`, headers: xApiKey(key) })).statusCode).toBe(200);

    const list = await h.app.inject({ url: '/api/v1/tenants', headers: xApiKey(key) });
    expect(list.json()).toEqual({ data: { items: [{ ...kbShape, name: 'weknora new', description: 'weknora tenants new', updated_at: ISO }], total: 1, next_cursor: null }, success: true });

    const del = await h.app.inject({ method: 'DELETE', url: `/api/v1/tenants/${id}`, headers: xApiKey(key) });
    expect(del.json()).toEqual({ message: 'Tenant deleted successfully', success: true });
    expect((await h.app.inject({ url: `/api/v1/tenants/${id}`, headers: xApiKey(key) })).statusCode).toBe(401);
  });

  it('storage_quota of 0 or less means unlimited and is kept as given; an operator sets it', async () => {
    const op = await h.operatorKey();
    const t = await h.register();
    for (const quota of [0, -1, 5_000_000_000_000]) {
      const res = await h.app.inject({ method: 'PUT', url: `/api/v1/tenants/${t.tenantId}`, headers: auth(op), payload: { storage_quota: quota } });
      expect(res.json().data.storage_quota).toBe(quota);
    }
    const byTenant = await h.app.inject({ method: 'PUT', url: `/api/v1/tenants/${t.tenantId}`, headers: auth(t.key), payload: { storage_quota: 1 } });
    expect(byTenant.statusCode).toBe(403);
    expect(byTenant.json().message).toBe('Only platform operators can change storage_quota');
  });

  it('answers clear 4xx for bad requests and changes nothing', async () => {
    const t = await h.register();
    const [before] = await h.sql('select * from tenants where id = ?', [t.tenantId]);
    const cases: [string, string, object | undefined, number, string?][] = [
      ['PUT', `/api/v1/tenants/${t.tenantId}`, { storage_quota: 'lots' }, 400, 'storage_quota'],
      ['PUT', `/api/v1/tenants/${t.tenantId}`, { status: 'paused' }, 400, 'status'],
      ['PUT', `/api/v1/tenants/${t.tenantId}`, { retriever_engines: { engines: 'all' } }, 400, 'retriever_engines.engines'],
      ['PUT', '/api/v1/tenants/10000', { name: 'x' }, 404],
      ['GET', '/api/v1/tenants/not-a-uuid', undefined, 404],
      ['GET', '/api/v1/tenants?limit=abc', undefined, 400, 'limit'],
      ['GET', '/api/v1/tenants?limit=1000', undefined, 400, 'limit'],
      ['GET', '/api/v1/tenants?cursor=garbage', undefined, 400, 'cursor'],
      ['GET', '/api/v1/tenants?sort=name', undefined, 400, 'sort'],
    ];
    for (const [method, url, payload, status, field] of cases) {
      const res = await h.app.inject({ method: method as any, url, headers: auth(t.key), payload });
      expect(res.statusCode, `${method} ${url}`).toBe(status);
      expect(res.json().error).toBeTruthy();
      if (field) expect(res.json().field, `${method} ${url}`).toBe(field);
    }
    expect((await h.sql('select * from tenants where id = ?', [t.tenantId]))[0]).toEqual(before);
  });
});

describe('business platform (reference 004)', () => {
  it("answers the document's tenant requests with camelCase shapes and its status codes", async () => {
    const created = await h.app.inject({ method: 'POST', url: '/api/tenant', payload: { name: 'New Company', logo: 'https://cdn.example.com/logo.png' } });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ id: expect.any(String), name: 'New Company', logo: 'https://cdn.example.com/logo.png', createdAt: ISO, updatedAt: ISO, apiKey: expect.stringMatching(/^rk_live_/) });
    const key = body.apiKey;

    const got = await h.app.inject({ url: '/api/tenant', headers: auth(key) });
    expect(got.json()).toEqual({ id: body.id, name: 'New Company', logo: 'https://cdn.example.com/logo.png', status: 'active', plan: 'free', createdAt: ISO, updatedAt: ISO });

    const again = await h.app.inject({ method: 'POST', url: '/api/tenant', headers: auth(key), payload: { name: 'Second' } });
    expect(again.statusCode).toBe(400);

    const put = await h.app.inject({ method: 'PUT', url: '/api/tenant', headers: auth(key), payload: { name: 'Updated Company Name' } });
    expect(put.statusCode).toBe(202);
    expect(put.json().name).toBe('Updated Company Name');

    const del = await h.app.inject({ method: 'DELETE', url: '/api/tenant', headers: auth(key) });
    expect(del.statusCode).toBe(200);
    expect(del.json()).toMatchObject({ id: body.id, status: 'deleted', deletedAt: ISO });
    expect((await h.app.inject({ url: '/api/tenant', headers: auth(key) })).statusCode).toBe(401);
  });

  it('tenant settings: set, replace, list as stored; the same objects over GraphQL', async () => {
    const t = await h.register();
    const set = await h.app.inject({ method: 'POST', url: '/api/tenant-setting', headers: auth(t.key), payload: { name: 'SETTING_KEY', value: 'setting_value' } });
    expect(set.statusCode).toBe(201);
    expect(set.json()).toMatchObject({ id: expect.any(String), name: 'SETTING_KEY', value: 'setting_value', tenantId: t.tenantId });
    await h.app.inject({ method: 'POST', url: '/api/tenant-setting', headers: auth(t.key), payload: { name: 'SETTING_KEY', value: 'replaced' } });
    await h.app.inject({ method: 'POST', url: '/api/tenant-setting', headers: auth(t.key), payload: { name: 'decimal_places', value: 2 } });
    const list = await h.app.inject({ url: '/api/tenant-setting', headers: auth(t.key) });
    expect(list.json().map((s: any) => [s.name, s.value])).toEqual([
      ['SETTING_KEY', 'replaced'],
      ['decimal_places', '2'],
    ]);
    expect(list.json()[0].id).toBe(set.json().id);
    const gql = await h.gql(TenantSettings, {}, t.key);
    expect(gql.data?.tenantSettings.map((s) => s.id)).toEqual(list.json().map((s: any) => s.id));
    const viaGql = await h.gql(SetTenantSetting, { name: 'currency', value: 'EUR' }, t.key);
    expect(viaGql.data?.setTenantSetting.value).toBe('EUR');
    expect((await h.app.inject({ url: '/api/tenant-setting', headers: auth(t.key) })).json()).toHaveLength(3);
  });

  it('tenant settings refuse bad names and values, writing nothing', async () => {
    const t = await h.register();
    const cases: [object, string][] = [
      [{ name: '1ABC', value: 'x' }, 'name'],
      [{ name: 'has space', value: 'x' }, 'name'],
      [{ name: 'A'.repeat(129), value: 'x' }, 'name'],
      [{ name: 'OK', value: { nested: true } }, 'value'],
      [{ name: 'OK', value: 'v'.repeat(4097) }, 'value'],
      [{ name: 'OK' }, 'value'],
      [{ name: 'OK', value: 'x', scope: 'global' }, 'scope'],
    ];
    for (const [payload, field] of cases) {
      const res = await h.app.inject({ method: 'POST', url: '/api/tenant-setting', headers: auth(t.key), payload });
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(res.json().field).toBe(field);
    }
    expect(await h.sql('select * from tenant_settings where tenant_id = ?', [t.tenantId])).toEqual([]);
    const missing = await h.app.inject({ method: 'DELETE', url: '/api/tenant-setting/NOPE', headers: auth(t.key) });
    expect(missing.statusCode).toBe(404);
  });

  it('tenant API keys: create with expiresAt, list, delete; the same keys as /api/v1 and GraphQL', async () => {
    const t = await h.register();
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const created = await h.app.inject({ method: 'POST', url: '/api/tenant-api-key', headers: auth(t.key), payload: { name: 'CI/CD Integration Key', expiresAt } });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ id: expect.any(String), name: 'CI/CD Integration Key', tenantId: t.tenantId, expiresAt, apiKey: expect.stringMatching(/^rk_live_/), scopes: ['tenant:admin'] });
    expect((await h.app.inject({ url: '/api/tenant', headers: auth(body.apiKey) })).statusCode).toBe(200);

    const list = await h.app.inject({ url: '/api/tenant-api-key', headers: auth(t.key) });
    expect(list.json().map((k: any) => k.id)).toContain(body.id);
    expect(JSON.stringify(list.json())).not.toContain(body.apiKey);
    const v1 = await h.app.inject({ url: '/api/v1/api-keys', headers: auth(t.key) });
    expect(v1.json().api_keys.map((k: any) => k.key_id)).toContain(body.id);
    const gql = await h.gql(ApiKeys, {}, t.key);
    expect(gql.data?.apiKeys.map((k) => k.id)).toContain(body.id);

    const del = await h.app.inject({ method: 'DELETE', url: `/api/tenant-api-key/${body.id}`, headers: auth(t.key) });
    expect(del.statusCode).toBe(200);
    expect(del.json().revokedAt).toEqual(ISO);
    expect((await h.app.inject({ url: '/api/tenant', headers: auth(body.apiKey) })).statusCode).toBe(401);

    const past = await h.app.inject({ method: 'POST', url: '/api/tenant-api-key', headers: auth(t.key), payload: { name: 'old', expiresAt: '2020-01-01T00:00:00.000Z' } });
    expect(past.statusCode).toBe(400);
    expect(past.json().field).toBe('expiresAt');
  });
});
