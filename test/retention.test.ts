import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { chores, Housekeeping, type Swept } from '../src/housekeeping';
import { windowOf } from '../src/modules/limits/limit-definition';
import { useHarness, type Registered } from './support/harness';

const h = useHarness({ TENANTRY_EVENT_RETENTION_DAYS: '30' });

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const HOUR = 3600_000;
const DAY = 24 * HOUR;

async function sweep(services = h.services): Promise<Swept> {
  const swept: Swept = { events: 0, auditEvents: 0, usageCounters: 0, limitAlerts: 0, idempotencyKeys: 0 };
  const failures: unknown[] = [];
  await new Housekeeping(h.orm, chores(services, { purged: () => {}, swept: (c) => Object.assign(swept, c) }), (err) => failures.push(err)).runOnce();
  expect(failures).toEqual([]);
  return swept;
}

/** A published event, dispatched to the tenant's one endpoint: a pending delivery with one attempt. */
async function deliveredEvent(t: Registered, ageDays: number, deliveryStatus: 'succeeded' | 'failed' | 'pending'): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/events', headers: auth(t.key), payload: { type: 'memory.ingested', data: { n: ageDays } } });
  expect(res.statusCode).toBe(202);
  const id: string = res.json().id;
  await h.services.deliveries.dispatch();
  await h.sql(`update events set occurred_at = now() - make_interval(days => ?) where id = ?`, [ageDays, id]);
  await h.sql(`update webhook_deliveries set status = ? where event_id = ?`, [deliveryStatus, id]);
  await h.sql(
    `insert into webhook_attempts (id, tenant_id, delivery_id, attempt, success, latency_ms)
     select gen_random_uuid(), tenant_id, id, 1, ? = 'succeeded', 5 from webhook_deliveries where event_id = ?`,
    [deliveryStatus, id],
  );
  return id;
}

async function withEndpoint(): Promise<Registered> {
  const t = await h.register();
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(t.key), payload: { url: 'https://hooks.example.com/retention' } });
  expect(res.statusCode).toBe(201);
  return t;
}

const count = async (sql: string, params: unknown[]) => Number((await h.sql<{ n: string }>(`select count(*) as n from ${sql}`, params))[0].n);

describe('retention of delivered events', () => {
  it('deletes events older than TENANTRY_EVENT_RETENTION_DAYS once webhooks are done, with their deliveries and attempts, in every tenant', async () => {
    const a = await withEndpoint();
    const b = await withEndpoint();
    const oldA = await deliveredEvent(a, 31, 'succeeded');
    const oldB = await deliveredEvent(b, 45, 'failed');
    const retrying = await deliveredEvent(a, 31, 'pending');
    const recent = await deliveredEvent(a, 29, 'succeeded');
    // Never dispatched (no worker ran since it was written): webhooks have not seen it yet.
    const [undispatched] = await h.sql<{ id: string }>(
      `insert into events (id, tenant_id, type, data, occurred_at) values (gen_random_uuid(), ?, 'memory.ingested', '{}', now() - interval '60 days') returning id`,
      [a.tenantId],
    );

    const swept = await sweep();
    expect(swept.events).toBe(2);
    const left = (await h.sql<{ id: string }>('select id from events where tenant_id = any(?::uuid[])', [`{${a.tenantId},${b.tenantId}}`])).map((r) => r.id);
    expect(left.sort()).toEqual([retrying, recent, undispatched.id].sort());
    for (const gone of [oldA, oldB]) {
      expect(await count('webhook_deliveries where event_id = ?', [gone])).toBe(0);
    }
    expect(await count('webhook_deliveries where event_id = any(?::uuid[])', [`{${retrying},${recent}}`])).toBe(2);
    expect(await count('webhook_attempts where tenant_id = any(?::uuid[])', [`{${a.tenantId},${b.tenantId}}`])).toBe(2);

    // The tenant's own listing shows what is left, and the next run finds nothing more.
    const listed = await h.app.inject({ url: '/api/v1/events', headers: auth(a.key) });
    expect(listed.json().events.map((e: { id: string }) => e.id).sort()).toEqual([retrying, recent, undispatched.id].sort());
    expect((await sweep()).events).toBe(0);
  });

  it('an event a redelivery holds is left for the next run; a redelivered delivery keeps its event', async () => {
    const t = await withEndpoint();
    const held = await deliveredEvent(t, 40, 'succeeded');
    const redelivered = await deliveredEvent(t, 40, 'succeeded');
    // A redelivery's transaction, mid-way: it holds its event with FOR SHARE (see redeliver).
    const other = await h.orm.em.fork().getConnection().getKnex().transaction();
    try {
      await other.raw('select id from events where id = ? for share', [held]);
      const [endpoint] = await h.sql<{ id: string }>('select endpoint_id as id from webhook_deliveries where event_id = ?', [redelivered]);
      const [delivery] = await h.sql<{ id: string }>('select id from webhook_deliveries where event_id = ?', [redelivered]);
      const res = await h.app.inject({ method: 'POST', url: `/api/v1/webhooks/${endpoint.id}/deliveries/${delivery.id}/redeliver`, headers: auth(t.key) });
      expect(res.statusCode, res.body).toBe(202);
      await sweep();
    } finally {
      await other.commit();
    }
    // (Other tests' events may be swept meanwhile: these two are what this test is about.)
    expect(await count('events where id = any(?::uuid[])', [`{${held},${redelivered}}`])).toBe(2);
    await sweep();
    expect(await count('events where id = ?', [held])).toBe(0);
    expect(await count('events where id = ?', [redelivered])).toBe(1);
  });

  it('TENANTRY_EVENT_RETENTION_DAYS=0 keeps every event', async () => {
    const t = await withEndpoint();
    const old = await deliveredEvent(t, 400, 'succeeded');
    const config = loadConfig({ ...process.env, TENANTRY_EVENT_RETENTION_DAYS: '0', TENANTRY_MASTER_KEY: h.config.masterKey!.toString('base64') });
    const swept = await sweep({ ...h.services, config });
    expect(swept.events).toBe(0);
    expect(await count('events where id = ?', [old])).toBe(1);
    expect(() => loadConfig({ ...process.env, TENANTRY_EVENT_RETENTION_DAYS: '-1' })).toThrow(/TENANTRY_EVENT_RETENTION_DAYS/);
  });
});

