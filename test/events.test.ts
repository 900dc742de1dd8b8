import { describe, expect, it } from 'vitest';
import { useHarness, type Registered } from './support/harness';
import { EventCatalog, Events, PublishEvent } from './support/operations';

const h = useHarness();

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const eventsOf = async (t: Registered) =>
  h.sql<{ type: string; data: any }>('select type, data from events where tenant_id = ? order by occurred_at, id', [t.tenantId]);

describe('the event outbox', () => {
  it('gets an event for every change in the catalog, in the same transaction, with no secret in it', async () => {
    const t = await h.register();
    await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload: { name: 'Renamed' } });
    const created = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(t.key), payload: { name: 'k', scopes: ['memory:read'] } });
    await h.app.inject({ method: 'POST', url: '/tenant/secrets', headers: auth(t.key), payload: { key: 'TOKEN', value: 'super-secret-value' } });
    await h.app.inject({ method: 'POST', url: '/tenant/config', headers: auth(t.key), payload: { cache: { enabled: true } } });
    await h.app.inject({ method: 'POST', url: '/tenant/rbac/roles', headers: auth(t.key), payload: { name: 'editor', permissions: ['write'] } });
    const events = await eventsOf(t);
    expect(events.map((e) => e.type)).toEqual(['tenant.updated', 'api_key.created', 'secret.updated', 'config.updated', 'role.created']);
    expect(events[0].data).toMatchObject({ target: { type: 'tenant', id: t.tenantId }, changes: { name: { from: 'Test Tenant', to: 'Renamed' } }, actor: { type: 'key' } });
    const dump = JSON.stringify(events);
    expect(dump).not.toContain('super-secret-value');
    expect(dump).not.toContain(created.json().api_key);

    // A failed change writes no event.
    const before = events.length;
    await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload: { settings: { retention_days: 0 } } });
    expect(await eventsOf(t)).toHaveLength(before);
  });

  it('lists events over both doors in the webhook payload shape; tenants see only their own', async () => {
    const t = await h.register();
    const other = await h.register();
    await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(other.key), payload: { name: 'Other' } });
    await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload: { name: 'Mine' } });
    const rest = await h.app.inject({ url: '/api/v1/events', headers: auth(t.key) });
    expect(rest.json().events).toEqual([
      { type: 'tenant.updated', id: expect.any(String), tenant_id: t.tenantId, occurred_at: expect.stringMatching(/Z$/), data: expect.any(Object) },
    ]);
    const gql = await h.gql(Events, { type: 'tenant.updated' }, t.key);
    expect(gql.data?.events.events.map((e) => e.tenant_id)).toEqual([t.tenantId]);
  });

  it('publishes data-plane events; refuses reserved or malformed types and oversized data', async () => {
    const t = await h.register();
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/events', headers: auth(t.key), payload: { type: 'memory.ingested', data: { memory_id: 'm-1' } } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ type: 'memory.ingested', tenant_id: t.tenantId, data: { memory_id: 'm-1' } });
    const gql = await h.gql(PublishEvent, { type: 'conversation.created' }, t.key);
    expect(gql.data?.publishEvent).toMatchObject({ type: 'conversation.created', data: {} });
    const before = (await eventsOf(t)).length;
    for (const [payload, field] of [
      [{ type: 'tenant.deleted' }, 'type'],
      [{ type: 'api_key.leaked' }, 'type'],
      [{ type: 'Memory Ingested' }, 'type'],
      [{ type: 'memory' }, 'type'],
      [{ type: 'memory.ingested', data: 'text' }, 'data'],
      [{ type: 'memory.ingested', data: { blob: 'x'.repeat(70 * 1024) } }, 'data'],
      [{ type: 'memory.ingested', extra: 1 }, 'extra'],
    ] as const) {
      const bad = await h.app.inject({ method: 'POST', url: '/api/v1/events', headers: auth(t.key), payload });
      expect(bad.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(400);
      expect(bad.json().field).toBe(field);
    }
    expect(await eventsOf(t)).toHaveLength(before);
  });

  it('has a public catalog', async () => {
    const res = await h.app.inject({ url: '/api/v1/events/catalog' });
    expect(res.json().events.map((e: any) => e.type)).toEqual(expect.arrayContaining(['tenant.updated', 'api_key.rotated', 'limit.exceeded']));
    expect((await h.gql(EventCatalog, {})).data?.eventCatalog.length).toBe(res.json().events.length);
  });
});

describe('limit threshold events', () => {
  it('crossing 80% and 100% emits one event each per window, however often and concurrently crossed', async () => {
    const t = await h.register();
    await h.app.inject({ method: 'PUT', url: '/tenant/limits/resources', headers: auth(t.key), payload: [{ resource: 'llm', metric: 'tokens', period: 'month', limit: 100 }] });
    await h.app.inject({ method: 'POST', url: '/tenant/limits/resources/track', headers: auth(t.key), payload: { resource: 'llm', metric: 'tokens', amount: 50 } });
    await Promise.all(
      Array.from({ length: 20 }, () =>
        h.app.inject({ method: 'POST', url: '/tenant/limits/resources/track', headers: auth(t.key), payload: { resource: 'llm', metric: 'tokens', amount: 5 } }),
      ),
    );
    const limitEvents = (await eventsOf(t)).filter((e) => e.type.startsWith('limit.'));
    expect(limitEvents.map((e) => e.type)).toEqual(['limit.threshold_reached', 'limit.exceeded']);
    expect(limitEvents[0].data).toMatchObject({ resource: 'llm', metric: 'tokens', period: 'month', limit: 100, threshold: 0.8 });
    expect(limitEvents[1].data.current).toBeGreaterThanOrEqual(100);
  });
});
