import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { FeedCache } from '../src/db/change-feed';
import { initOrm } from '../src/db/orm';
import { createServices, type Services } from '../src/services';
import { useHarness } from './support/harness';

const h = useHarness();
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

/** A second instance of Tenantry on the same database, as another server would be. */
let other: { app: FastifyInstance; services: Services; close(): Promise<void> };

beforeAll(async () => {
  await h.services.feed.start();
  const orm = await initOrm({ url: h.orm.config.getClientUrl(), poolMax: 3 });
  const services = createServices(orm, h.config, (err) => {
    throw err;
  });
  const app = await buildApp(services);
  await services.feed.start();
  other = { app, services, close: async () => (await app.close(), await orm.close()) };
});
afterAll(async () => {
  await other?.close();
});

const read = (app: FastifyInstance, key: string) => app.inject({ url: '/api/v1/tenant', headers: auth(key) });

async function refusedWithin(app: FastifyInstance, key: string, expected: number): Promise<number> {
  const started = Date.now();
  while ((await read(app, key)).statusCode !== expected) {
    if (Date.now() - started > 5000) throw new Error('still accepted after 5 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}

describe('verified-key cache across instances', () => {
  it('caches verified keys while the change feed listens', async () => {
    const t = await h.register();
    expect((await read(other.app, t.key)).statusCode).toBe(200);
    // Changed behind Tenantry's back (no notification): the cached verification still answers,
    // which is what makes the notification the thing that revokes quickly.
    await h.sql('update api_keys set revoked_at = now() where tenant_id = ?', [t.tenantId]);
    expect((await read(other.app, t.key)).statusCode).toBe(200);
  });

  it('a revoked key is refused at once on its instance and within a second on another', async () => {
    const t = await h.register();
    const victim = await h.keyWith(t, ['tenant:read']);
    expect((await read(h.app, victim)).statusCode).toBe(200);
    expect((await read(other.app, victim)).statusCode).toBe(200);
    const keyId = (await h.sql('select id from api_keys where tenant_id = ? and scopes = ?', [t.tenantId, '{tenant:read}']))[0].id;
    const revoked = await h.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${keyId}`, headers: auth(t.key) });
    expect(revoked.statusCode).toBe(200);
    expect((await read(h.app, victim)).statusCode).toBe(401);
    expect(await refusedWithin(other.app, victim, 401)).toBeLessThan(1000);
  });

  it('a rotation with no grace, and a suspension, reach the other instance within a second', async () => {
    const op = await h.operatorKey();
    const t = await h.register();
    const reader = await h.keyWith(t, ['tenant:read']);
    for (const app of [h.app, other.app]) expect((await read(app, reader)).statusCode).toBe(200);
    const suspended = await h.app.inject({ method: 'POST', url: `/api/v1/tenants/${t.tenantId}/suspend`, headers: auth(op) });
    expect(suspended.statusCode).toBe(200);
    expect((await read(h.app, reader)).statusCode).toBe(403);
    expect(await refusedWithin(other.app, reader, 403)).toBeLessThan(1000);
    await h.app.inject({ method: 'POST', url: `/api/v1/tenants/${t.tenantId}/reactivate`, headers: auth(op) });
    expect(await refusedWithin(other.app, reader, 200)).toBeLessThan(1000);

    const keyId = (await h.sql('select id from api_keys where tenant_id = ? and scopes = ?', [t.tenantId, '{tenant:read}']))[0].id;
    const rotated = await h.app.inject({ method: 'POST', url: `/api/v1/api-keys/${keyId}/rotate`, headers: auth(t.key), payload: { grace_seconds: 0 } });
    expect(rotated.statusCode, rotated.body).toBeLessThan(300);
    expect((await read(h.app, reader)).statusCode).toBe(401);
    expect(await refusedWithin(other.app, reader, 401)).toBeLessThan(1000);
  });

  it("an RBAC change on one instance is seen by the other's permission checks within a second", async () => {
    const t = await h.register();
    const check = (app: FastifyInstance) =>
      app.inject({ method: 'POST', url: '/tenant/rbac/check', headers: auth(t.key), payload: { userId: 'u1', permission: 'publish' } });
    expect((await check(other.app)).json().allowed).toBe(false);
    await h.app.inject({ method: 'PUT', url: '/tenant/rbac/roles/viewer', headers: auth(t.key), payload: { permissions: ['read', 'publish'] } });
    const started = Date.now();
    while (!(await check(other.app)).json().allowed) {
      if (Date.now() - started > 5000) throw new Error('RBAC change not seen after 5 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('tenant reads are cached too; a change is seen at once where it was made and within a second elsewhere', async () => {
    const t = await h.register();
    const name = async (app: FastifyInstance) => (await read(app, t.key)).json().name;
    expect(await name(other.app)).toBe('Test Tenant');
    // Cached: a change behind Tenantry's back is not seen (for up to the 2 s TTL)...
    await h.sql(`update tenants set name = 'Behind the back' where id = ?`, [t.tenantId]);
    expect(await name(other.app)).toBe('Test Tenant');
    // ...but a change through Tenantry is, on both instances.
    const renamed = await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload: { name: 'Renamed' } });
    expect(renamed.statusCode).toBe(200);
    expect(await name(h.app)).toBe('Renamed');
    const started = Date.now();
    while ((await name(other.app)) !== 'Renamed') {
      if (Date.now() - started > 5000) throw new Error('rename not seen after 5 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(Date.now() - started).toBeLessThan(1000);
    const viaGql = await other.app.inject({ method: 'POST', url: '/graphql', headers: { ...auth(t.key), 'content-type': 'application/json' }, payload: { query: '{ tenant { name } }' } });
    expect(viaGql.json().data.tenant.name).toBe('Renamed');
  });

  it("a cached read's answer is made once: the same bytes and headers as a fresh one, new ones after a change", async () => {
    const t = await h.register();
    const first = await read(h.app, t.key);
    const again = await read(h.app, t.key);
    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(first.body);
    for (const res of [first, again]) {
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
    }
    expect(first.json()).toMatchObject({ tenant_id: t.tenantId, name: 'Test Tenant', settings: { retention_days: 30 } });
    await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload: { name: 'Renamed' } });
    expect((await read(h.app, t.key)).json().name).toBe('Renamed');
  });

  it('new limit definitions reach the other instance within a second', async () => {
    const t = await h.register();
    const consume = (app: FastifyInstance) =>
      app.inject({ method: 'POST', url: '/tenant/limits/resources/consume', headers: auth(t.key), payload: { resource: 'llm', metric: 'tokens', amount: 5 } });
    await h.app.inject({ method: 'PUT', url: '/tenant/limits/resources', headers: auth(t.key), payload: [{ resource: 'llm', metric: 'tokens', period: 'day', limit: 100 }] });
    expect((await consume(other.app)).json().allowed).toBe(true);
    await h.app.inject({ method: 'PUT', url: '/tenant/limits/resources', headers: auth(t.key), payload: [{ resource: 'llm', metric: 'tokens', period: 'day', limit: 6 }] });
    expect((await consume(h.app)).json().allowed).toBe(false);
    const started = Date.now();
    while ((await consume(other.app)).json().allowed) {
      if (Date.now() - started > 5000) throw new Error('new limit not seen after 5 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('without a listening feed nothing is cached: every request reads the database', async () => {
    await other.services.feed.stop();
    try {
      const t = await h.register();
      expect((await read(other.app, t.key)).statusCode).toBe(200);
      await h.sql('update api_keys set revoked_at = now() where tenant_id = ?', [t.tenantId]);
      expect((await read(other.app, t.key)).statusCode).toBe(401);
    } finally {
      await other.services.feed.start();
    }
  });
});

describe('a cache miss under load', () => {
  /** The statements `services` sends while `work` runs, by a fragment of their text. */
  async function statements(services: Services, work: () => Promise<unknown>) {
    const sent: string[] = [];
    const knex = services.orm.em.getConnection().getKnex();
    const listener = (q: { sql: string }) => sent.push(q.sql);
    knex.on('query', listener);
    try {
      await work();
    } finally {
      knex.off('query', listener);
    }
    return (fragment: string) => sent.filter((sql) => sql.includes(fragment)).length;
  }

  it('requests that miss together share one read of the key, the tenant and its rate limit', async () => {
    const t = await h.register();
    // The other instance has never seen this key or tenant: all twenty miss at once.
    const count = await statements(other.services, async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, () => read(other.app, t.key)));
      expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(200));
      expect(new Set(answers.map((a) => a.json().tenant_id))).toEqual(new Set([t.tenantId]));
    });
    expect(count('from api_keys k')).toBe(1);
    expect(count('from "tenants"')).toBe(1);
    expect(count('from tenant_configs')).toBe(1);
  });

  it('a key with a bad checksum, or too long, is refused without a database lookup; a good one is looked up once', async () => {
    const t = await h.register();
    const last = t.key.at(-1)!;
    const typo = t.key.slice(0, -1) + (last === 'a' ? 'b' : 'a');
    const count = await statements(other.services, async () => {
      for (const bad of [typo, typo, t.key + 'x'.repeat(200)]) expect((await read(other.app, bad)).statusCode).toBe(401);
    });
    expect(count('from api_keys k')).toBe(0);
    const good = await statements(other.services, async () => {
      for (let i = 0; i < 3; i++) expect((await read(other.app, t.key)).statusCode).toBe(200);
    });
    expect(good('from api_keys k')).toBe(1);
  });

  it('a caller after an invalidation does not join the load in flight, and the raced load is not kept', async () => {
    const cache = new FeedCache<string>(h.services.feed, 60_000, () => true);
    const loads: { resolve: (v: string) => void }[] = [];
    const load = () => new Promise<string>((resolve) => loads.push({ resolve }));
    const first = [cache.get('k', load), cache.get('k', load)];
    expect(loads).toHaveLength(1);
    h.services.feed.local({ kind: 'tenant', id: 'k' });
    const after = cache.get('k', load);
    expect(loads).toHaveLength(2);
    loads[0].resolve('before the change');
    expect(await Promise.all(first)).toEqual(['before the change', 'before the change']);
    // Not kept: a caller now joins the load that began after the change.
    const joined = cache.get('k', load);
    expect(joined).toBeInstanceOf(Promise);
    expect(loads).toHaveLength(2);
    loads[1].resolve('after the change');
    expect(await joined).toBe('after the change');
    expect(await after).toBe('after the change');
    // Kept: the load that began after the change, not the one it raced.
    expect(cache.get('k', load)).toBe('after the change');
    expect(loads).toHaveLength(2);
  });

  it('a failed load is not kept or shared afterwards: the next caller loads again', async () => {
    const cache = new FeedCache<string>(h.services.feed, 60_000, () => true);
    let calls = 0;
    const failing = () => (calls++, Promise.reject(new Error('database unavailable')));
    await expect(Promise.all([cache.get('k', failing), cache.get('k', failing)])).rejects.toThrow('database unavailable');
    expect(calls).toBe(1);
    expect(await cache.get('k', async () => 'loaded')).toBe('loaded');
  });
});
