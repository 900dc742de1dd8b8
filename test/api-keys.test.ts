import { describe, expect, it, vi } from 'vitest';
import { generateKey } from '../src/auth/key-format';
import { useHarness } from './support/harness';
import { ApiKeys, CreateApiKey, RevokeApiKey } from './support/operations';

const h = useHarness();

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const countKeys = async () => Number((await h.sql('select count(*)::int as n from api_keys'))[0].n);
const getTenant = (key: string, headers: Record<string, string> = auth(key)) =>
  h.app.inject({ method: 'GET', url: '/api/v1/tenant', headers });
const createKey = (key: string, payload: unknown) =>
  h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(key), payload: payload as object });

describe('POST /api/v1/api-keys', () => {
  it("answers the reference's 201 shape, and the new key works with exactly its scopes", async () => {
    const t = await h.register();
    const res = await createKey(t.key, { name: 'Production Read-Only', scopes: ['memory:read', 'users:read', 'conversations:read'] });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      key_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      api_key: expect.stringMatching(/^rk_live_/),
      api_key_prefix: body.api_key.slice(0, 12),
      name: 'Production Read-Only',
      scopes: ['memory:read', 'users:read', 'conversations:read'],
      created_at: expect.stringMatching(/Z$/),
      message: 'Save your API key securely. It will not be shown again.',
    });
    const denied = await getTenant(body.api_key);
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toEqual({ error: 'Forbidden', message: 'API key lacks required scope: tenant:read', requiredScope: 'tenant:read' });
  });

  it('accepts X-API-Key as well as Authorization: Bearer', async () => {
    const t = await h.register();
    expect((await getTenant(t.key, { 'x-api-key': t.key })).statusCode).toBe(200);
    expect((await getTenant(t.key, { authorization: `bearer ${t.key}` })).statusCode).toBe(200);
    expect((await getTenant(t.key, { authorization: `Basic ${t.key}` })).statusCode).toBe(401);
  });

  it('creates test-environment keys, custom data-plane scopes and expiring keys', async () => {
    const t = await h.register();
    const expires = new Date(Date.now() + 86_400_000).toISOString();
    const res = await createKey(t.key, { name: 'ci', scopes: ['reports:read', 'tenant:read'], environment: 'test', expires_at: expires });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ environment: 'test', expires_at: expires, scopes: ['reports:read', 'tenant:read'] });
    expect(res.json().api_key).toMatch(/^rk_test_/);
    // The business platform spells it expiresAt; both are accepted.
    const camel = await createKey(t.key, { name: 'CI/CD Integration Key', scopes: ['tenant:read'], expiresAt: expires });
    expect(camel.json().expires_at).toBe(expires);
    expect((await getTenant(res.json().api_key)).statusCode).toBe(200);
  });

  const bad: [string, unknown, string][] = [
    ['no name', { scopes: ['memory:read'] }, 'name'],
    ['blank name', { name: ' ', scopes: ['memory:read'] }, 'name'],
    ['name too long', { name: 'n'.repeat(101), scopes: ['memory:read'] }, 'name'],
    ['empty scopes', { name: 'k', scopes: [] }, 'scopes'],
    ['scopes not a list', { name: 'k', scopes: 'memory:read' }, 'scopes'],
    ['a scope of the wrong type', { name: 'k', scopes: [7] }, 'scopes.0'],
    ['a malformed scope', { name: 'k', scopes: ['memory:read', 'Not A Scope'] }, 'scopes.1'],
    ['an unknown scope in a reserved namespace', { name: 'k', scopes: ['tenant:owner'] }, 'scopes.0'],
    ['platform:admin', { name: 'k', scopes: ['platform:admin'] }, 'scopes.0'],
    ['too many scopes', { name: 'k', scopes: Array.from({ length: 65 }, (_, i) => `ns:a${i}`) }, 'scopes'],
    ['expiry in the past', { name: 'k', scopes: ['memory:read'], expires_at: '2001-01-01T00:00:00Z' }, 'expires_at'],
    ['expiry not a date', { name: 'k', scopes: ['memory:read'], expires_at: 'tomorrow' }, 'expires_at'],
    ['unknown environment', { name: 'k', scopes: ['memory:read'], environment: 'prod' }, 'environment'],
    ['unknown field', { name: 'k', scopes: ['memory:read'], tenant_id: 'x' }, 'tenant_id'],
  ];
  for (const [label, payload, field] of bad) {
    it(`answers 400 naming ${field} for ${label}, and writes nothing`, async () => {
      const t = await h.register();
      const before = await countKeys();
      const res = await createKey(t.key, payload);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ error: 'Bad Request', field });
      expect(res.json().message).toContain(field);
      expect(await countKeys()).toBe(before);
    });
  }

  it('a key can only grant scopes it holds itself', async () => {
    const t = await h.register();
    const em = h.orm.em.fork();
    // A key with narrower scopes than tenant:admin, as the service sees it.
    const [{ id: keyId, prefix }] = await h.sql('select id, prefix from api_keys where tenant_id = ?', [t.tenantId]);
    const limited = { keyId, prefix, keyTenantId: t.tenantId, scopes: ['tenant:read', 'memory:read'], environment: 'live' as const, expiresAt: null, operator: false };
    const ctx = { em: em as any, requestId: 'r', ip: '127.0.0.1', principal: limited, tenantId: t.tenantId };
    const before = await countKeys();
    await expect(h.services.apiKeys.create(ctx, { name: 'k', scopes: ['memory:read', 'memory:write'] })).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: 'API key cannot grant a scope it does not hold: memory:write',
    });
    expect(await countKeys()).toBe(before);
    const ok = await h.services.apiKeys.create(ctx, { name: 'k', scopes: ['memory:read'] });
    expect(ok.apiKey.scopes).toEqual(['memory:read']);
  });
});