describe('retention of the audit trail', () => {
  it('keeps every entry by default; with TENANTRY_AUDIT_RETENTION_DAYS, deletes those older than it in every tenant, and only those', async () => {
    const [a, b] = [await h.register(), await h.register()];
    for (const t of [a, b]) {
      expect((await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload: { name: `Renamed ${t.tenantId}` } })).statusCode).toBe(200);
    }
    const trail = (t: Registered) => count('audit_events where tenant_id = ?', [t.tenantId]);
    const before = [await trail(a), await trail(b)];
    expect(before.every((n) => n >= 2)).toBe(true);
    // Each tenant's oldest entry is a year old; the rest are new.
    for (const t of [a, b]) {
      await h.sql(`update audit_events set created_at = now() - interval '400 days' where id = (select id from audit_events where tenant_id = ? order by created_at limit 1)`, [t.tenantId]);
    }
    expect((await sweep()).auditEvents).toBe(0);
    expect([await trail(a), await trail(b)]).toEqual(before);

    const config = loadConfig({ ...process.env, TENANTRY_EVENT_RETENTION_DAYS: '30', TENANTRY_AUDIT_RETENTION_DAYS: '365', TENANTRY_MASTER_KEY: h.config.masterKey!.toString('base64') });
    const swept = await sweep({ ...h.services, config });
    expect(swept.auditEvents).toBe(2);
    expect([await trail(a), await trail(b)]).toEqual(before.map((n) => n - 1));
    expect(await count(`audit_events where created_at < now() - interval '365 days'`, [])).toBe(0);
    expect(() => loadConfig({ ...process.env, TENANTRY_AUDIT_RETENTION_DAYS: '-1' })).toThrow(/TENANTRY_AUDIT_RETENTION_DAYS/);
  });
});

