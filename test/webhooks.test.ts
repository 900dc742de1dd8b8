import { Client } from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initOrm } from '../src/db/orm';
import { DeliveryWorker, type WorkerOptions } from '../src/modules/webhooks/delivery-worker';
import { WebhookSender } from '../src/modules/webhooks/sender';
import { verify } from '../src/modules/webhooks/signature';
import { useHarness, type Registered } from './support/harness';
import { startReceiver, type Receiver } from './support/receiver';
import { until } from './support/server-process';
import { securityTests } from './support/security';
import {
  CreateWebhook,
  DeleteWebhook,
  RedeliverWebhook,
  RotateWebhookSecret,
  UpdateWebhook,
  Webhook,
  WebhookDeliveries,
  Webhooks,
  WebhookSecret,
} from './support/operations';

const h = useHarness({ TENANTRY_WEBHOOK_ALLOW_PRIVATE: 'true' });

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const receivers: Receiver[] = [];
const receiver = async (reply?: Receiver['reply']) => {
  const r = await startReceiver(reply);
  receivers.push(r);
  return r;
};

/** A worker with a short schedule, driven round by round by the test. */
const worker = (options: WorkerOptions & { timeoutSeconds?: number } = {}, orm = h.orm) =>
  new DeliveryWorker(orm, h.services.secrets, h.services.audit, new WebhookSender(true, (options.timeoutSeconds ?? 2) * 1000), (err) => {
    throw err;
  }, { timeoutSeconds: 2, retryDelaysSeconds: [0, 0], jitter: 0, ...options });

/** Rounds until nothing is left to dispatch or deliver. */
async function drain(w: DeliveryWorker, rounds = 10) {
  for (let i = 0; i < rounds; i++) {
    const { dispatched, delivered } = await w.runOnce();
    if (!dispatched && !delivered) return;
  }
}

async function createWebhook(t: Registered, payload: Record<string, unknown>) {
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(t.key), payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; secret: string; [k: string]: unknown };
}

const rename = (t: Registered, name: string) => h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload: { name } });
const publish = (t: Registered, type: string, data: Record<string, unknown> = {}) =>
  h.app.inject({ method: 'POST', url: '/api/v1/events', headers: auth(t.key), payload: { type, data } });
const deliveries = async (t: Registered, id: string, query = '') =>
  (await h.app.inject({ url: `/api/v1/webhooks/${id}/deliveries${query}`, headers: auth(t.key) })).json().deliveries as any[];

