import { describe, expect, it } from 'vitest';
import { createServices } from '../src/services';
import { useHarness } from './support/harness';
import { CurrentTenant, DeleteTenantSetting, RegisterTenant, UpdateTenant } from './support/operations';

const h = useHarness();

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const countTenants = async () => Number((await h.sql('select count(*)::int as n from tenants'))[0].n);

describe('input PostgreSQL cannot store, or that only exhausts resources', () => {
  const strings: [string, string][] = [
    ['a NUL character', 'bad\u0000name'],
    ['a lone surrogate', 'bad\ud800name'],
  ];
  for (const [label, value] of strings) {
    it(`answers 400, never 500, for ${label} in any field, through both doors`, async () => {
      const t = await h.register();
      const before = await countTenants();
      const bodies = [
        { name: value },
        { name: 'ok', description: value },
        { name: 'ok', retriever_engines: { engines: [{ retriever_type: value, retriever_engine_type: 'pg' }] } },
        { name: 'ok', settings: { webhook_url: `https://example.com/${value}` } },
      ];
      for (const payload of bodies) {
        const res = await h.app.inject({
          method: 'POST',
          url: '/api/v1/tenants',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(payload),
        });
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      }
      const key = await h.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: { ...auth(t.key), 'content-type': 'application/json' },
        payload: JSON.stringify({ name: value, scopes: ['memory:read'] }),
      });
      expect(key.statusCode).toBe(400);
      const gql = await h.gql(UpdateTenant, { input: { description: value } }, t.key);
      expect(gql.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(await countTenants()).toBe(before);
    });
  }

  it('answers 400, not 503, for a NUL in the name of a setting to delete, through both doors', async () => {
    // PostgreSQL refuses a NUL in a parameter as a protocol violation (08P01), which reads as
    // an unreachable database unless the name is checked first.
    const t = await h.register();
    const rest = await h.app.inject({ method: 'DELETE', url: '/api/tenant-setting/a%00b', headers: auth(t.key) });
    expect(rest.statusCode, rest.body).toBe(400);
    expect(rest.json().field).toBe('name');
    const gql = await h.gql(DeleteTenantSetting, { name: 'a\u0000b' }, t.key);
    expect(gql.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses deeply nested JSON as a GraphQL variable with 400, not a stack overflow', async () => {
    // Built as text: serialising such an object in the test would overflow the test's own stack.
    const deep = '{"d":'.repeat(5000) + '{"leaf":true}' + '}'.repeat(5000);
    const res = await h.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json' },
      payload: `{"query":"mutation($i: RegisterTenantInput!) { registerTenant(input: $i) { key } }","variables":{"i":{"name":"deep","retrieverEngines":${deep}}}}`,
    });
    expect(res.statusCode).toBeLessThan(500);
    expect(res.json().errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('treats Object.prototype names as unknown, not as known fields or scopes', async () => {
    const t = await h.register();
    for (const field of ['constructor', 'toString', 'hasOwnProperty']) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/tenants',
        headers: { 'content-type': 'application/json' },
        payload: `{"name":"x","${field}":"y"}`,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ field, message: `${field}: is not a known field` });
    }
    for (const scope of ['constructor', 'toString', '__proto__']) {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(t.key), payload: { name: 'k', scopes: [scope] } });
      expect(res.statusCode, scope).toBe(400);
    }
  });

  it('answers a JSON null or empty body like a missing one: 400 naming the required field, not 500', async () => {
    const t = await h.register();
    const before = await countTenants();
    const cases: [string, string, string | undefined][] = [
      ['/api/v1/tenants', 'name', undefined],
      ['/api/tenant', 'name', undefined],
      ['/api/v1/api-keys', 'name', t.key],
      ['/tenant/rbac/roles', 'name', t.key],
      ['/tenant/limits/resources/check', 'resource', t.key],
    ];
    for (const [url, field, key] of cases) {
      for (const payload of ['null', '']) {
        const res = await h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...(key ? auth(key) : {}) }, payload });
        expect(res.statusCode, `${url} ${JSON.stringify(payload)}: ${res.body}`).toBe(400);
        expect(res.json().field).toBe(field);
      }
    }
    expect(await countTenants()).toBe(before);
  });

  it('names a field sent with the wrong type as such, and only a missing one as required', async () => {
    const t = await h.register();
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(t.key), payload: { name: [], scopes: null } });
    expect(res.statusCode).toBe(400);
    const problems: { field: string; message: string }[] = res.json().problems;
    expect(problems).toContainEqual({ field: 'name', message: 'must be a string' });
    expect(problems).toContainEqual({ field: 'scopes', message: 'must be an array of scopes' });
    expect(problems.filter((p) => p.message === 'is required')).toEqual([]);
    const missing = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(t.key), payload: { scopes: ['memory:read'] } });
    expect(missing.json().problems).toEqual([{ field: 'name', message: 'is required' }]);
    const nested = await h.app.inject({
      method: 'POST',
      url: '/tenant/config',
      headers: auth(t.key),
      payload: { webhooks: [{ url: 'https://example.com/hook', events: [['tenant.updated']] }] },
    });
    expect(nested.json().problems).toEqual([{ field: 'webhooks.0.events.0', message: 'must be a string' }]);
  });

  it('refuses an email the GraphQL EmailAddress scalar could not show back', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/tenants', payload: { name: 'x', email: 'x@a-.io' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('email');
  });

  it('refuses documents over the token limit', async () => {
    const t = await h.register();
    const fields = Array.from({ length: 3000 }, (_, i) => `a${i}: tenant { id }`).join(' ');
    const res = await h.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { ...auth(t.key), 'content-type': 'application/json' },
      payload: { query: `{ ${fields} }` },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].message).toMatch(/more that 5000 tokens/);
  });
});

