import { describe, expect, it } from 'vitest';
import { generateKey } from '../src/auth/key-format';
import { LastUsedRecorder } from '../src/modules/api-keys/last-used';
import { useHarness } from './support/harness';
import { CreateOperatorKey, OperatorKeys, RenameApiKey, ReportLeakedKey, RevokeOperatorKey, RotateApiKey } from './support/operations';

const h = useHarness();

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const read = (key: string) => h.app.inject({ url: '/api/v1/tenant', headers: auth(key) });

async function keyOf(tenantKey: string, payload: object = { name: 'svc', scopes: ['tenant:read'] }) {
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(tenantKey), payload });
  return res.json() as { key_id: string; api_key: string; expires_at: string | null };
}

describe('rotation', () => {
  it('without grace: the old key stops at once, the new one works with the same name and scopes', async () => {
    const t = await h.register();
    const old = await keyOf(t.key);
    const res = await h.app.inject({ method: 'POST', url: `/api/v1/api-keys/${old.key_id}/rotate`, headers: auth(t.key) });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ name: 'svc', scopes: ['tenant:read'], api_key: expect.stringMatching(/^rk_live_/) });
    expect(body.previous).toMatchObject({ key_id: old.key_id, replaced_by: body.key_id, rotated_at: expect.any(String), revoked_at: expect.any(String) });
    expect((await read(old.api_key)).statusCode).toBe(401);
    expect((await read(body.api_key)).statusCode).toBe(200);
  });

  it('with grace: both keys work until the grace ends, then only the new one', async () => {
    const t = await h.register();
    const old = await keyOf(t.key);
    const res = await h.gql(RotateApiKey, { id: old.key_id, graceSeconds: 300 }, t.key);
    expect(res.errors).toBeUndefined();
    const { key, previous } = res.data!.rotateApiKey;
    const graceEnd = new Date(previous.expiresAt!).getTime();
    expect(graceEnd - Date.now()).toBeGreaterThan(290_000);
    expect(graceEnd - Date.now()).toBeLessThanOrEqual(300_000);
    expect(previous.revokedAt).toBeNull();
    expect((await read(old.api_key)).statusCode).toBe(200);
    expect((await read(key)).statusCode).toBe(200);
    // The grace period ends (moved into the past rather than waited for).
    await h.sql(`update api_keys set expires_at = now() - interval '1 second' where id = ?`, [old.key_id]);
    expect((await read(old.api_key)).statusCode).toBe(401);
    expect((await read(key)).statusCode).toBe(200);
  });

  it("keeps the old key's own expiry when it comes before the grace ends, and the new key inherits it", async () => {
    const t = await h.register();
    const expires = new Date(Date.now() + 60_000).toISOString();
    const old = await keyOf(t.key, { name: 'short', scopes: ['tenant:read'], expires_at: expires });
    const res = await h.app.inject({ method: 'POST', url: `/api/v1/api-keys/${old.key_id}/rotate`, headers: auth(t.key), payload: { grace_seconds: 3600 } });
    expect(res.json().expires_at).toBe(expires);
    expect(res.json().previous.expires_at).toBe(expires);
  });

  it('refuses a second rotation, a revoked key, and bad grace periods, changing nothing', async () => {
    const t = await h.register();
    const old = await keyOf(t.key);
    const count = async () => (await h.sql('select count(*)::int as n from api_keys where tenant_id = ?', [t.tenantId]))[0].n;
    await h.app.inject({ method: 'POST', url: `/api/v1/api-keys/${old.key_id}/rotate`, headers: auth(t.key), payload: { grace_seconds: 60 } });
    const before = await count();
    const twice = await h.app.inject({ method: 'POST', url: `/api/v1/api-keys/${old.key_id}/rotate`, headers: auth(t.key) });
    expect(twice.statusCode).toBe(409);
    const revoked = await keyOf(t.key);
    await h.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${revoked.key_id}`, headers: auth(t.key) });
    const afterRevoke = await count();
    expect((await h.app.inject({ method: 'POST', url: `/api/v1/api-keys/${revoked.key_id}/rotate`, headers: auth(t.key) })).statusCode).toBe(409);
    const fresh = await keyOf(t.key);
    for (const grace of [-1, 604801, 1.5, '60']) {
      const res = await h.app.inject({ method: 'POST', url: `/api/v1/api-keys/${fresh.key_id}/rotate`, headers: auth(t.key), payload: { grace_seconds: grace } });
      expect(res.statusCode, String(grace)).toBe(400);
      expect(res.json().field).toBe('grace_seconds');
    }
    expect(await count()).toBe(afterRevoke + 1);
    expect(before).toBeLessThan(afterRevoke);
    expect((await read(fresh.api_key)).statusCode).toBe(200);
  });
});

describe('rename and expiry', () => {
  it('renames over both doors; a revoked key cannot be renamed; names are validated', async () => {
    const t = await h.register();
    const k = await keyOf(t.key);
    const rest = await h.app.inject({ method: 'PATCH', url: `/api/v1/api-keys/${k.key_id}`, headers: auth(t.key), payload: { name: 'reporting' } });
    expect(rest.json().name).toBe('reporting');
    const gql = await h.gql(RenameApiKey, { id: k.key_id, name: 'billing' }, t.key);
    expect(gql.data?.renameApiKey.name).toBe('billing');
    for (const name of ['', ' ', 'x'.repeat(101)]) {
      const bad = await h.gql(RenameApiKey, { id: k.key_id, name }, t.key);
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    }
    await h.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${k.key_id}`, headers: auth(t.key) });
    const afterRevoke = await h.app.inject({ method: 'PATCH', url: `/api/v1/api-keys/${k.key_id}`, headers: auth(t.key), payload: { name: 'x' } });
    expect(afterRevoke.statusCode).toBe(409);
    expect((await h.sql('select name from api_keys where id = ?', [k.key_id]))[0].name).toBe('billing');
  });

  it('an expired key stops working at its expiry', async () => {
    const t = await h.register();
    // Long enough for a loaded machine to create it and read once; short enough that the key is
    // still in the 5-second cache when it expires, so the cached entry is what must refuse it.
    const k = await keyOf(t.key, { name: 'soon', scopes: ['tenant:read'], expires_at: new Date(Date.now() + 4000).toISOString() });
    expect((await read(k.api_key)).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, new Date(k.expires_at!).getTime() - Date.now() + 100));
    expect((await read(k.api_key)).statusCode).toBe(401);
  });
});