beforeEach(async () => {
  // Each test starts with nothing queued from an earlier one (their receivers are gone).
  await h.sql(`update webhook_deliveries set status = 'cancelled' where status = 'pending'`);
  await h.sql('update events set dispatched_at = now() where dispatched_at is null');
});
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('managed endpoints', () => {
  it('create (secret shown once), list, get, update, disable, delete over REST; every change audited', async () => {
    const t = await h.register();
    const created = await createWebhook(t, { url: 'https://hooks.example.com/a', description: 'CRM', events: ['memory.ingested', 'role.*'] });
    expect(created).toMatchObject({ url: 'https://hooks.example.com/a', description: 'CRM', events: ['memory.ingested', 'role.*'], source: 'api', enabled: true, status: 'active' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

    const list = await h.app.inject({ url: '/api/v1/webhooks', headers: auth(t.key) });
    expect(list.json().webhooks.map((w: any) => w.id)).toEqual([created.id]);
    expect(list.body).not.toContain(created.secret);
    const one = await h.app.inject({ url: `/api/v1/webhooks/${created.id}`, headers: auth(t.key) });
    expect(one.json().id).toBe(created.id);
    expect(one.json().secret).toBeUndefined();

    const secret = await h.app.inject({ url: `/api/v1/webhooks/${created.id}/secret`, headers: auth(t.key) });
    expect(secret.json()).toEqual({ secret: created.secret });

    const updated = await h.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${created.id}`, headers: auth(t.key), payload: { events: [], enabled: false } });
    expect(updated.json()).toMatchObject({ events: [], enabled: false, status: 'disabled', disabled_reason: 'disabled by a user' });
    const enabled = await h.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${created.id}`, headers: auth(t.key), payload: { enabled: true } });
    expect(enabled.json()).toMatchObject({ enabled: true, disabled_reason: null });

    const del = await h.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${created.id}`, headers: auth(t.key) });
    expect(del.json()).toEqual({ success: true, message: 'Webhook deleted' });
    expect((await h.app.inject({ url: `/api/v1/webhooks/${created.id}`, headers: auth(t.key) })).statusCode).toBe(404);

    const actions = await h.sql<{ action: string; changes: unknown }>('select action, changes from audit_events where tenant_id = ? and target_type = ? order by created_at, id', [t.tenantId, 'webhook']);
    expect(actions.map((a) => a.action)).toEqual(['webhook.created', 'webhook.secret_read', 'webhook.updated', 'webhook.updated', 'webhook.deleted']);
    expect(JSON.stringify(actions)).not.toContain(created.secret);
  });

  it('the same over GraphQL, through the same service', async () => {
    const t = await h.register();
    const created = await h.gql(CreateWebhook, { input: { url: 'https://hooks.example.com/g', events: ['tenant.updated'] } }, t.key);
    const { webhook, secret } = created.data!.createWebhook;
    expect(webhook).toMatchObject({ url: 'https://hooks.example.com/g', events: ['tenant.updated'], source: 'api', enabled: true });
    expect((await h.gql(WebhookSecret, { id: webhook.id }, t.key)).data?.webhookSecret).toBe(secret);
    expect((await h.gql(Webhooks, {}, t.key)).data?.webhooks.map((w) => w.id)).toEqual([webhook.id]);
    expect((await h.gql(Webhook, { id: webhook.id }, t.key)).data?.webhook.status).toBe('active');
    const updated = await h.gql(UpdateWebhook, { id: webhook.id, input: { url: 'https://hooks.example.com/h', description: 'moved' } }, t.key);
    expect(updated.data?.updateWebhook).toMatchObject({ url: 'https://hooks.example.com/h', description: 'moved' });
    const rotated = await h.gql(RotateWebhookSecret, { id: webhook.id, graceSeconds: 60 }, t.key);
    expect(rotated.data?.rotateWebhookSecret.secret).toMatch(/^whsec_/);
    expect(rotated.data?.rotateWebhookSecret.secret).not.toBe(secret);
    expect(rotated.data?.rotateWebhookSecret.webhook.previousSecretExpiresAt).toBeTruthy();
    expect((await h.gql(DeleteWebhook, { id: webhook.id }, t.key)).data?.deleteWebhook.id).toBe(webhook.id);
    expect((await h.gql(Webhooks, {}, t.key)).data?.webhooks).toEqual([]);
  });

  it('refuses bad input with 400 naming the field, and writes nothing', async () => {
    const t = await h.register();
    const bad: [Record<string, unknown>, string][] = [
      [{}, 'url'],
      [{ url: 'ftp://hooks.example.com/' }, 'url'],
      [{ url: 'https://user:pw@hooks.example.com/' }, 'url'],
      [{ url: 'x'.repeat(3000) }, 'url'],
      [{ url: 'https://hooks.example.com/' + 'é'.repeat(1000) }, 'url'],
      [{ url: 'https://hooks.example.com/', events: ['Not An Event'] }, 'events.0'],
      [{ url: 'https://hooks.example.com/', events: 'tenant.updated' }, 'events'],
      [{ url: 'https://hooks.example.com/', events: ['a.b', 'a.b'] }, 'events'],
      [{ url: 'https://hooks.example.com/', description: 'd'.repeat(501) }, 'description'],
      [{ url: 'https://hooks.example.com/', enabled: 'yes' }, 'enabled'],
      [{ url: 'https://hooks.example.com/', secret: 'whsec_mine' }, 'secret'],
    ];
    for (const [payload, field] of bad) {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(t.key), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().problems?.map((p: any) => p.field) ?? [res.json().field], JSON.stringify(payload)).toContain(field);
    }
    const w = await createWebhook(t, { url: 'https://hooks.example.com/ok' });
    const badUpdates: [Record<string, unknown>, string][] = [
      [{ url: 'javascript:alert(1)' }, 'url'],
      [{ events: [''] }, 'events.0'],
      [{ enabled: null }, 'enabled'],
    ];
    for (const [payload, field] of badUpdates) {
      const res = await h.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${w.id}`, headers: auth(t.key), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().problems.map((p: any) => p.field)).toContain(field);
    }
    const rotate = await h.app.inject({ method: 'POST', url: `/api/v1/webhooks/${w.id}/rotate-secret`, headers: auth(t.key), payload: { grace_seconds: -1 } });
    expect(rotate.statusCode).toBe(400);
    expect(rotate.json().problems[0].field).toBe('grace_seconds');
    const status = await h.app.inject({ url: `/api/v1/webhooks/${w.id}/deliveries?status=lost`, headers: auth(t.key) });
    expect(status.statusCode).toBe(400);
    for (const url of ['/api/v1/webhooks/not-a-uuid', `/api/v1/webhooks/${w.id}/deliveries/not-a-uuid/redeliver`]) {
      const res = await h.app.inject({ method: url.endsWith('redeliver') ? 'POST' : 'GET', url, headers: auth(t.key) });
      expect(res.statusCode, url).toBe(404);
    }
    const rows = await h.sql<{ n: number; url: string }>('select count(*)::int as n, min(url) as url from webhook_endpoints where tenant_id = ?', [t.tenantId]);
    expect(rows[0]).toEqual({ n: 1, url: 'https://hooks.example.com/ok' });
    expect((await h.gql(CreateWebhook, { input: { url: 'gopher://x' } }, t.key)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('caps endpoints per tenant with 409', async () => {
    const t = await h.register();
    await h.sql(
      `insert into webhook_endpoints (id, tenant_id, url, event_types, secret) select gen_random_uuid(), ?, 'https://h.example.com/' || i, '[]', '\\x00' from generate_series(1, 20) i`,
      [t.tenantId],
    );
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(t.key), payload: { url: 'https://hooks.example.com/21' } });
    expect(res.statusCode).toBe(409);
  });

  it("mirrors settings.webhook_url and webhook_events as the tenant's settings endpoint", async () => {
    const t = await h.register({ settings: { webhook_url: 'https://hooks.example.com/s', webhook_events: ['memory.ingested'] } });
    let [w] = (await h.app.inject({ url: '/api/v1/webhooks', headers: auth(t.key) })).json().webhooks;
    expect(w).toMatchObject({ url: 'https://hooks.example.com/s', events: ['memory.ingested'], source: 'settings', enabled: true });
    const secret = (await h.app.inject({ url: `/api/v1/webhooks/${w.id}/secret`, headers: auth(t.key) })).json().secret;

    await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload: { settings: { webhook_url: null } } });
    [w] = (await h.app.inject({ url: '/api/v1/webhooks', headers: auth(t.key) })).json().webhooks;
    expect(w).toMatchObject({ enabled: false, disabled_reason: 'settings.webhook_url cleared' });

    await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload: { settings: { webhook_url: 'https://hooks.example.com/t', webhook_events: ['role.created'] } } });
    const all = (await h.app.inject({ url: '/api/v1/webhooks', headers: auth(t.key) })).json().webhooks;
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: w.id, url: 'https://hooks.example.com/t', events: ['role.created'], enabled: true });
    // The same endpoint: the receiver keeps its secret.
    expect((await h.app.inject({ url: `/api/v1/webhooks/${w.id}/secret`, headers: auth(t.key) })).json().secret).toBe(secret);

    const del = await h.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${w.id}`, headers: auth(t.key) });
    expect(del.statusCode).toBe(409);
    const move = await h.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${w.id}`, headers: auth(t.key), payload: { url: 'https://elsewhere.example.com/' } });
    expect(move.statusCode).toBe(400);
    expect(move.json().problems[0].message).toContain('settings');
  });
});

