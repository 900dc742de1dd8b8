import { describe, expect, it } from 'vitest';
import { uniqueEmail, useHarness } from './support/harness';
import { CurrentTenant, RegisterTenant, UpdateTenant } from './support/operations';

const h = useHarness();

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const countTenants = async () => Number((await h.sql('select count(*)::int as n from tenants'))[0].n);
const countKeys = async () => Number((await h.sql('select count(*)::int as n from api_keys'))[0].n);

describe('POST /api/v1/tenants (register)', () => {
  it("answers the memory API's request with its 201 shape", async () => {
    const email = uniqueEmail();
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      payload: { name: 'My AI Company', email, settings: { retention_days: 90, max_conversations_per_user: 50 } },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      tenant_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      api_key: expect.stringMatching(/^rk_live_[0-9A-Za-z]{46}$/),
      api_key_prefix: expect.stringMatching(/^rk_live_[0-9A-Za-z]{4}$/),
      message: 'Save your API key securely. It will not be shown again.',
      success: true,
    });
    expect(body.api_key.startsWith(body.api_key_prefix)).toBe(true);

    const read = await h.app.inject({ method: 'GET', url: '/api/v1/tenant', headers: auth(body.api_key) });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      tenant_id: body.tenant_id,
      name: 'My AI Company',
      email,
      settings: { retention_days: 90, batch_size: 10, max_conversations_per_user: 50, max_users: 1000, encryption_mode: 'platform' },
      stats: { user_count: 0, conversation_count: 0, total_interactions: 0, storage_bytes: 0 },
      status: 'active',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
    expect(read.json().settings).not.toHaveProperty('webhook_url');
  });

  it("accepts the knowledge-base platform's body and answers the union of both shapes", async () => {
    const retriever_engines = {
      engines: [
        { retriever_type: 'keywords', retriever_engine_type: 'postgres' },
        { retriever_type: 'vector', retriever_engine_type: 'postgres' },
      ],
    };
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      payload: { name: 'weknora', description: 'weknora tenants', business: 'wechat', retriever_engines },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.success).toBe(true);
    expect(body.data).toMatchObject({
      id: body.tenant_id,
      name: 'weknora',
      description: 'weknora tenants',
      api_key: body.api_key,
      status: 'active',
      retriever_engines,
      business: 'wechat',
      storage_quota: 10737418240,
      storage_used: 0,
      deleted_at: null,
    });
    const read = await h.app.inject({ method: 'GET', url: '/api/v1/tenant', headers: auth(body.api_key) });
    expect(read.json()).toMatchObject({ email: null, retriever_engines, business: 'wechat' });
  });

  it('refuses a second tenant with the same email in any case, and two racing for one email get one 201', async () => {
    const email = uniqueEmail();
    await h.register({ email });
    const before = await countTenants();
    const dup = await h.app.inject({ method: 'POST', url: '/api/v1/tenants', payload: { name: 'x', email: email.toUpperCase() } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ error: 'Conflict', message: 'A tenant with this email already exists', field: 'email' });
    expect(await countTenants()).toBe(before);

    const raced = uniqueEmail();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        h.app.inject({ method: 'POST', url: '/api/v1/tenants', payload: { name: 'race', email: raced } }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const rows = await h.sql('select id from tenants where lower(email) = lower(?)', [raced]);
    expect(rows).toHaveLength(1);
  });

  const badBodies: [string, unknown, string][] = [
    ['missing name', { email: 'a@example.com' }, 'name'],
    ['empty name', { name: '   ' }, 'name'],
    ['oversized name', { name: 'x'.repeat(201) }, 'name'],
    ['name of the wrong type', { name: 42 }, 'name'],
    ['invalid email', { name: 'x', email: 'not-an-email' }, 'email'],
    ['settings not an object', { name: 'x', settings: 'yes' }, 'settings'],
    ['unknown settings key', { name: 'x', settings: { retention_dayz: 5 } }, 'settings.retention_dayz'],
    ['retention_days below range', { name: 'x', settings: { retention_days: 0 } }, 'settings.retention_days'],
    ['retention_days above range', { name: 'x', settings: { retention_days: 99999 } }, 'settings.retention_days'],
    ['fractional batch_size', { name: 'x', settings: { batch_size: 2.5 } }, 'settings.batch_size'],
    ['numeric string setting', { name: 'x', settings: { max_users: '10' } }, 'settings.max_users'],
    ['unknown encryption_mode', { name: 'x', settings: { encryption_mode: 'rot13' } }, 'settings.encryption_mode'],
    ['relative webhook_url', { name: 'x', settings: { webhook_url: '/hook' } }, 'settings.webhook_url'],
    ['loopback webhook_url', { name: 'x', settings: { webhook_url: 'http://0x7f000001:8080/hook' } }, 'settings.webhook_url'],
    ['metadata webhook_url', { name: 'x', settings: { webhook_url: 'http://169.254.169.254/' } }, 'settings.webhook_url'],
    ['webhook_events not a list', { name: 'x', settings: { webhook_events: 'memory.ingested' } }, 'settings.webhook_events'],
    ['malformed event name', { name: 'x', settings: { webhook_events: ['Memory Ingested'] } }, 'settings.webhook_events.0'],
    ['unknown top-level field', { name: 'x', colour: 'blue' }, 'colour'],
    ['bad retriever_engines', { name: 'x', retriever_engines: { engines: [{ retriever_type: 1 }] } }, 'retriever_engines'],
    ['a JSON array', [{ name: 'x' }], 'body'],
    ['a JSON string', JSON.stringify('x'), 'body'],
  ];

  for (const [label, payload, field] of badBodies) {
    it(`answers 400 naming the field for ${label}, and writes nothing`, async () => {
      const [tenants, keys] = [await countTenants(), await countKeys()];
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/tenants',
        headers: { 'content-type': 'application/json' },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.error).toBe('Bad Request');
      expect(body.message).toContain(field.split('.')[0]);
      expect(body.field.startsWith(field)).toBe(true);
      expect(body.message).not.toMatch(/at \w+ \(|node_modules/);
      expect([await countTenants(), await countKeys()]).toEqual([tenants, keys]);
    });
  }

  it('answers 400 for malformed JSON, 413 for an oversized body, 415 for an unknown media type', async () => {
    const before = await countTenants();
    const malformed = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: 'Bad Request', message: expect.stringMatching(/JSON/) });

    const huge = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      payload: { name: 'x', description: 'y'.repeat(2 * 1024 * 1024) },
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error).toBe('Payload Too Large');

    const xml = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: { 'content-type': 'application/xml' },
      payload: '<name>x</name>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error).toBe('Unsupported Media Type');

    const proto = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"x","__proto__":{"admin":true}}',
    });
    expect(proto.statusCode).toBe(400);
    expect(await countTenants()).toBe(before);
  });
});

