import { describe, expect, it, vi } from 'vitest';
import { useHarness } from './support/harness';
import { CreateTenant, TenantsWithStats } from './support/operations';

const h = useHarness();

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

describe('tenant stats from metering', () => {
  it('come from tracked usage, over both doors', async () => {
    const t = await h.register();
    for (const [resource, amount] of [['users', 3], ['conversations', 5], ['interactions', 42], ['users', 2]] as const) {
      await h.app.inject({ method: 'POST', url: '/tenant/limits/resources/track', headers: auth(t.key), payload: { resource, metric: 'count', amount } });
    }
    const rest = await h.app.inject({ url: '/api/v1/tenant', headers: auth(t.key) });
    expect(rest.json().stats).toEqual({ user_count: 5, conversation_count: 5, total_interactions: 42, storage_bytes: 0 });
    const op = await h.operatorKey();
    const gql = await h.gql(TenantsWithStats, { first: 100, filter: { search: t.body.data.name } }, op);
    const node = gql.data?.tenants.edges.find((e) => e.node.id === t.tenantId)?.node;
    expect(node?.stats).toEqual({ user_count: 5, conversation_count: 5, total_interactions: 42, storage_bytes: 0 });
  });

  it('a page of tenants with stats costs the same number of queries for 5 tenants as for 60', async () => {
    const op = await h.operatorKey();
    const marker = `Stats${Date.now()}`;
    for (let i = 0; i < 60; i++) await h.gql(CreateTenant, { input: { name: `${marker} ${i}` } }, op);
    const connection = h.orm.em.getConnection();
    const queriesFor = async (first: number) => {
      const spy = vi.spyOn(connection, 'execute');
      try {
        const res = await h.gql(TenantsWithStats, { first, filter: { search: marker } }, op);
        expect(res.data?.tenants.edges).toHaveLength(first);
        return spy.mock.calls.length;
      } finally {
        spy.mockRestore();
      }
    };
    const few = await queriesFor(5);
    const many = await queriesFor(60);
    expect(many).toBe(few);
    // Authentication, the page, its count and the stats: a constant handful.
    expect(many).toBeGreaterThanOrEqual(3);
    expect(many).toBeLessThanOrEqual(5);
  });
});

describe('gauges the data plane sets', () => {
  it('set storage and the user count absolutely, feeding stats and the usage summary', async () => {
    const t = await h.register();
    for (const prefix of ['', '/api/v1']) {
      const res = await h.app.inject({ method: 'PUT', url: `${prefix}/usage/gauges`, headers: auth(t.key), payload: { storage_bytes: 1073741824, user_count: 150 } });
      expect(res.statusCode).toBe(200);
    }
    await h.app.inject({ method: 'PUT', url: '/usage/gauges', headers: auth(t.key), payload: { user_count: 140 } });
    const tenant = await h.app.inject({ url: '/api/v1/tenant', headers: auth(t.key) });
    expect(tenant.json()).toMatchObject({ storage_used: 1073741824, stats: { user_count: 140, storage_bytes: 1073741824 } });
    expect((await h.app.inject({ url: '/usage/summary', headers: auth(t.key) })).json().storage_bytes).toBe(1073741824);
    for (const payload of [{}, { storage_bytes: -1 }, { user_count: 1.5 }, { users: 3 }]) {
      const bad = await h.app.inject({ method: 'PUT', url: '/usage/gauges', headers: auth(t.key), payload });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect((await h.app.inject({ url: '/api/v1/tenant', headers: auth(t.key) })).json().stats.user_count).toBe(140);
  });
});