describe('retention of limit windows and idempotency keys', () => {
  const counter = (t: Registered, period: string, start: Date, subject = '') =>
    h.sql(
      `insert into usage_counters (tenant_id, subject, resource, metric, period, window_start, value) values (?, ?, 'llm', 'tokens', ?, ?, 5)`,
      [t.tenantId, subject, period, start],
    );
  const alert = (t: Registered, period: string, start: Date) =>
    h.sql(`insert into limit_alerts (tenant_id, rule, window_start, level) values (?, ?, ?, 'warning')`, [t.tenantId, `llm/tokens/${period}/user/u-1`, start]);
  const windows = async (table: string, t: Registered) =>
    (await h.sql<{ window_start: Date }>(`select window_start from ${table} where tenant_id = ? order by window_start`, [t.tenantId])).map((r) => new Date(r.window_start).toISOString());

  it('deletes the counters and alerts of windows closed a day ago or more; open, just-closed and total windows stay', async () => {
    const t = await h.register();
    const now = Date.now();
    const closedLongAgo = [
      ['minute', windowOf('minute', new Date(now - 2 * DAY)).start],
      ['hour', windowOf('hour', new Date(now - 2 * DAY)).start],
      ['day', windowOf('day', new Date(now - 3 * DAY)).start],
      ['week', windowOf('week', new Date(now - 9 * DAY)).start],
      ['month', windowOf('month', new Date(now - 33 * DAY)).start],
    ] as const;
    const kept = [
      ['minute', windowOf('minute', new Date(now)).start],
      // Closed an hour ago: an instance whose clock lags may still add to it.
      ['hour', windowOf('hour', new Date(now - 2 * HOUR)).start],
      ['month', windowOf('month', new Date(now)).start],
      ['total', new Date(0)],
    ] as const;
    for (const [period, start] of [...closedLongAgo, ...kept]) {
      await counter(t, period, start, period);
      await alert(t, period, start);
    }
    const other = await h.register();
    await counter(other, 'day', windowOf('day', new Date(now - 3 * DAY)).start);

    const swept = await sweep();
    expect(swept.usageCounters).toBe(closedLongAgo.length + 1);
    expect(swept.limitAlerts).toBe(closedLongAgo.length);
    const expected = kept.map(([, start]) => start.toISOString()).sort();
    expect(await windows('usage_counters', t)).toEqual(expected);
    expect(await windows('limit_alerts', t)).toEqual(expected);
    expect(await windows('usage_counters', other)).toEqual([]);
  });

  it('keeps what consumes and usage read: the current window and the daily history', async () => {
    const t = await h.register();
    await h.app.inject({ method: 'PUT', url: '/tenant/limits/resources', headers: auth(t.key), payload: [{ resource: 'llm', metric: 'tokens', period: 'minute', limit: 100 }] });
    const consumed = await h.app.inject({ method: 'POST', url: '/tenant/limits/resources/consume', headers: auth(t.key), payload: { resource: 'llm', metric: 'tokens', amount: 7 } });
    expect(consumed.json()).toMatchObject({ allowed: true, usage: { current: 7 } });
    await h.sql(`insert into usage_daily (tenant_id, day, resource, metric, shard, value) values (?, (now() - interval '90 days')::date, 'llm', 'tokens', 0, 11)`, [t.tenantId]);
    const before = { counters: await windows('usage_counters', t), daily: await count('usage_daily where tenant_id = ?', [t.tenantId]) };
    expect(before.counters).toHaveLength(1);

    await sweep();
    expect(await windows('usage_counters', t)).toEqual(before.counters);
    expect(await count('usage_daily where tenant_id = ?', [t.tenantId])).toBe(before.daily);
  });

  it('forgets idempotency keys after 7 days: a retry before then counts once, the same key after it counts again', async () => {
    const t = await h.register();
    const track = (key: string) =>
      h.app.inject({ method: 'POST', url: '/tenant/limits/resources/track', headers: auth(t.key), payload: { resource: 'api', metric: 'calls', amount: 1, idempotencyKey: key } });
    for (const key of ['fresh', 'stale']) expect((await track(key)).statusCode).toBe(200);
    await h.sql(`update usage_idempotency set created_at = now() - interval '8 days' where tenant_id = ? and key = 'stale'`, [t.tenantId]);
    await h.sql(`insert into usage_idempotency (tenant_id, key, response, created_at) values (?, 'six-days', '{}', now() - interval '6 days')`, [t.tenantId]);

    const swept = await sweep();
    expect(swept.idempotencyKeys).toBe(1);
    expect((await h.sql<{ key: string }>('select key from usage_idempotency where tenant_id = ? order by key', [t.tenantId])).map((r) => r.key)).toEqual(['fresh', 'six-days']);
    expect((await track('fresh')).json().replayed).toBe(true);
    expect((await track('stale')).json().replayed).toBeUndefined();
    const [{ total }] = await h.sql<{ total: string }>(`select sum(value) as total from usage_daily where tenant_id = ? and resource = 'api'`, [t.tenantId]);
    expect(Number(total)).toBe(3);
  });
});

describe('housekeeping', () => {
  it('instances sweeping at once share the work in batches: every old row deleted exactly once', async () => {
    const t = await h.register();
    const rows = 12_345; // more than two batches of SWEEP_BATCH
    await h.sql(
      `insert into usage_idempotency (tenant_id, key, response, created_at)
       select ?, 'old-' || i, '{}', now() - interval '8 days' from generate_series(1, ?) as i`,
      [t.tenantId, rows],
    );
    const [first, second] = await Promise.all([sweep(), sweep()]);
    expect(first.idempotencyKeys + second.idempotencyKeys).toBe(rows);
    expect(await count('usage_idempotency where tenant_id = ?', [t.tenantId])).toBe(0);
  });


  it('stop() ends a run at its next batch: chores after it do not start', async () => {
    const ran: string[] = [];
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const job = new Housekeeping(
      h.orm,
      [
        {
          name: 'long',
          run: (_em, signal) =>
            new Promise<void>((resolve) => {
              started();
              signal.addEventListener('abort', () => resolve());
            }),
        },
        { name: 'next', run: async () => void ran.push('next') },
      ],
      (err) => {
        throw err;
      },
    );
    job.start(3600);
    await running;
    await job.stop();
    expect(ran).toEqual([]);
  });

  it('runs every chore: one that fails is reported and the next still runs', async () => {
    const ran: string[] = [];
    const failures: string[] = [];
    const job = new Housekeeping(
      h.orm,
      [
        { name: 'broken', run: async (em) => void (await em.execute('select * from no_such_table')) },
        { name: 'fine', run: async () => void ran.push('fine') },
      ],
      (_err, chore) => failures.push(chore),
    );
    await job.runOnce();
    expect(failures).toEqual(['broken']);
    expect(ran).toEqual(['fine']);
  });
});