describe('key lifecycle', () => {
  it('a revoked key is refused at once; revoking is idempotent; listing hides it unless asked', async () => {
    const t = await h.register();
    const created = (await createKey(t.key, { name: 'temp', scopes: ['tenant:read'] })).json();
    expect((await getTenant(created.api_key)).statusCode).toBe(200);
    const del = await h.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${created.key_id}`, headers: auth(t.key) });
    expect(del.statusCode).toBe(200);
    expect(del.json()).toMatchObject({ key_id: created.key_id, revoked_at: expect.stringMatching(/Z$/), success: true });
    const refused = await getTenant(created.api_key);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({ error: 'Unauthorized', message: 'Missing or invalid API key' });
    const again = await h.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${created.key_id}`, headers: auth(t.key) });
    expect(again.json().revoked_at).toBe(del.json().revoked_at);

    const list = (await h.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: auth(t.key) })).json();
    expect(list.api_keys.map((k: any) => k.key_id)).not.toContain(created.key_id);
    expect(JSON.stringify(list)).not.toContain(t.key);
    const all = (await h.app.inject({ method: 'GET', url: '/api/v1/api-keys?include_revoked=true', headers: auth(t.key) })).json();
    expect(all.api_keys.map((k: any) => k.key_id)).toContain(created.key_id);
    const badFlag = await h.app.inject({ method: 'GET', url: '/api/v1/api-keys?include_revoked=maybe', headers: auth(t.key) });
    expect(badFlag.statusCode).toBe(400);
  });

  it('answers 404 for an unknown key id and 400 for a malformed one', async () => {
    const t = await h.register();
    const missing = await h.app.inject({ method: 'DELETE', url: '/api/v1/api-keys/8d3b1d7e-2f7c-4f0e-9b1a-4d6c9a1e0f11', headers: auth(t.key) });
    expect(missing.statusCode).toBe(404);
    const malformed = await h.app.inject({ method: 'DELETE', url: "/api/v1/api-keys/1' or '1'='1", headers: auth(t.key) });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: 'Bad Request', field: 'id' });
  });

  it('an expired key is refused', async () => {
    const t = await h.register();
    const created = (await createKey(t.key, { name: 'short', scopes: ['tenant:read'], expires_at: new Date(Date.now() + 60_000).toISOString() })).json();
    expect((await getTenant(created.api_key)).statusCode).toBe(200);
    await h.sql(`update api_keys set expires_at = now() - interval '1 second' where id = ?`, [created.key_id]);
    expect((await getTenant(created.api_key)).statusCode).toBe(401);
  });

  it("a suspended tenant's keys answer 403, a deleted tenant's keys 401", async () => {
    const t = await h.register();
    await h.sql(`update tenants set status = 'suspended' where id = ?`, [t.tenantId]);
    const suspended = await getTenant(t.key);
    expect(suspended.statusCode).toBe(403);
    expect(suspended.json()).toEqual({ error: 'Forbidden', message: 'Tenant is suspended' });
    await h.sql(`update tenants set status = 'deleted', deleted_at = now() where id = ?`, [t.tenantId]);
    expect((await getTenant(t.key)).statusCode).toBe(401);
  });

  it('refuses a mistyped or forged key without querying the database', async () => {
    const t = await h.register();
    const typo = t.key.slice(0, 20) + (t.key[20] === 'a' ? 'b' : 'a') + t.key.slice(21);
    const connection = h.orm.em.getConnection();
    const spy = vi.spyOn(connection, 'execute');
    try {
      for (const bad of [typo, 'rk_live_' + 'a'.repeat(46), 'sk-aaLRAgvCRJcmtiL2vLMeB1FB5UV0Q', '']) {
        expect((await getTenant(bad)).statusCode).toBe(401);
      }
      expect(spy).not.toHaveBeenCalled();
      // A well-formed key that was never issued costs exactly one query.
      expect((await getTenant(generateKey('rk', 'live').key)).statusCode).toBe(401);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('records last use in batches, off the request path', async () => {
    const t = await h.register();
    await getTenant(t.key);
    const [before] = await h.sql('select last_used_at from api_keys where tenant_id = ?', [t.tenantId]);
    expect(before.last_used_at).toBeNull();
    await h.services.lastUsed.flush();
    const [after] = await h.sql('select last_used_at from api_keys where tenant_id = ?', [t.tenantId]);
    expect(after.last_used_at).not.toBeNull();
    expect(Date.now() - new Date(after.last_used_at).getTime()).toBeLessThan(60_000);
  });

  it('stores no key in clear anywhere in the database', async () => {
    const t = await h.register();
    const extra = (await createKey(t.key, { name: 'x', scopes: ['memory:read'] })).json().api_key;
    const tables = await h.sql<{ tablename: string }>(`select tablename from pg_tables where schemaname = 'public'`);
    for (const { tablename } of tables) {
      const rows = await h.sql<{ row: string }>(`select row_to_json(t)::text as row from "${tablename}" t`);
      const dump = rows.map((r) => r.row).join('\n');
      for (const key of [t.key, extra]) {
        // Neither the key nor its secret body (past the display prefix) may appear.
        expect(dump).not.toContain(key);
        expect(dump).not.toContain(key.slice(12, 40));
      }
    }
  });
});

describe('API keys over GraphQL', () => {
  it('creates, lists and revokes through the same service', async () => {
    const t = await h.register();
    const created = await h.gql(CreateApiKey, { input: { name: 'gql', scopes: ['users:read'], environment: 'TEST' } }, t.key);
    expect(created.errors).toBeUndefined();
    const { key, apiKey } = created.data!.createApiKey;
    expect(key).toMatch(/^rk_test_/);
    expect(apiKey).toMatchObject({ name: 'gql', scopes: ['users:read'], environment: 'TEST' });
    const list = await h.gql(ApiKeys, {}, t.key);
    expect(list.data!.apiKeys.map((k) => k.id)).toContain(apiKey.id);
    const revoked = await h.gql(RevokeApiKey, { id: apiKey.id }, t.key);
    expect(revoked.data!.revokeApiKey.revokedAt).toBeTruthy();
    const after = await h.gql(ApiKeys, { includeRevoked: false }, t.key);
    expect(after.data!.apiKeys.map((k) => k.id)).not.toContain(apiKey.id);
  });

  it('answers BAD_USER_INPUT for bad input and writes nothing', async () => {
    const t = await h.register();
    const before = await countKeys();
    const res = await h.gql(CreateApiKey, { input: { name: 'x', scopes: ['platform:admin'] } }, t.key);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scopes.0' });
    const past = await h.gql(CreateApiKey, { input: { name: 'x', scopes: ['memory:read'], expiresAt: '2001-01-01T00:00:00Z' } }, t.key);
    expect(past.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expiresAt' });
    const badId = await h.gql(RevokeApiKey, { id: 'nope' }, t.key);
    expect(badId.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await countKeys()).toBe(before);
  });
});