describe('delivery', () => {
  it('sends a signed Standard Webhooks request that verifies, with the event payload and no secrets', async () => {
    const r = await receiver();
    const t = await h.register();
    const { secret, id } = await createWebhook(t, { url: r.url() });
    expect((await rename(t, 'Signed Co')).statusCode).toBe(200);
    await drain(worker());

    expect(r.received).toHaveLength(1);
    const [got] = r.received;
    const body = JSON.parse(got.body);
    expect(Object.keys(body).sort()).toEqual(['data', 'id', 'occurred_at', 'tenant_id', 'type']);
    expect(body).toMatchObject({ type: 'tenant.updated', tenant_id: t.tenantId, data: { changes: { name: { from: 'Test Tenant', to: 'Signed Co' } } } });
    expect(got.headers['webhook-id']).toBe(body.id);
    expect(got.headers['content-type']).toBe('application/json');
    expect(verify(secret, got.headers as any, got.body)).toBe(true);
    expect(got.body).not.toContain(t.key);
    expect(got.body).not.toContain(secret);

    const [d] = await deliveries(t, id);
    expect(d).toMatchObject({ event_id: body.id, event_type: 'tenant.updated', status: 'succeeded', attempts: 1, last_status_code: 200 });
    expect(d.log).toEqual([expect.objectContaining({ attempt: 1, success: true, status_code: 200, response_body: 'ok' })]);
    expect(d.log[0].latency_ms).toBeGreaterThanOrEqual(0);
    const viaGql = await h.gql(WebhookDeliveries, { webhookId: id }, t.key);
    expect(viaGql.data?.webhookDeliveries.deliveries[0]).toMatchObject({ id: d.id, status: 'succeeded', log: [{ attempt: 1, statusCode: 200 }] });
  });

  it('retries after a 500 with the same webhook-id, and logs both attempts', async () => {
    const r = await receiver((_req, n) => (n === 1 ? { status: 500, body: 'try later' } : {}));
    const t = await h.register();
    const { secret, id } = await createWebhook(t, { url: r.url() });
    expect((await publish(t, 'memory.ingested', { memory_id: 'm1' })).statusCode).toBe(202);
    await drain(worker());

    expect(r.received).toHaveLength(2);
    expect(r.received[1].headers['webhook-id']).toBe(r.received[0].headers['webhook-id']);
    for (const got of r.received) expect(verify(secret, got.headers as any, got.body)).toBe(true);
    expect(JSON.parse(r.received[1].body)).toMatchObject({ type: 'memory.ingested', data: { memory_id: 'm1' } });
    const [d] = await deliveries(t, id);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(d.log.map((a: any) => [a.attempt, a.status_code, a.success, a.response_body])).toEqual([
      [1, 500, false, 'try later'],
      [2, 200, true, 'ok'],
    ]);
  });

  it('schedules retries with exponential backoff, and gives up when the schedule is spent', async () => {
    const r = await receiver(() => ({ status: 503 }));
    const t = await h.register();
    const { id } = await createWebhook(t, { url: r.url() });
    await publish(t, 'memory.ingested');
    const w = worker({ retryDelaysSeconds: [3600], jitter: 0.2 });
    await drain(w);
    let [d] = await deliveries(t, id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 503, last_error: 'answered 503' });
    const wait = (new Date(d.next_attempt_at).getTime() - Date.now()) / 1000;
    expect(wait).toBeGreaterThan(3500);
    expect(wait).toBeLessThanOrEqual(3600 * 1.2 + 5);
    // Time passes.
    await h.sql('update webhook_deliveries set next_attempt_at = now() where endpoint_id = ?', [id]);
    await drain(w);
    [d] = await deliveries(t, id);
    expect(d).toMatchObject({ status: 'failed', attempts: 2, next_attempt_at: null });
    expect(r.received).toHaveLength(2);
  });

  it('the default schedule spans more than a day, so a delivery failing throughout disables its endpoint', async () => {
    const { RETRY_DELAYS_SECONDS, DISABLE_AFTER_SECONDS } = await import('../src/modules/webhooks/delivery-worker');
    const total = RETRY_DELAYS_SECONDS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(DISABLE_AFTER_SECONDS);
    expect(RETRY_DELAYS_SECONDS.every((d, i) => i === 0 || d >= RETRY_DELAYS_SECONDS[i - 1])).toBe(true);
  });

  it('disables an endpoint that has failed every attempt for a day, and records webhook.disabled', async () => {
    const r = await receiver(() => ({ status: 500 }));
    const healthy = await receiver();
    const t = await h.register();
    const failing = await createWebhook(t, { url: r.url() });
    await createWebhook(t, { url: healthy.url(), events: ['webhook.*'] });
    await publish(t, 'memory.ingested');
    await publish(t, 'memory.ingested');
    const w = worker({ retryDelaysSeconds: [3600] });
    await w.dispatch();
    // The first failure starts the clock; a day later, the next failure ends it.
    await w.deliverDue();
    await h.sql(`update webhook_endpoints set failing_since = now() - interval '25 hours' where id = ?`, [failing.id]);
    await h.sql('update webhook_deliveries set next_attempt_at = now() where endpoint_id = ?', [failing.id]);
    await drain(w);

    const endpoint = (await h.app.inject({ url: `/api/v1/webhooks/${failing.id}`, headers: auth(t.key) })).json();
    expect(endpoint).toMatchObject({ enabled: false, status: 'disabled' });
    expect(endpoint.disabled_reason).toMatch(/^every attempt failed for 2\d hours$/);
    const events = (await h.app.inject({ url: '/api/v1/events?type=webhook.disabled', headers: auth(t.key) })).json().events;
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ target: { type: 'webhook', id: failing.id }, changes: { status: { from: 'active', to: 'disabled' } }, actor: { type: 'system' } });
    const audit = await h.sql('select action, actor_type from audit_events where target_id = ? and action = ?', [failing.id, 'webhook.auto_disabled']);
    expect(audit).toEqual([{ action: 'webhook.auto_disabled', actor_type: 'system' }]);
    // Nothing more goes to it; the other endpoint is told.
    const sent = r.received.length;
    await publish(t, 'memory.ingested');
    await drain(w);
    expect(r.received).toHaveLength(sent);
    expect(healthy.received.map((x) => JSON.parse(x.body).type)).toEqual(['webhook.disabled']);
    expect((await deliveries(t, failing.id, '?status=pending'))).toEqual([]);
  });

  it('a success clears the failing streak', async () => {
    const r = await receiver((_q, n) => (n === 1 ? { status: 500 } : {}));
    const t = await h.register();
    const { id } = await createWebhook(t, { url: r.url() });
    await publish(t, 'memory.ingested');
    const w = worker();
    await w.dispatch();
    await w.deliverDue();
    expect((await h.sql('select failing_since from webhook_endpoints where id = ?', [id]))[0].failing_since).not.toBeNull();
    await w.deliverDue();
    expect((await h.sql('select failing_since from webhook_endpoints where id = ?', [id]))[0].failing_since).toBeNull();
  });

  it("never delivers one tenant's events to another tenant's endpoint", async () => {
    const ra = await receiver();
    const rb = await receiver();
    const a = await h.register();
    const b = await h.register();
    await createWebhook(a, { url: ra.url() });
    await createWebhook(b, { url: rb.url() });
    await publish(a, 'memory.ingested', { who: 'a' });
    await rename(a, 'A renamed');
    await publish(b, 'conversation.created', { who: 'b' });
    await drain(worker());
    expect(ra.received.map((x) => JSON.parse(x.body)).every((e) => e.tenant_id === a.tenantId)).toBe(true);
    expect(ra.received.map((x) => JSON.parse(x.body).type).sort()).toEqual(['memory.ingested', 'tenant.updated']);
    expect(rb.received.map((x) => JSON.parse(x.body))).toEqual([expect.objectContaining({ type: 'conversation.created', tenant_id: b.tenantId })]);
  });

  it('filters by event type and pattern; an endpoint only gets events from after it was created', async () => {
    const r = await receiver();
    const t = await h.register({ settings: { webhook_url: 'http://127.0.0.1:1/never' } });
    await publish(t, 'memory.ingested', { early: true });
    await drain(worker());
    await createWebhook(t, { url: r.url(), events: ['role.*', 'memory.ingested'] });
    await publish(t, 'memory.ingested', { late: true });
    await publish(t, 'conversation.created');
    await h.app.inject({ method: 'POST', url: '/tenant/rbac/roles', headers: auth(t.key), payload: { name: 'editor', permissions: ['docs:write'] } });
    await rename(t, 'Filtered');
    await drain(worker());
    expect(r.received.map((x) => [JSON.parse(x.body).type, JSON.parse(x.body).data])).toEqual(
      expect.arrayContaining([
        ['memory.ingested', { late: true }],
        ['role.created', expect.anything()],
      ]),
    );
    expect(r.received).toHaveLength(2);
  });

  it('signs with the old and the new secret during a rotation grace, then only the new', async () => {
    const r = await receiver();
    const t = await h.register();
    const { id, secret: oldSecret } = await createWebhook(t, { url: r.url() });
    const rotated = await h.app.inject({ method: 'POST', url: `/api/v1/webhooks/${id}/rotate-secret`, headers: auth(t.key), payload: { grace_seconds: 3600 } });
    expect(rotated.statusCode).toBe(200);
    const newSecret = rotated.json().secret;
    expect(rotated.json().previous_secret_expires_at).toBeTruthy();
    await publish(t, 'memory.ingested');
    await drain(worker());
    const [first] = r.received;
    expect(first.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verify(newSecret, first.headers as any, first.body)).toBe(true);
    expect(verify(oldSecret, first.headers as any, first.body)).toBe(true);

    await h.app.inject({ method: 'POST', url: `/api/v1/webhooks/${id}/rotate-secret`, headers: auth(t.key), payload: { grace_seconds: 0 } });
    const newest = (await h.app.inject({ url: `/api/v1/webhooks/${id}/secret`, headers: auth(t.key) })).json().secret;
    await publish(t, 'memory.ingested');
    await drain(worker());
    const second = r.received[1];
    expect(second.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(verify(newest, second.headers as any, second.body)).toBe(true);
    expect(verify(newSecret, second.headers as any, second.body)).toBe(false);
  });

  it('redelivers on request with the same webhook-id; a disabled endpoint answers 409', async () => {
    const r = await receiver();
    const t = await h.register();
    const { id } = await createWebhook(t, { url: r.url() });
    await publish(t, 'memory.ingested');
    await drain(worker());
    const [d] = await deliveries(t, id);
    const res = await h.app.inject({ method: 'POST', url: `/api/v1/webhooks/${id}/deliveries/${d.id}/redeliver`, headers: auth(t.key) });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ id: d.id, status: 'pending' });
    const viaGql = await h.gql(RedeliverWebhook, { webhookId: id, deliveryId: d.id }, t.key);
    expect(viaGql.data?.redeliverWebhook.status).toBe('pending');
    await drain(worker());
    expect(r.received).toHaveLength(2);
    expect(r.received[1].headers['webhook-id']).toBe(r.received[0].headers['webhook-id']);
    const [after] = await deliveries(t, id);
    expect(after).toMatchObject({ status: 'succeeded', attempts: 2 });

    await h.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${id}`, headers: auth(t.key), payload: { enabled: false } });
    const refused = await h.app.inject({ method: 'POST', url: `/api/v1/webhooks/${id}/deliveries/${d.id}/redeliver`, headers: auth(t.key) });
    expect(refused.statusCode).toBe(409);
  });

  it('does not follow redirects, reads only the start of a large answer, and times out a silent receiver', async () => {
    const target = await receiver();
    const r = await receiver((req) =>
      req.path === '/redirect'
        ? { status: 302, headers: { location: target.url('/stolen') } }
        : req.path === '/large'
          ? { status: 200, body: 'x'.repeat(5 * 1024 * 1024) }
          : { delayMs: Infinity },
    );
    const t = await h.register();
    const redirect = await createWebhook(t, { url: r.url('/redirect') });
    const large = await createWebhook(t, { url: r.url('/large') });
    const silent = await createWebhook(t, { url: r.url('/silent') });
    await publish(t, 'memory.ingested');
    const w = new DeliveryWorker(h.orm, h.services.secrets, h.services.audit, new WebhookSender(true, 500), () => {}, { timeoutSeconds: 1, retryDelaysSeconds: [] });
    await drain(w);
    expect(target.received).toEqual([]);
    const [rd] = await deliveries(t, redirect.id);
    expect(rd).toMatchObject({ status: 'failed', last_status_code: 302, last_error: 'redirect (302) not followed' });
    const [ld] = await deliveries(t, large.id);
    expect(ld.status).toBe('succeeded');
    expect(ld.log[0].response_body.length).toBeLessThanOrEqual(1024);
    const [sd] = await deliveries(t, silent.id);
    expect(sd).toMatchObject({ status: 'failed', last_status_code: null });
    expect(sd.last_error).toMatch(/no answer within/);
  });

  it('one endpoint whose secret cannot be opened does not hold up the others', async () => {
    const r = await receiver();
    const t = await h.register();
    const broken = await createWebhook(t, { url: r.url('/broken') });
    await createWebhook(t, { url: r.url('/fine') });
    // A damaged record: the ciphertext of another endpoint's secret (its AAD names the other id).
    await h.sql(`update webhook_endpoints set secret = (select secret from webhook_endpoints where tenant_id = ? and id <> ?) where id = ?`, [t.tenantId, broken.id, broken.id]);
    await publish(t, 'memory.ingested');
    const w = worker({ retryDelaysSeconds: [3600] });
    await drain(w);
    expect(r.received.map((x) => x.path)).toEqual(['/fine']);
    // A failed attempt like any other: logged, backed off, and in time given up.
    const [d] = await deliveries(t, broken.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringMatching(/signing secret unavailable/) });
    expect(d.log).toHaveLength(1);
    expect(new Date(d.next_attempt_at).getTime()).toBeGreaterThan(Date.now() + 3000 * 1000);
  });

  it('two workers on separate connections never send the same delivery twice', async () => {
    const r = await receiver(() => ({ delayMs: 5 }));
    const t = await h.register();
    await createWebhook(t, { url: r.url() });
    await createWebhook(t, { url: r.url('/second') });
    for (let i = 0; i < 30; i++) await publish(t, 'memory.ingested', { i });
    const second = await initOrm({ url: h.orm.config.getClientUrl(), poolMax: 3 });
    try {
      const a = worker({ batch: 7 });
      const b = worker({ batch: 7 }, second);
      await Promise.all([drain(a, 40), drain(b, 40)]);
      await Promise.all([drain(a, 40), drain(b, 40)]);
    } finally {
      await second.close();
    }
    const keys = r.received.map((x) => `${x.path} ${x.headers['webhook-id']}`);
    expect(keys).toHaveLength(60);
    expect(new Set(keys).size).toBe(60);
  });

  /** A tenant whose one endpoint is `r`. */
  const tenantSendingTo = async (r: Receiver) => {
    const t = await h.register();
    await createWebhook(t, { url: r.url() });
    return t;
  };

  it('a receiver that never answers holds perEndpoint sends, not the worker: other endpoints are delivered meanwhile', async () => {
    const hanging = await receiver(() => ({ delayMs: Infinity }));
    const fast = await receiver();
    const t = await tenantSendingTo(hanging);
    const other = await tenantSendingTo(fast);
    // The hanging endpoint's deliveries are due first, so they head the queue.
    for (let i = 0; i < 6; i++) await publish(t, 'memory.ingested', { i });
    // A send timeout longer than the test can take on a loaded machine: the hanging sends end
    // only when the receiver is closed below.
    const w = worker({ batch: 4, perEndpoint: 2, pollIntervalMs: 20, timeoutSeconds: 10 });
    await w.dispatch();
    for (let i = 0; i < 6; i++) await publish(other, 'memory.ingested', { i });
    w.start();
    try {
      await until("the other endpoint's six deliveries", () => fast.received.length === 6, 10_000, 10);
      // All six went out while the hanging endpoint held its two sends: none had finished yet.
      expect(hanging.received).toHaveLength(2);
      const [{ n }] = await h.sql<{ n: string }>('select count(*) as n from webhook_attempts where tenant_id = ?', [t.tenantId]);
      expect(Number(n)).toBe(0);
    } finally {
      // Stopped first, so nothing is claimed again; then the receiver's end ends the hanging sends.
      const stopped = w.stop();
      await hanging.close();
      await stopped;
    }
    // stop() waited for the hanging sends: each is recorded as a failed attempt, due again.
    const attempts = await h.sql<{ success: boolean; error: string }>('select success, error from webhook_attempts where tenant_id = ?', [t.tenantId]);
    expect(attempts).toHaveLength(2);
    expect(attempts.every((a) => !a.success)).toBe(true);
  });

  it("one endpoint's backlog at the head of the queue does not hold back another tenant's deliveries", async () => {
    const busy = await receiver(() => ({ delayMs: 100 }));
    const other = await receiver();
    const a = await tenantSendingTo(busy);
    const b = await tenantSendingTo(other);
    for (let i = 0; i < 30; i++) await publish(a, 'memory.ingested', { i });
    const w = worker({ batch: 6, perEndpoint: 2, pollIntervalMs: 60_000 });
    await w.dispatch();
    for (let i = 0; i < 5; i++) await publish(b, 'memory.ingested', { i });
    await w.dispatch();
    // The poll interval is a minute: everything below happens because sends end, not by polling.
    w.start();
    try {
      await until("the other tenant's five deliveries", () => other.received.length === 5, 20_000, 5);
      // Two at a time at 100 ms each: the backlog is far from drained.
      expect(busy.received.length).toBeLessThan(30);
      await until('the backlog, drained', () => busy.received.length === 30, 20_000, 20);
      // Each answer takes 100 ms, and the next send to that endpoint starts only after one ends:
      // no 90 ms span saw more than two arrive.
      const times = busy.received.map((x) => x.at);
      expect(Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 90).length))).toBeLessThanOrEqual(2);
    } finally {
      await w.stop();
    }
  });

  it('a claim round that fails keeps what earlier rounds claimed: those are sent now, not left to their lease', async () => {
    const r = await receiver();
    const t = await h.register();
    await createWebhook(t, { url: r.url() });
    await createWebhook(t, { url: r.url('/second') });
    for (let i = 0; i < 3; i++) await publish(t, 'memory.ingested', { i });
    const errors: unknown[] = [];
    const w = new DeliveryWorker(h.orm, h.services.secrets, h.services.audit, new WebhookSender(true, 2000), (err) => errors.push(err), {
      timeoutSeconds: 2,
      retryDelaysSeconds: [0, 0],
      jitter: 0,
      batch: 6,
      perEndpoint: 2,
    });
    await w.dispatch();
    // Six due, two endpoints at two each: the first round keeps four, and the second (for what the
    // caps left) fails, as a dropped connection would.
    const rounds = w as unknown as { claimRound: (...args: unknown[]) => Promise<unknown> };
    const claimRound = rounds.claimRound.bind(w);
    let round = 0;
    rounds.claimRound = (...args) => (round++ === 1 ? Promise.reject(new Error('connection reset')) : claimRound(...args));
    expect(await w.deliverDue()).toBe(4);
    expect(errors).toHaveLength(1);
    expect(r.received).toHaveLength(4);
    const attempted = await h.sql<{ n: string }>(`select count(*) as n from webhook_deliveries where tenant_id = ? and attempts > 0`, [t.tenantId]);
    expect(Number(attempted[0].n)).toBe(4);
  });

  it("a deleted tenant's endpoints get tenant.deleted and nothing else: queued deliveries are cancelled", async () => {
    const r = await receiver();
    const t = await h.register({ settings: { webhook_url: r.url('/settings') } });
    const { id } = await createWebhook(t, { url: r.url() });
    await publish(t, 'memory.ingested');
    await worker().dispatch();
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/tenants/${t.tenantId}`, headers: auth(t.key) })).statusCode).toBe(200);
    await drain(worker());
    expect(r.received.map((x) => [x.path, JSON.parse(x.body).type]).sort()).toEqual([
      ['/hook', 'tenant.deleted'],
      ['/settings', 'tenant.deleted'],
    ]);
    const [row] = await h.sql('select status, disabled_reason from webhook_endpoints where id = ?', [id]);
    expect(row).toEqual({ status: 'disabled', disabled_reason: 'tenant deleted' });
    expect(await h.sql(`select event_type, status from webhook_deliveries where endpoint_id = ? order by event_type`, [id])).toEqual([
      { event_type: 'memory.ingested', status: 'cancelled' },
      { event_type: 'tenant.deleted', status: 'succeeded' },
    ]);
    // An operator editing the deleted tenant's settings does not turn its webhook back on.
    const op = await h.operatorKey();
    const edited = await h.app.inject({ method: 'PUT', url: `/api/v1/tenants/${t.tenantId}`, headers: auth(op), payload: { settings: { webhook_url: r.url('/again') } } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(await h.sql(`select status from webhook_endpoints where tenant_id = ? and status = 'active'`, [t.tenantId])).toEqual([]);
  });

  it("a worker whose lease ran out does not overwrite the newer attempt's outcome", async () => {
    const r = await receiver((_q, n) => (n === 1 ? { status: 500, delayMs: 600 } : {}));
    const t = await h.register();
    const { id } = await createWebhook(t, { url: r.url() });
    await publish(t, 'memory.ingested');
    const slow = worker({ leaseSeconds: 0 });
    await slow.dispatch();
    const first = slow.deliverDue();
    await vi.waitFor(() => expect(r.received).toHaveLength(1), { timeout: 10_000 });
    // The lease is over: another worker claims the delivery, succeeds, records it.
    await worker().deliverDue();
    await first;
    const [d] = await deliveries(t, id);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 2, last_status_code: 200 });
    // Both attempts are in the log, the late one as what it was.
    expect(d.log.map((a: any) => [a.attempt, a.status_code])).toEqual([
      [1, 500],
      [2, 200],
    ]);
  });

  it('a delivery locked by one worker is skipped by another (FOR UPDATE SKIP LOCKED)', async () => {
    const r = await receiver();
    const t = await h.register();
    const { id } = await createWebhook(t, { url: r.url() });
    await publish(t, 'memory.ingested');
    await worker().dispatch();
    const holder = new Client({ connectionString: h.orm.config.getClientUrl() });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select id from webhook_deliveries where endpoint_id = $1 for update', [id]);
      expect(await worker().deliverDue()).toBe(0);
      expect(r.received).toEqual([]);
      await holder.query('commit');
      expect(await worker().deliverDue()).toBe(1);
      expect(r.received).toHaveLength(1);
    } finally {
      await holder.end();
    }
  });

  it('stores a binary answer safely, and records a stored URL that cannot be sent to as a failed attempt', async () => {
    const r = await receiver(() => ({ body: 'ok\u0000\u0001bin' }));
    const t = await h.register();
    const fine = await createWebhook(t, { url: r.url() });
    const bad = await createWebhook(t, { url: 'https://hooks.example.com/x' });
    await h.sql(`update webhook_endpoints set url = 'not a url' where id = ?`, [bad.id]);
    await publish(t, 'memory.ingested');
    await drain(worker({ retryDelaysSeconds: [3600] }));
    const [ok] = await deliveries(t, fine.id);
    expect(ok).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(ok.log[0].response_body).toBe('ok\uFFFD\u0001bin');
    const [failed] = await deliveries(t, bad.id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, last_error: 'invalid URL' });
  });

  it('refuses redelivery while an attempt is in flight; a new URL clears the failing streak', async () => {
    const t = await h.register();
    const w = await createWebhook(t, { url: 'https://hooks.example.com/x' });
    await publish(t, 'memory.ingested');
    await worker().dispatch();
    // As a worker leaves it between claim and record.
    await h.sql(`update webhook_deliveries set attempts = 1, next_attempt_at = now() + interval '1 minute' where endpoint_id = ?`, [w.id]);
    const [d] = await deliveries(t, w.id);
    const res = await h.app.inject({ method: 'POST', url: `/api/v1/webhooks/${w.id}/deliveries/${d.id}/redeliver`, headers: auth(t.key) });
    expect(res.statusCode).toBe(409);

    await h.sql(`update webhook_endpoints set failing_since = now() - interval '23 hours' where id = ?`, [w.id]);
    await h.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${w.id}`, headers: auth(t.key), payload: { url: 'https://hooks.example.com/fixed' } });
    expect((await h.sql('select failing_since from webhook_endpoints where id = ?', [w.id]))[0].failing_since).toBeNull();
    // Disabling cancels what was queued for it.
    await h.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${w.id}`, headers: auth(t.key), payload: { enabled: false } });
    expect(await h.sql('select status from webhook_deliveries where endpoint_id = ?', [w.id])).toEqual([{ status: 'cancelled' }]);
  });

  it('creates the settings endpoint for tenants whose webhook_url predates webhook delivery', async () => {
    const t = await h.register();
    await h.sql(`update tenants set settings = settings || '{"webhook_url": "https://hooks.example.com/old"}' where id = ?`, [t.tenantId]);
    expect(await h.services.webhooks.backfillSettingsEndpoints(h.orm.em.fork())).toBeGreaterThanOrEqual(1);
    const [w] = (await h.app.inject({ url: '/api/v1/webhooks', headers: auth(t.key) })).json().webhooks;
    expect(w).toMatchObject({ url: 'https://hooks.example.com/old', source: 'settings', enabled: true });
    expect(await h.services.webhooks.backfillSettingsEndpoints(h.orm.em.fork())).toBe(0);
  });
});

