import { randomBytes } from 'node:crypto';
import { print } from 'graphql';
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { TenantRateLimiter } from '../src/modules/limits/rate-limiter';
import { createServices } from '../src/services';
import { useHarness, type Registered } from './support/harness';
import { CurrentTenant } from './support/operations';
import { until } from './support/server-process';

const h = useHarness({ TENANTRY_RATE_LIMIT_PER_MINUTE: '5' });

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const read = (t: Registered) => h.app.inject({ url: '/api/v1/tenant', headers: auth(t.key) });
const gqlTenant = (key: string) => h.app.inject({ method: 'POST', url: '/graphql', headers: auth(key), payload: { query: print(CurrentTenant) } });

describe("per-tenant rate limits on Tenantry's own API", () => {
  it('counts every authenticated request; past the limit 429 with Retry-After and RateLimit headers; a quiet tenant is unaffected', async () => {
    const noisy = await h.register();
    const quiet = await h.register();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await read(noisy));
    // GraphQL counts in the same window and sends the same headers.
    answers.push(await gqlTenant(noisy.key));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(answers[4].json().data.tenant.id).toBe(noisy.tenantId);
    expect(answers.map((a) => a.headers['ratelimit-remaining'])).toEqual(['4', '3', '2', '1', '0']);
    expect(answers[0].headers['ratelimit-limit']).toBe('5');
    expect(Number(answers[0].headers['ratelimit-reset'])).toBeGreaterThan(0);
    const limited = await read(noisy);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: 'Too Many Requests', message: expect.stringMatching(/Rate limit of 5 requests per 60 s/) });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    const gql = await gqlTenant(noisy.key);
    expect(gql.json().errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(Number(gql.headers['retry-after'])).toBeGreaterThan(0);
    expect(gql.headers['ratelimit-remaining']).toBe('0');
    expect(gql.headers['ratelimit-limit']).toBe('5');
    expect((await read(quiet)).statusCode).toBe(200);
  });

  it("a tenant's own rateLimit lowers its limit but cannot raise it above the plan's", async () => {
    const t = await h.register();
    await h.app.inject({ method: 'POST', url: '/tenant/config', headers: auth(t.key), payload: { rateLimit: { enabled: true, default: { max: 2 } } } });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await read(t)).statusCode);
    // The save itself was the first request; the limit of 2 applied from the next one.
    expect(codes).toContain(429);
    const greedy = await h.register();
    await h.app.inject({ method: 'POST', url: '/tenant/config', headers: auth(greedy.key), payload: { rateLimit: { enabled: true, default: { max: 1000 } } } });
    const seen = [];
    for (let i = 0; i < 6; i++) seen.push((await read(greedy)).headers['ratelimit-limit']);
    expect(seen.filter((v) => v !== undefined).every((v) => v === '5')).toBe(true);
  });

  it('does not limit operators or requests without a key', async () => {
    const op = await h.operatorKey();
    for (let i = 0; i < 8; i++) expect((await h.app.inject({ url: '/api/v1/operator-keys', headers: auth(op) })).statusCode).toBe(200);
    for (let i = 0; i < 8; i++) expect((await h.app.inject({ url: '/api/v1/tenant' })).statusCode).toBe(401);
  });

  it('in process, a tenant whose rate configuration is cached is counted at once, without a promise, in the same count as its requests', async () => {
    const t = await h.register();
    expect((await read(t)).headers['ratelimit-remaining']).toBe('4');
    // The request path counts without waiting on anything once the configuration is cached (maybe.ts).
    const counted = h.services.rateLimiter.consume(() => h.orm.em.fork(), t.tenantId);
    expect(counted).not.toBeInstanceOf(Promise);
    expect(counted).toEqual({ limit: 5, remaining: 3, reset: expect.any(Number) });
    expect((await read(t)).headers['ratelimit-remaining']).toBe('2');
  });

  it('a configuration read that raced its invalidation answers its request but is not kept', async () => {
    const t = await h.register();
    const limiter = new TenantRateLimiter(5);
    const em = () => h.orm.em.fork();
    // Holds the read back: it waits for the lock while the configuration changes.
    const owner = new Client({ connectionString: h.ownerUrl });
    await owner.connect();
    try {
      await owner.query('begin');
      await owner.query('lock table tenant_configs in access exclusive mode');
      const raced = limiter.consume(em, t.tenantId);
      expect(raced).toBeInstanceOf(Promise);
      // pg_locks, not pg_stat_activity: this connection is inside a transaction, where
      // pg_stat_activity answers from a snapshot taken at its first look and would never see the read arrive.
      const waiting = `select 1 from pg_locks where not granted and relation = 'tenant_configs'::regclass
        and database = (select oid from pg_database where datname = current_database())`;
      await until('the read to wait for the lock', async () => (await owner.query(waiting)).rowCount! > 0);
      limiter.invalidate(t.tenantId);
      await owner.query('rollback');
      expect(await raced).toMatchObject({ limit: 5, remaining: 4 });
    } finally {
      await owner.end();
    }
    // Not kept: the next request reads the configuration again. One that did not race is kept.
    const next = limiter.consume(em, t.tenantId);
    expect(next).toBeInstanceOf(Promise);
    expect(await next).toMatchObject({ remaining: 3 });
    expect(limiter.consume(em, t.tenantId)).toMatchObject({ remaining: 2 });
  });

  it.runIf(process.env.REDIS_URL)('shares one limit between two instances through Redis', async () => {
    const t = await h.register();
    const config = { ...h.config, redisUrl: process.env.REDIS_URL, rateLimitPerMinute: 4, masterKey: randomBytes(32) };
    const [a, b] = [await buildApp(createServices(h.orm, config, () => {})), await buildApp(createServices(h.orm, config, () => {}))];
    try {
      const codes = [];
      for (let i = 0; i < 3; i++) {
        codes.push((await a.inject({ url: '/api/v1/tenant', headers: auth(t.key) })).statusCode);
        codes.push((await b.inject({ url: '/api/v1/tenant', headers: auth(t.key) })).statusCode);
      }
      expect(codes).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('rate limit windows', () => {
  it('a window the tenant sets counts each request once, alongside the plan window', async () => {
    const t = await h.register();
    await h.app.inject({ method: 'POST', url: '/tenant/config', headers: auth(t.key), payload: { rateLimit: { enabled: true, default: { max: 4, windowMs: 60000 } } } });
    const remaining = [];
    for (let i = 0; i < 3; i++) remaining.push((await read(t)).headers['ratelimit-remaining']);
    // The save was request 1 (plan window); its own window starts counting from the next read.
    expect(remaining).toEqual(['2', '1', '0']);
  });

  it('a long window of the tenant cannot lift the per-minute plan limit', async () => {
    const t = await h.register();
    await h.app.inject({ method: 'POST', url: '/tenant/config', headers: auth(t.key), payload: { rateLimit: { enabled: true, default: { max: 1000, windowMs: 86400000 } } } });
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push((await read(t)).statusCode);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0);
  });
});
