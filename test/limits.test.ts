import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import type { ServiceContext } from '../src/context';
import { windowOf } from '../src/modules/limits/limit-definition';
import { asPlatform } from '../src/db/tenant-scope';
import { LimitsService } from '../src/modules/limits/limits.service';
import { useHarness, type Registered } from './support/harness';
import { until } from './support/server-process';
import { ConsumeLimit, UsageHistory, UsageSummary } from './support/operations';

const h = useHarness();

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const put = (t: Registered, limits: unknown) =>
  h.app.inject({ method: 'PUT', url: '/tenant/limits/resources', headers: { ...auth(t.key), 'content-type': 'application/json' }, payload: JSON.stringify(limits) });
const post = (t: Registered, action: string, payload: object) =>
  h.app.inject({ method: 'POST', url: `/api/v1/tenant/limits/resources/${action}`, headers: auth(t.key), payload });
const counters = async (t: Registered) => h.sql('select subject, resource, metric, period, value::int as value from usage_counters where tenant_id = ? order by period, subject', [t.tenantId]);

describe('resource limits (reference 002)', () => {
  it("answers the reference's requests with its shapes at both path families", async () => {
    const t = await h.register();
    const definitions = [{ resource: 'workflow', metric: 'count', period: 'day', limit: 100, tiers: { free: 10, pro: 100 } }];
    const saved = await put(t, definitions);
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toEqual([{ ...definitions[0], gateAction: 'block', scope: 'tenant' }]);
    for (const prefix of ['', '/api/v1']) {
      expect((await h.app.inject({ url: `${prefix}/tenant/limits/resources`, headers: auth(t.key) })).json()).toEqual(saved.json());
    }
    const llm = [{ resource: 'llm', metric: 'tokens', period: 'month', limit: 100000, gateAction: 'block' }];
    await put(t, [...definitions, ...llm, { resource: 'workflow', metric: 'count', period: 'day', limit: 100, scope: 'user' }]);
    const check = await h.app.inject({ method: 'POST', url: '/tenant/limits/resources/check', headers: auth(t.key), payload: { userId: 'user-123', resource: 'workflow', metric: 'count', amount: 1 } });
    expect(check.json()).toMatchObject({ allowed: true, gateAction: 'block', usage: { current: 0, limit: 10 }, remaining: 10, resetAt: expect.stringMatching(/T00:00:00.000Z$/), rule: { period: 'day', scope: 'tenant' } });
    const tracked = await h.app.inject({ method: 'POST', url: '/tenant/limits/resources/track', headers: auth(t.key), payload: { userId: 'user-123', resource: 'llm', metric: 'tokens', amount: 1500 } });
    expect(tracked.json()).toMatchObject({ allowed: true, usage: { current: 1500, limit: 100000 } });
    await post(t, 'track', { userId: 'user-123', resource: 'workflow', metric: 'count', amount: 4 });
    const usage = await h.app.inject({ url: '/tenant/limits/resources/usage?userId=user-123', headers: auth(t.key) });
    expect(usage.json()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ resource: 'workflow', metric: 'count', period: 'day', current: 4, limit: 100, percentage: 4, scope: 'user' }),
        expect.objectContaining({ resource: 'workflow', metric: 'count', period: 'day', current: 4, limit: 10, percentage: 40, scope: 'tenant' }),
        expect.objectContaining({ resource: 'llm', metric: 'tokens', period: 'month', current: 1500, limit: 100000, percentage: 1.5, scope: 'tenant' }),
      ]),
    );
    const tenantOnly = await h.app.inject({ url: '/api/v1/tenant/limits/resources/usage', headers: auth(t.key) });
    expect(tenantOnly.json().every((u: any) => u.scope === 'tenant')).toBe(true);
  });

  it('counts exactly under concurrency: N parallel tracks of k store N*k', async () => {
    const t = await h.register();
    await put(t, [{ resource: 'api', metric: 'requests', period: 'day', limit: -1 }]);
    const results = await Promise.all(Array.from({ length: 60 }, () => post(t, 'track', { resource: 'api', metric: 'requests', amount: 7 })));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect((await counters(t))[0].value).toBe(420);
  });

  it('consume admits exactly the limit under concurrency, and the count never passes it', async () => {
    const t = await h.register();
    await put(t, [{ resource: 'jobs', metric: 'runs', period: 'total', limit: 100 }]);
    const results = await Promise.all(Array.from({ length: 300 }, () => post(t, 'consume', { resource: 'jobs', metric: 'runs', amount: 1 })));
    const admitted = results.filter((r) => r.json().allowed).length;
    expect(admitted).toBe(100);
    expect((await counters(t))[0].value).toBe(100);
    const refused = results.find((r) => !r.json().allowed)!.json();
    expect(refused).toMatchObject({ allowed: false, usage: { current: 100, limit: 100 }, remaining: 0, resetAt: null });
    const gql = await h.gql(ConsumeLimit, { input: { resource: 'jobs', metric: 'runs' } }, t.key);
    expect(gql.data?.consumeLimit.allowed).toBe(false);
  });

  describe('a hot counter: consumes that queue behind its statement go together in the next', () => {
    /**
     * Holds the counter's row lock in another session while a consume of 1 and then consumes of
     * `amounts` arrive, so every one after the first queues behind the first's statement; then
     * lets go. Returns the queued ones' answers and how many statements were waiting on the lock
     * while it was held.
     */
    async function queuedConsumes(t: Registered, amounts: number[]) {
      const holder = new Client({ connectionString: h.ownerUrl });
      await holder.connect();
      try {
        await holder.query('begin');
        await holder.query(`select 1 from usage_counters where tenant_id = $1 for update`, [t.tenantId]);
        const first = post(t, 'consume', { resource: 'jobs', metric: 'runs', amount: 1 });
        const waiting = () => lockWaits('%usage_counters%');
        await until('the first consume to wait on the lock', async () => (await waiting()) > 0);
        // One at a time, each queued before the next is sent, so they queue in this order.
        const queued: ReturnType<typeof post>[] = [];
        for (const amount of amounts) {
          queued.push(post(t, 'consume', { resource: 'jobs', metric: 'runs', amount }));
          await until('the consume to queue', () => h.services.limits.queuedConsumes === queued.length);
        }
        const waited = await waiting();
        await holder.query('commit');
        expect((await first).json()).toMatchObject({ allowed: true, usage: { current: 2 } });
        return { answers: (await Promise.all(queued)).map((r) => r.json()), waited };
      } finally {
        await holder.end();
      }
    }
    /** Statements waiting on a lock, seen from a session of its own: a session in a transaction sees activity as it was when the transaction first looked. */
    const lockWaits = async (query: string) =>
      Number((await h.ownerSql(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database() and query like $1`, [query]))[0].n);
    const currents = (answers: any[]) => answers.filter((a) => a.allowed).map((a) => a.usage.current).sort((a, b) => a - b);
    /** A tenant whose jobs/runs counter has a total limit of `limit` and stands at 1. */
    const tenantAtOne = async (limit: number) => {
      const t = await h.register();
      await put(t, [{ resource: 'jobs', metric: 'runs', period: 'total', limit }]);
      await post(t, 'consume', { resource: 'jobs', metric: 'runs', amount: 1 });
      return t;
    };
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const limitEvents = async (t: Registered) =>
      (await h.sql<{ type: string; data: any }>(`select type, data from events where tenant_id = ? and type like 'limit.%' order by occurred_at`, [t.tenantId])).map((e) => [e.type, e.data.current]);

    it('one statement waits, and the batch answers each consume with its own count, as if they came one by one', async () => {
      const t = await tenantAtOne(15);
      const { answers, waited } = await queuedConsumes(t, Array(11).fill(1));
      expect(waited).toBe(1);
      expect(answers.every((a) => a.allowed)).toBe(true);
      expect(currents(answers)).toEqual(range(3, 13));
      expect((await counters(t))[0].value).toBe(13);
      // 80% of 15 is 12: reached inside the batch, at the consume that made it 12.
      expect(await limitEvents(t)).toEqual([['limit.threshold_reached', 12]]);
    });

    it('a batch that does not fit admits the run of it that fits, exactly up to the limit', async () => {
      const t = await tenantAtOne(10);
      const { answers, waited } = await queuedConsumes(t, Array(11).fill(1));
      expect(waited).toBe(1);
      expect(currents(answers)).toEqual(range(3, 10));
      const refused = answers.filter((a) => !a.allowed);
      expect(refused).toHaveLength(3);
      for (const a of refused) expect(a).toMatchObject({ usage: { current: 10, limit: 10 }, remaining: 0 });
      expect((await counters(t))[0].value).toBe(10);
      expect(await limitEvents(t)).toEqual([
        ['limit.threshold_reached', 8],
        ['limit.exceeded', 10],
      ]);
      const daily = await h.sql(`select sum(value)::int as n from usage_daily where tenant_id = ? and resource = 'jobs'`, [t.tenantId]);
      expect(daily[0].n).toBe(10);
    });

    it('mixed amounts: each is decided at its turn, and one refused does not hold back a smaller one that fits', async () => {
      const t = await tenantAtOne(10);
      // In this order, from 2, with 10 allowed:
      // 9 is refused at 2; 5 makes 7; 9 is refused at 7; 2 makes 9 (crossing 80%); 2 is refused at 9.
      const { answers, waited } = await queuedConsumes(t, [9, 5, 9, 2, 2]);
      expect(waited).toBe(1);
      expect(answers.map((a) => [a.allowed, a.usage.current])).toEqual([
        [false, 2],
        [true, 7],
        [false, 7],
        [true, 9],
        [false, 9],
      ]);
      expect(answers[0]).toMatchObject({ remaining: 8, rules: [{ exceeded: true }] });
      expect((await counters(t))[0].value).toBe(9);
      expect(await limitEvents(t)).toEqual([['limit.threshold_reached', 9]]);
    });

    it("a batch runs confined to its tenant's rows, whichever request started its queue", async () => {
      const t = await h.register();
      await put(t, [{ resource: 'jobs', metric: 'runs', period: 'total', limit: 10 }]);
      // Records the row-level scope each counter write runs under (a trigger of this test's own).
      await h.ownerSql(`create table scope_seen (setting text);
        create function note_scope() returns trigger language plpgsql security definer as $$
          begin insert into scope_seen values (current_setting('tenantry.tenant', true)); return new; end $$;
        create trigger note_scope before insert or update on usage_counters for each row execute function note_scope();`);
      try {
        // Work that may see every tenant (an operator's request, say) starts the queue.
        const ctx: ServiceContext = { em: h.orm.em.fork() as any, requestId: 'r', ip: '127.0.0.1', principal: null, tenantId: t.tenantId };
        const answer = await asPlatform(() => h.services.limits.consume(ctx, { resource: 'jobs', metric: 'runs' }));
        expect(answer).toMatchObject({ allowed: true, usage: { current: 1 } });
        expect(await h.ownerSql('select setting from scope_seen')).toEqual([{ setting: t.tenantId }]);
      } finally {
        await h.ownerSql('drop trigger note_scope on usage_counters; drop function note_scope(); drop table scope_seen;');
      }
    });
  });

  it('a consume over one limit raises none of the others', async () => {
    const t = await h.register();
    await put(t, [
      { resource: 'jobs', metric: 'runs', period: 'day', limit: 5 },
      { resource: 'jobs', metric: 'runs', period: 'month', limit: 1000 },
    ]);
    await post(t, 'track', { resource: 'jobs', metric: 'runs', amount: 5 });
    const res = await post(t, 'consume', { resource: 'jobs', metric: 'runs', amount: 1 });
    expect(res.json()).toMatchObject({ allowed: false, rule: { period: 'day' } });
    expect((await counters(t)).map((c) => [c.period, c.value])).toEqual([
      ['day', 5],
      ['month', 5],
    ]);
  });

  it('a retried track with the same idempotency key counts once, even when retried concurrently', async () => {
    const t = await h.register();
    await put(t, [{ resource: 'llm', metric: 'tokens', period: 'month', limit: -1 }]);
    const first = await post(t, 'track', { resource: 'llm', metric: 'tokens', amount: 500, idempotencyKey: 'req-1' });
    const retry = await post(t, 'track', { resource: 'llm', metric: 'tokens', amount: 500, idempotencyKey: 'req-1' });
    expect(first.json().replayed).toBeUndefined();
    expect(retry.json()).toMatchObject({ replayed: true, usage: { current: 500 } });
    await Promise.all(Array.from({ length: 10 }, () => post(t, 'track', { resource: 'llm', metric: 'tokens', amount: 100, idempotencyKey: 'req-2' })));
    expect((await counters(t))[0].value).toBe(600);
    // The same key for a different request is refused, not silently replayed.
    const reused = await post(t, 'track', { resource: 'llm', metric: 'tokens', amount: 999, idempotencyKey: 'req-1' });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().field).toBe('idempotencyKey');
    expect((await counters(t))[0].value).toBe(600);
  });

  it('picks the limit of the tenant plan tier, falling back to limit', async () => {
    const op = await h.operatorKey();
    const t = await h.register();
    await put(t, [{ resource: 'workflow', metric: 'count', period: 'day', limit: 50, tiers: { free: 10, pro: 100, enterprise: -1 } }]);
    const limitNow = async () => (await post(t, 'check', { resource: 'workflow', metric: 'count' })).json().usage.limit;
    expect(await limitNow()).toBe(10);
    for (const [plan, expected] of [['pro', 100], ['enterprise', -1], ['startup', 50], ['constructor', 50]] as const) {
      await h.app.inject({ method: 'PUT', url: `/api/v1/tenants/${t.tenantId}`, headers: auth(op), payload: { plan } });
      expect(await limitNow(), plan).toBe(expected);
    }
  });

  it('warn limits let usage through past the limit and say so; user limits count per user', async () => {
    const t = await h.register();
    await put(t, [
      { resource: 'exports', metric: 'count', period: 'day', limit: 1, gateAction: 'warn' },
      { resource: 'uploads', metric: 'count', period: 'day', limit: 2, scope: 'user' },
    ]);
    await post(t, 'consume', { resource: 'exports', metric: 'count' });
    const over = (await post(t, 'consume', { resource: 'exports', metric: 'count' })).json();
    expect(over).toMatchObject({ allowed: true, gateAction: 'warn', usage: { current: 2, limit: 1 } });
    expect(over.rules[0].exceeded).toBe(true);
    for (let i = 0; i < 2; i++) await post(t, 'consume', { userId: 'alice', resource: 'uploads', metric: 'count' });
    expect((await post(t, 'consume', { userId: 'alice', resource: 'uploads', metric: 'count' })).json().allowed).toBe(false);
    expect((await post(t, 'consume', { userId: 'bob', resource: 'uploads', metric: 'count' })).json().allowed).toBe(true);
    const noUser = await post(t, 'check', { resource: 'uploads', metric: 'count' });
    expect(noUser.statusCode).toBe(400);
    expect(noUser.json().field).toBe('userId');
  });

  it('refuses invalid definitions with 400 naming the path, changing nothing', async () => {
    const t = await h.register();
    const good = [{ resource: 'llm', metric: 'tokens', period: 'month', limit: 100 }];
    await put(t, good);
    const cases: [unknown, string][] = [
      [[{ resource: 'llm', metric: 'tokens', period: 'fortnight', limit: 1 }], '0.period'],
      [[{ resource: 'llm', metric: 'tokens', period: 'day', limit: -2 }], '0.limit'],
      [[{ resource: 'llm', metric: 'tokens', period: 'day', limit: 1.5 }], '0.limit'],
      [[{ resource: 'LLM', metric: 'tokens', period: 'day', limit: 1 }], '0.resource'],
      [[{ resource: 'llm', metric: 'tokens', period: 'day', limit: 1, gateAction: 'shout' }], '0.gateAction'],
      [[{ resource: 'llm', metric: 'tokens', period: 'day', limit: 1, scope: 'org' }], '0.scope'],
      [[{ resource: 'llm', metric: 'tokens', period: 'day', limit: 1, tiers: { pro: 'lots' } }], '0.tiers.pro'],
      [[{ resource: 'llm', metric: 'tokens', period: 'day', limit: 1, extra: true }], '0.extra'],
      [[good[0], good[0]], '1'],
      [{ resource: 'llm' }, ''],
    ];
    for (const [payload, field] of cases) {
      const res = await put(t, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field, JSON.stringify(payload)).toBe(field);
    }
    expect((await h.app.inject({ url: '/tenant/limits/resources', headers: auth(t.key) })).json()).toEqual([{ ...good[0], gateAction: 'block', scope: 'tenant' }]);
    for (const [action, payload, field] of [
      ['track', { resource: 'llm', metric: 'tokens', amount: -5 }, 'amount'],
      ['track', { resource: 'llm', metric: 'tokens', amount: 1, idempotencyKey: 'has space' }, 'idempotencyKey'],
      ['consume', { resource: 'llm', metric: 'tokens', amount: '5' }, 'amount'],
      ['check', { resource: 'llm' }, 'metric'],
    ] as const) {
      const res = await post(t, action, payload);
      expect(res.statusCode, `${action} ${JSON.stringify(payload)}`).toBe(400);
      expect(res.json().field).toBe(field);
    }
    expect(await counters(t)).toEqual([]);
  });
});

describe('windows', () => {
  it('are calendar-aligned in UTC: weeks start on Monday, months on the 1st', () => {
    const sunday = new Date('2026-11-29T23:59:59.999Z');
    expect(windowOf('week', sunday).start.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(windowOf('week', new Date('2026-11-30T00:00:00.000Z')).start.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(windowOf('month', new Date('2026-12-31T23:00:00Z')).end?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(windowOf('hour', new Date('2026-11-26T16:45:10Z')).start.toISOString()).toBe('2026-11-26T16:00:00.000Z');
    expect(windowOf('total', new Date()).end).toBeNull();
  });

  it('roll over at the window boundary (injected clock)', async () => {
    const t = await h.register();
    await put(t, [{ resource: 'reports', metric: 'count', period: 'month', limit: 3 }]);
    let now = new Date('2026-01-31T23:59:59.000Z');
    const limits = new LimitsService(h.services.audit, h.services.events, { now: () => now });
    const ctx: ServiceContext = { em: h.orm.em.fork() as any, requestId: 'r', ip: '127.0.0.1', principal: null, tenantId: t.tenantId };
    for (let i = 0; i < 3; i++) expect((await limits.consume(ctx, { resource: 'reports', metric: 'count' })).allowed).toBe(true);
    const full = await limits.consume(ctx, { resource: 'reports', metric: 'count' });
    expect(full).toMatchObject({ allowed: false, resetAt: '2026-02-01T00:00:00.000Z' });
    now = new Date('2026-02-01T00:00:00.000Z');
    expect(await limits.check(ctx, { resource: 'reports', metric: 'count' })).toMatchObject({ allowed: true, usage: { current: 0, limit: 3 } });
    expect((await limits.consume(ctx, { resource: 'reports', metric: 'count' })).usage.current).toBe(1);
  });
});

describe('usage reports (reference 002)', () => {
  it('summarise the month and list its days from tracked usage and counted API calls', async () => {
    const t = await h.register();
    await post(t, 'track', { resource: 'llm', metric: 'tokens', amount: 8000 });
    await post(t, 'track', { resource: 'llm', metric: 'tokens', amount: 1200 });
    await post(t, 'track', { resource: 'bandwidth', metric: 'bytes', amount: 4096 });
    await h.services.apiCalls.flush();
    const month = new Date().toISOString().slice(0, 7);
    for (const prefix of ['', '/api/v1']) {
      const summary = await h.app.inject({ url: `${prefix}/usage/summary`, headers: auth(t.key) });
      expect(summary.json()).toEqual({ tenant_id: t.tenantId, period: month, api_calls: expect.any(Number), llm_tokens: 9200, storage_bytes: 0, bandwidth_bytes: 4096 });
      // Every authenticated request so far (the three tracks) counted as an API call.
      expect(summary.json().api_calls).toBeGreaterThanOrEqual(3);
    }
    const history = await h.app.inject({ url: `/usage/history?period=${month}`, headers: auth(t.key) });
    expect(history.json()).toEqual({ history: [{ date: new Date().toISOString().slice(0, 10), api_calls: expect.any(Number), llm_tokens: 9200, bandwidth_bytes: 4096 }] });
    const empty = await h.gql(UsageSummary, { period: '2020-01' }, t.key);
    expect(empty.data?.usageSummary).toEqual({ period: '2020-01', api_calls: 0, llm_tokens: 0, storage_bytes: 0, bandwidth_bytes: 0 });
    expect((await h.gql(UsageHistory, { period: '2020-01' }, t.key)).data?.usageHistory).toEqual([]);
    for (const bad of ['2024-13', '2024', 'last-month']) {
      const res = await h.app.inject({ url: `/usage/summary?period=${bad}`, headers: auth(t.key) });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().field).toBe('period');
    }
  });

  it('counts API calls without writing on the request path', async () => {
    const t = await h.register();
    await h.services.apiCalls.flush();
    const before = await h.sql(`select coalesce(sum(value), 0)::int as n from usage_daily where tenant_id = ? and resource = 'api'`, [t.tenantId]);
    for (let i = 0; i < 5; i++) await h.app.inject({ url: '/api/v1/tenant', headers: auth(t.key) });
    const unflushed = await h.sql(`select coalesce(sum(value), 0)::int as n from usage_daily where tenant_id = ? and resource = 'api'`, [t.tenantId]);
    expect(unflushed[0].n).toBe(before[0].n);
    await h.services.apiCalls.flush();
    const after = await h.sql(`select coalesce(sum(value), 0)::int as n from usage_daily where tenant_id = ? and resource = 'api'`, [t.tenantId]);
    expect(after[0].n - before[0].n).toBe(5);
  });
});