describe('leaked keys', () => {
  it('revokes a reported key; answers the same for unknown keys; refuses malformed ones; needs no auth', async () => {
    const t = await h.register();
    const k = await keyOf(t.key);
    const report = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys/leaked', payload: { key: k.api_key } });
    expect(report.statusCode).toBe(202);
    expect((await read(k.api_key)).statusCode).toBe(401);
    const unknown = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys/leaked', payload: { key: generateKey('rk', 'live').key } });
    expect([unknown.statusCode, unknown.body]).toEqual([report.statusCode, report.body]);
    const again = await h.gql(ReportLeakedKey, { key: k.api_key });
    expect(again.data?.reportLeakedKey).toBe(true);
    const malformed = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys/leaked', payload: { key: 'rk_live_typo' } });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().field).toBe('key');
    // The admin key was not touched.
    expect((await read(t.key)).statusCode).toBe(200);
  });
});

describe('operator keys', () => {
  it('are created, listed and revoked by operators, and work as operators', async () => {
    const op = await h.operatorKey();
    const created = await h.gql(CreateOperatorKey, { input: { name: 'second operator' } }, op);
    const second = created.data!.createOperatorKey;
    expect(second.apiKey.scopes).toEqual(['platform:admin']);
    const listed = await h.gql(OperatorKeys, {}, second.key);
    expect(listed.data?.operatorKeys.map((k) => k.id)).toContain(second.apiKey.id);
    const revoked = await h.gql(RevokeOperatorKey, { id: second.apiKey.id }, op);
    expect(revoked.data?.revokeOperatorKey.revokedAt).toBeTruthy();
    expect((await h.gql(OperatorKeys, {}, second.key)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const t = await h.register();
    const [tenantKey] = await h.sql('select id from api_keys where tenant_id = ?', [t.tenantId]);
    const notOperator = await h.gql(RevokeOperatorKey, { id: tenantKey.id }, op);
    expect(notOperator.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('last use', () => {
  it('is queued at most once a minute per key', async () => {
    const recorder = new LastUsedRecorder(h.orm, (err) => {
      throw err;
    });
    const t = await h.register();
    const [{ id }] = await h.sql('select id from api_keys where tenant_id = ?', [t.tenantId]);
    const start = new Date('2030-01-01T00:00:00Z');
    recorder.mark(id, start.getTime());
    recorder.mark(id, start.getTime() + 30_000);
    await recorder.flush();
    const [first] = await h.sql('select last_used_at from api_keys where id = ?', [id]);
    expect(new Date(first.last_used_at).toISOString()).toBe(start.toISOString());
    recorder.mark(id, start.getTime() + 61_000);
    await recorder.flush();
    const [second] = await h.sql('select last_used_at from api_keys where id = ?', [id]);
    expect(new Date(second.last_used_at).getTime()).toBe(start.getTime() + 61_000);
  });
});