describe('keys cannot be used to escalate', () => {
  it('a test key cannot mint live keys', async () => {
    const t = await h.register();
    const testKey = (
      await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(t.key), payload: { name: 't', scopes: ['tenant:admin'], environment: 'test' } })
    ).json().api_key;
    const live = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(testKey), payload: { name: 'l', scopes: ['tenant:read'], environment: 'live' } });
    expect(live.statusCode).toBe(403);
    const inherit = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(testKey), payload: { name: 'l', scopes: ['tenant:read'] } });
    expect(inherit.json().environment).toBe('test');
  });

  it('an expiring key cannot mint a key that outlives it; its children expire with it by default', async () => {
    const t = await h.register();
    const parentExpiry = new Date(Date.now() + 3_600_000).toISOString();
    const parent = (
      await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(t.key), payload: { name: 'p', scopes: ['tenant:admin'], expires_at: parentExpiry } })
    ).json().api_key;
    const longer = await h.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: auth(parent),
      payload: { name: 'c', scopes: ['tenant:read'], expires_at: new Date(Date.now() + 7_200_000).toISOString() },
    });
    expect(longer.statusCode).toBe(400);
    expect(longer.json().field).toBe('expires_at');
    const child = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(parent), payload: { name: 'c', scopes: ['tenant:read'] } });
    expect(child.json().expires_at).toBe(parentExpiry);
  });

  it(`caps a tenant's active keys`, async () => {
    const t = await h.register();
    const { MAX_ACTIVE_KEYS_PER_TENANT } = await import('../src/modules/api-keys/api-key.service');
    const values = Array.from({ length: MAX_ACTIVE_KEYS_PER_TENANT - 1 }, (_, i) => `(gen_random_uuid(), '${t.tenantId}', 'k${i}', '{memory:read}', 'rk_live_xxxx', md5(random()::text) || md5(random()::text))`);
    await h.sql(`insert into api_keys (id, tenant_id, name, scopes, prefix, digest) values ${values.join(',')}`);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(t.key), payload: { name: 'one too many', scopes: ['memory:read'] } });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/at most 100 active API keys/);
  });

  it('a non-Bearer Authorization header does not hide a valid X-API-Key', async () => {
    const t = await h.register();
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/tenant', headers: { authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': t.key } });
    expect(res.statusCode).toBe(200);
    const gql = await h.gql(CurrentTenant, {}, undefined, { 'x-api-key': t.key });
    expect(gql.data?.tenant.id).toBe(t.tenantId);
  });

  it('TENANTRY_ADMIN_KEY may not name an existing tenant key', async () => {
    const t = await h.register();
    const services = createServices(h.orm, { ...h.config, adminKey: t.key }, () => {});
    await expect(services.apiKeys.ensurePlatformKey()).rejects.toThrow(/already in use as a tenant key/);
    const [row] = await h.sql(`select scopes from api_keys where tenant_id = ?`, [t.tenantId]);
    expect(row.scopes).toEqual(['tenant:admin']);
  });
});