/** A webhook of `t`, made directly so the security tests' setup does not depend on the API under test. */
async function seedWebhook(t: Registered) {
  const created = await h.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(t.key), payload: { url: 'https://hooks.example.com/sec' } });
  return created.json().id as string;
}
async function seedDelivery(t: Registered, webhookId: string) {
  await h.app.inject({ method: 'POST', url: '/api/v1/events', headers: auth(t.key), payload: { type: 'memory.ingested' } });
  const [event] = await h.sql<{ id: string }>('select id from events where tenant_id = ? order by occurred_at desc limit 1', [t.tenantId]);
  const [d] = await h.sql<{ id: string }>(
    `insert into webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, status) values (gen_random_uuid(), ?, ?, ?, 'memory.ingested', 'failed') returning id`,
    [t.tenantId, webhookId, event.id],
  );
  return d.id;
}
const endpointOf = async (id: string) => (await h.sql('select url, status, event_types, description from webhook_endpoints where id = ?', [id]))[0];

describe('webhook operations: no key, wrong scope, other tenant, right scope', () => {
  const sameAfter = async (victim: Registered, id: string, attempt: () => Promise<{ statusCode: number; body: string }>) => {
    const before = await endpointOf(id);
    const res = await attempt();
    expect(res.statusCode).toBe(404);
    expect(await endpointOf(id)).toEqual(before);
  };

  securityTests(h, {
    name: 'listWebhooks',
    scope: 'webhooks:read',
    rest: () => ({ url: '/api/v1/webhooks' }),
    graphql: () => ({ doc: Webhooks }),
    async crossTenant(h, attacker, victim) {
      await seedWebhook(victim);
      const res = await h.app.inject({ url: '/api/v1/webhooks', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId } });
      expect(res.statusCode).toBe(403);
      const own = await h.app.inject({ url: '/api/v1/webhooks', headers: auth(attacker.key) });
      expect(own.json().webhooks.some((w: any) => w.url === 'https://hooks.example.com/sec')).toBe(false);
    },
  });

  securityTests(h, {
    name: 'getWebhook',
    scope: 'webhooks:read',
    rest: async (t) => ({ url: `/api/v1/webhooks/${await seedWebhook(t)}` }),
    graphql: async (t) => ({ doc: Webhook, variables: { id: await seedWebhook(t) } }),
    async crossTenant(h, attacker, victim) {
      const id = await seedWebhook(victim);
      expect((await h.app.inject({ url: `/api/v1/webhooks/${id}`, headers: auth(attacker.key) })).statusCode).toBe(404);
      expect((await h.gql(Webhook, { id }, attacker.key)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    },
  });

  securityTests(h, {
    name: 'createWebhook',
    scope: 'webhooks:write',
    okStatus: 201,
    rest: () => ({ method: 'POST', url: '/api/v1/webhooks', payload: { url: 'https://hooks.example.com/new' } }),
    graphql: () => ({ doc: CreateWebhook, variables: { input: { url: 'https://hooks.example.com/new' } } }),
    async crossTenant(h, attacker, victim) {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId }, payload: { url: 'https://evil.example.com/' } });
      expect(res.statusCode).toBe(403);
      expect(await h.sql('select 1 from webhook_endpoints where tenant_id = ?', [victim.tenantId])).toEqual([]);
    },
    verify: async (h, t, body) => expect((await h.sql('select tenant_id from webhook_endpoints where id = ?', [body.id]))[0].tenant_id).toBe(t.tenantId),
  });

  securityTests(h, {
    name: 'updateWebhook',
    scope: 'webhooks:write',
    rest: async (t) => ({ method: 'PATCH', url: `/api/v1/webhooks/${await seedWebhook(t)}`, payload: { description: 'changed' } }),
    graphql: async (t) => ({ doc: UpdateWebhook, variables: { id: await seedWebhook(t), input: { description: 'changed' } } }),
    async crossTenant(h, attacker, victim) {
      const id = await seedWebhook(victim);
      await sameAfter(victim, id, () => h.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${id}`, headers: auth(attacker.key), payload: { url: 'https://evil.example.com/' } }));
      await sameAfter(victim, id, () => h.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${id}`, headers: auth(attacker.key), payload: { enabled: false } }));
    },
    verify: async (_h, _t, body) => expect((await endpointOf(body.id)).description).toBe('changed'),
  });

  securityTests(h, {
    name: 'deleteWebhook',
    scope: 'webhooks:write',
    rest: async (t) => ({ method: 'DELETE', url: `/api/v1/webhooks/${await seedWebhook(t)}` }),
    graphql: async (t) => ({ doc: DeleteWebhook, variables: { id: await seedWebhook(t) } }),
    async crossTenant(h, attacker, victim) {
      const id = await seedWebhook(victim);
      await sameAfter(victim, id, () => h.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${id}`, headers: auth(attacker.key) }));
      expect((await h.gql(DeleteWebhook, { id }, attacker.key)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(await endpointOf(id)).toBeTruthy();
    },
  });

  securityTests(h, {
    name: 'getWebhookSecret',
    scope: 'webhooks:write',
    rest: async (t) => ({ url: `/api/v1/webhooks/${await seedWebhook(t)}/secret` }),
    graphql: async (t) => ({ doc: WebhookSecret, variables: { id: await seedWebhook(t) } }),
    async crossTenant(h, attacker, victim) {
      const id = await seedWebhook(victim);
      const res = await h.app.inject({ url: `/api/v1/webhooks/${id}/secret`, headers: auth(attacker.key) });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('whsec_');
    },
    verify: (_h, _t, body) => expect(body.secret).toMatch(/^whsec_/),
  });

  securityTests(h, {
    name: 'rotateWebhookSecret',
    scope: 'webhooks:write',
    rest: async (t) => ({ method: 'POST', url: `/api/v1/webhooks/${await seedWebhook(t)}/rotate-secret` }),
    graphql: async (t) => ({ doc: RotateWebhookSecret, variables: { id: await seedWebhook(t) } }),
    async crossTenant(h, attacker, victim) {
      const id = await seedWebhook(victim);
      const [before] = await h.sql('select secret from webhook_endpoints where id = ?', [id]);
      const res = await h.app.inject({ method: 'POST', url: `/api/v1/webhooks/${id}/rotate-secret`, headers: auth(attacker.key) });
      expect(res.statusCode).toBe(404);
      expect((await h.sql('select secret from webhook_endpoints where id = ?', [id]))[0]).toEqual(before);
    },
  });

  securityTests(h, {
    name: 'listWebhookDeliveries',
    scope: 'webhooks:read',
    rest: async (t) => ({ url: `/api/v1/webhooks/${await seedWebhook(t)}/deliveries` }),
    graphql: async (t) => ({ doc: WebhookDeliveries, variables: { webhookId: await seedWebhook(t) } }),
    async crossTenant(h, attacker, victim) {
      const id = await seedWebhook(victim);
      await seedDelivery(victim, id);
      expect((await h.app.inject({ url: `/api/v1/webhooks/${id}/deliveries`, headers: auth(attacker.key) })).statusCode).toBe(404);
      expect((await h.gql(WebhookDeliveries, { webhookId: id }, attacker.key)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    },
  });

  securityTests(h, {
    name: 'redeliverWebhook',
    scope: 'webhooks:write',
    okStatus: 202,
    rest: async (t) => {
      const id = await seedWebhook(t);
      return { method: 'POST', url: `/api/v1/webhooks/${id}/deliveries/${await seedDelivery(t, id)}/redeliver` };
    },
    graphql: async (t) => {
      const id = await seedWebhook(t);
      return { doc: RedeliverWebhook, variables: { webhookId: id, deliveryId: await seedDelivery(t, id) } };
    },
    async crossTenant(h, attacker, victim) {
      const id = await seedWebhook(victim);
      const deliveryId = await seedDelivery(victim, id);
      const res = await h.app.inject({ method: 'POST', url: `/api/v1/webhooks/${id}/deliveries/${deliveryId}/redeliver`, headers: auth(attacker.key) });
      expect(res.statusCode).toBe(404);
      // The attacker's own endpoint with the victim's delivery id: still nothing.
      const own = await seedWebhook(attacker);
      const mixed = await h.app.inject({ method: 'POST', url: `/api/v1/webhooks/${own}/deliveries/${deliveryId}/redeliver`, headers: auth(attacker.key) });
      expect(mixed.statusCode).toBe(404);
      expect((await h.sql('select status from webhook_deliveries where id = ?', [deliveryId]))[0].status).toBe('failed');
    },
  });
});