describe('PATCH /api/v1/tenant', () => {
  it("merges settings key by key, as the reference's request shows", async () => {
    const t = await h.register({ settings: { retention_days: 90, max_conversations_per_user: 50, batch_size: 20 } });
    const res = await h.app.inject({
      method: 'PATCH',
      url: '/api/v1/tenant',
      headers: auth(t.key),
      payload: {
        name: 'My AI Company Inc.',
        settings: {
          retention_days: 180,
          max_conversations_per_user: 100,
          webhook_url: 'https://api.example.com/webhook',
          webhook_events: ['memory.ingested', 'conversation.created'],
        },
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: 'My AI Company Inc.',
      settings: {
        retention_days: 180,
        batch_size: 20,
        max_conversations_per_user: 100,
        max_users: 1000,
        encryption_mode: 'platform',
        webhook_url: 'https://api.example.com/webhook',
        webhook_events: ['memory.ingested', 'conversation.created'],
      },
    });
    const cleared = await h.app.inject({
      method: 'PATCH',
      url: '/api/v1/tenant',
      headers: auth(t.key),
      payload: { settings: { webhook_url: null } },
    });
    expect(cleared.json().settings).not.toHaveProperty('webhook_url');
    expect(cleared.json().settings.webhook_events).toEqual(['memory.ingested', 'conversation.created']);
    expect(cleared.json().name).toBe('My AI Company Inc.');
  });

  it('changes nothing on bad input, and refuses an email another tenant holds', async () => {
    const other = await h.register();
    const t = await h.register();
    const [before] = await h.sql('select * from tenants where id = ?', [t.tenantId]);
    const bad: unknown[] = [
      { name: 'ok', settings: { retention_days: -1 } },
      { settings: { max_users: 10, nope: true } },
      { name: '' },
      { email: 'nope' },
      { status: 'paused' },
      [],
    ];
    for (const payload of bad) {
      const res = await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    // The operator's fields: a tenant key may not change them.
    for (const payload of [{ status: 'suspended' }, { plan: 'enterprise' }, { storage_quota: 0 }]) {
      const res = await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(403);
      expect(res.json().message).toMatch(/^Only platform operators can change (status|plan|storage_quota)$/);
    }
    const taken = await h.app.inject({
      method: 'PATCH',
      url: '/api/v1/tenant',
      headers: auth(t.key),
      payload: { name: 'renamed', email: (await h.sql('select email from tenants where id = ?', [other.tenantId]))[0].email.toUpperCase() },
    });
    expect(taken.statusCode).toBe(409);
    const [after] = await h.sql('select * from tenants where id = ?', [t.tenantId]);
    expect(after).toEqual(before);

    const ownEmail = (before.email as string).toUpperCase();
    const sameInOtherCase = await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload: { email: ownEmail } });
    expect(sameInOtherCase.statusCode).toBe(200);
  });
});

