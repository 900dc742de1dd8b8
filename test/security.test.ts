import { describe, expect, it } from 'vitest';
import { useHarness, type Harness, type Registered } from './support/harness';
import { ApiKeys, CreateApiKey, CurrentTenant, RevokeApiKey, UpdateTenant } from './support/operations';
import { securityTests } from './support/security';

const h = useHarness();

const auth = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...extra });

async function victimKeyIds(h: Harness, victim: Registered): Promise<string[]> {
  const rows = await h.sql<{ id: string }>('select id from api_keys where tenant_id = ? order by id', [victim.tenantId]);
  return rows.map((r) => r.id);
}

async function victimRow(h: Harness, victim: Registered) {
  const [row] = await h.sql('select name, email, settings, updated_at from tenants where id = ?', [victim.tenantId]);
  return row;
}

/** A key id of the target tenant, created for the test, to revoke. */
async function spareKeyId(h: Harness, target: Registered): Promise<string> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/api-keys',
    headers: auth(target.key),
    payload: { name: 'spare', scopes: ['memory:read'] },
  });
  return res.json().key_id;
}

securityTests(h, {
  name: 'getTenant',
  scope: 'tenant:read',
  rest: () => ({ method: 'GET', url: '/api/v1/tenant' }),
  graphql: () => ({ doc: CurrentTenant }),
  verify: (_h, target, body: any) => expect(body.tenant_id).toBe(target.tenantId),
  async crossTenant(h, attacker, victim) {
    const own = await h.app.inject({ method: 'GET', url: '/api/v1/tenant', headers: auth(attacker.key) });
    expect(own.json().tenant_id).toBe(attacker.tenantId);
    const named = await h.app.inject({
      method: 'GET',
      url: '/api/v1/tenant',
      headers: auth(attacker.key, { 'x-tenant-id': victim.tenantId }),
    });
    expect(named.statusCode).toBe(403);
    expect(named.body).not.toContain(victim.tenantId);
    const gql = await h.gql(CurrentTenant, {}, attacker.key, { 'x-tenant-id': victim.tenantId });
    expect(gql.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(gql.data ?? null).toBeNull();
  },
});

securityTests(h, {
  name: 'updateTenant',
  scope: 'tenant:admin',
  rest: () => ({ method: 'PATCH', url: '/api/v1/tenant', payload: { name: 'Renamed' } }),
  graphql: () => ({ doc: UpdateTenant, variables: { input: { name: 'Renamed' } } }),
  async verify(h, target) {
    expect((await victimRow(h, target)).name).toBe('Renamed');
  },
  async crossTenant(h, attacker, victim) {
    const before = await victimRow(h, victim);
    const rest = await h.app.inject({
      method: 'PATCH',
      url: '/api/v1/tenant',
      headers: auth(attacker.key, { 'x-tenant-id': victim.tenantId }),
      payload: { name: 'Hijacked', settings: { retention_days: 1 } },
    });
    expect(rest.statusCode).toBe(403);
    const gql = await h.gql(UpdateTenant, { input: { name: 'Hijacked' } }, attacker.key, { 'x-tenant-id': victim.tenantId });
    expect(gql.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await victimRow(h, victim)).toEqual(before);
  },
});

securityTests(h, {
  name: 'listApiKeys',
  scope: 'tenant:admin',
  rest: () => ({ method: 'GET', url: '/api/v1/api-keys' }),
  graphql: () => ({ doc: ApiKeys }),
  async crossTenant(h, attacker, victim) {
    const ids = await victimKeyIds(h, victim);
    const rest = await h.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: auth(attacker.key) });
    expect(rest.statusCode).toBe(200);
    for (const id of ids) expect(rest.body).not.toContain(id);
    const gql = await h.gql(ApiKeys, {}, attacker.key);
    for (const id of ids) expect(JSON.stringify(gql.data)).not.toContain(id);
    const named = await h.app.inject({
      method: 'GET',
      url: '/api/v1/api-keys',
      headers: auth(attacker.key, { 'x-tenant-id': victim.tenantId }),
    });
    expect(named.statusCode).toBe(403);
  },
});

securityTests(h, {
  name: 'createApiKey',
  scope: 'tenant:admin',
  okStatus: 201,
  rest: () => ({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'k', scopes: ['memory:read'] } }),
  graphql: () => ({ doc: CreateApiKey, variables: { input: { name: 'k', scopes: ['memory:read'] } } }),
  async crossTenant(h, attacker, victim) {
    const before = await victimKeyIds(h, victim);
    const rest = await h.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: auth(attacker.key, { 'x-tenant-id': victim.tenantId }),
      payload: { name: 'backdoor', scopes: ['tenant:admin'] },
    });
    expect(rest.statusCode).toBe(403);
    const gql = await h.gql(CreateApiKey, { input: { name: 'backdoor', scopes: ['tenant:admin'] } }, attacker.key, {
      'x-tenant-id': victim.tenantId,
    });
    expect(gql.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await victimKeyIds(h, victim)).toEqual(before);
  },
});

securityTests(h, {
  name: 'revokeApiKey',
  scope: 'tenant:admin',
  rest: async (target, h) => ({ method: 'DELETE', url: `/api/v1/api-keys/${await spareKeyId(h, target)}` }),
  graphql: async (target, h) => ({ doc: RevokeApiKey, variables: { id: await spareKeyId(h, target) } }),
  async crossTenant(h, attacker, victim) {
    const [victimKeyId] = await victimKeyIds(h, victim);
    // Another tenant's key id is "not found", exactly like an id that does not exist.
    const rest = await h.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${victimKeyId}`, headers: auth(attacker.key) });
    expect(rest.statusCode).toBe(404);
    expect(rest.json()).toEqual({ error: 'Not Found', message: 'API key not found' });
    const gql = await h.gql(RevokeApiKey, { id: victimKeyId }, attacker.key);
    expect(gql.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const still = await h.app.inject({ method: 'GET', url: '/api/v1/tenant', headers: auth(victim.key) });
    expect(still.statusCode).toBe(200);
  },
});

describe('registerTenant is public', () => {
  it('needs no key, over REST and GraphQL', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/tenants', payload: { name: 'Open' } });
    expect(res.statusCode).toBe(201);
    const { RegisterTenant } = await import('./support/operations');
    const gql = await h.gql(RegisterTenant, { input: { name: 'Open GQL' } });
    expect(gql.errors).toBeUndefined();
    expect(gql.data?.registerTenant.key).toMatch(/^rk_live_/);
  });

  it('a caller already in a tenant cannot register another (400), and its own is untouched', async () => {
    const caller = await h.register();
    const before = (await h.sql('select count(*)::int as n from tenants'))[0].n;
    for (const url of ['/api/v1/tenants', '/api/tenant']) {
      const res = await h.app.inject({ method: 'POST', url, headers: auth(caller.key), payload: { name: 'Second' } });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/already belongs to a tenant/);
    }
    expect((await h.sql('select count(*)::int as n from tenants'))[0].n).toBe(before);
    expect((await victimRow(h, caller)).name).toBe('Test Tenant');
  });

  it('a bad key presented to a public operation is still refused', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: auth('rk_live_not-a-key'),
      payload: { name: 'x' },
    });
    expect(res.statusCode).toBe(401);
  });
});