describe('tenant over GraphQL', () => {
  it('registers, reads and updates through the same rules as REST', async () => {
    const email = uniqueEmail();
    const reg = await h.gql(RegisterTenant, { input: { name: 'GQL Co', email, settings: { retention_days: 7 } } });
    expect(reg.errors).toBeUndefined();
    const { key, tenant, apiKey } = reg.data!.registerTenant;
    expect(apiKey.scopes).toEqual(['tenant:admin']);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    expect(tenant).toMatchObject({ name: 'GQL Co', email, status: 'ACTIVE', plan: 'free', storageQuota: 10737418240 });
    expect(tenant.settings).toMatchObject({ retention_days: 7, batch_size: 10, encryption_mode: 'PLATFORM' });

    const upd = await h.gql(UpdateTenant, { input: { settings: { batch_size: 50, webhook_events: ['memory.ingested'] } } }, key);
    expect(upd.errors).toBeUndefined();
    expect(upd.data!.updateTenant.settings).toMatchObject({ retention_days: 7, batch_size: 50, webhook_events: ['memory.ingested'] });

    const read = await h.gql(CurrentTenant, {}, key);
    expect(read.data!.tenant.stats).toEqual({ user_count: 0, conversation_count: 0, total_interactions: 0, storage_bytes: 0 });

    const dup = await h.gql(RegisterTenant, { input: { name: 'again', email: email.toUpperCase() } });
    expect(dup.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'email' });
  });

  it('answers BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const t = await h.register();
    const before = await countTenants();
    const reg = await h.gql(RegisterTenant, { input: { name: 'x', settings: { retention_days: 0 } } });
    expect(reg.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'settings.retention_days' });
    const reg2 = await h.gql(RegisterTenant, { input: { name: '' } });
    expect(reg2.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    const wrongType = await h.gql(RegisterTenant, { input: { name: 'x', settings: { retention_days: 'many' } } } as any);
    expect(wrongType.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(wrongType.status).toBe(400);
    const badEmail = await h.gql(RegisterTenant, { input: { name: 'x', email: 'nope' } });
    expect(badEmail.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await countTenants()).toBe(before);

    const [row] = await h.sql('select settings from tenants where id = ?', [t.tenantId]);
    const upd = await h.gql(UpdateTenant, { input: { settings: { max_users: 0 } } }, t.key);
    expect(upd.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'settings.max_users' });
    expect((await h.sql('select settings from tenants where id = ?', [t.tenantId]))[0]).toEqual(row);
  });

  it('shows the same normalised URL through both doors, and refuses non-http schemes', async () => {
    const t = await h.register();
    const upd = await h.gql(UpdateTenant, { input: { logo: 'https://cdn.example.com', settings: { webhook_url: 'HTTPS://Example.com' } } }, t.key);
    expect(upd.errors).toBeUndefined();
    expect(upd.data!.updateTenant.settings.webhook_url).toBe('https://example.com/');
    const rest = await h.app.inject({ method: 'GET', url: '/api/v1/tenant', headers: auth(t.key) });
    expect(rest.json()).toMatchObject({ logo: 'https://cdn.example.com/', settings: { webhook_url: 'https://example.com/' } });
    expect(Object.keys(rest.json().settings)).toEqual(['retention_days', 'batch_size', 'max_conversations_per_user', 'max_users', 'encryption_mode', 'webhook_url']);
    const ftp = await h.gql(UpdateTenant, { input: { settings: { webhook_url: 'ftp://example.com/x' } } }, t.key);
    expect(ftp.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'settings.webhook_url' });
  });
});
