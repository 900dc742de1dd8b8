import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { Histogram, Registry } from 'prom-client';
import { buildApp } from '../src/app';
import { loadConfig, type Config } from '../src/config';
import { RequestDurations } from '../src/metrics';
import { RequestLog } from '../src/request-log';
import { createServices } from '../src/services';
import { useHarness } from './support/harness';

const h = useHarness({ TENANTRY_RATE_LIMIT_PER_MINUTE: '5' });
const off = useHarness({ TENANTRY_METRICS: 'false' });
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

const metric = (text: string, line: RegExp) => {
  const found = text.split('\n').find((l) => line.test(l));
  return found ? Number(found.split(' ').at(-1)) : 0;
};

describe('Prometheus metrics at /metrics', () => {
  it('counts requests by route and status, latencies, auth failures and rate-limit refusals', async () => {
    const t = await h.register();
    const before = (await h.app.inject({ url: '/metrics' })).body;
    await h.app.inject({ url: '/api/v1/tenant', headers: auth(t.key) });
    await h.app.inject({ url: '/api/v1/tenant' });
    await h.app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: { query: '{ tenant { id } }' } });
    // Five requests a minute: the rest of these are refused.
    for (let i = 0; i < 6; i++) await h.app.inject({ url: '/api/v1/tenant', headers: auth(t.key) });
    const res = await h.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    const after = res.body;
    const delta = (line: RegExp) => metric(after, line) - metric(before, line);
    expect(delta(/^tenantry_http_requests_total\{method="GET",route="\/api\/v1\/tenant",status="200"\}/)).toBeGreaterThanOrEqual(1);
    expect(delta(/^tenantry_http_requests_total\{method="GET",route="\/api\/v1\/tenant",status="401"\}/)).toBe(1);
    expect(delta(/^tenantry_http_requests_total\{method="GET",route="\/api\/v1\/tenant",status="429"\}/)).toBeGreaterThanOrEqual(1);
    expect(delta(/^tenantry_auth_failures_total\{door="rest",reason="unauthenticated"\}/)).toBe(1);
    expect(delta(/^tenantry_auth_failures_total\{door="graphql",reason="unauthenticated"\}/)).toBe(1);
    expect(delta(/^tenantry_rate_limited_total\{door="rest"\}/)).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/^tenantry_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/v1\/tenant"\}/m);
    expect(after).toMatch(/^tenantry_db_pool_connections\{state="used"\} \d+/m);
    expect(after).toMatch(/^tenantry_webhook_backlog\{kind="due_deliveries"\} \d+/m);
    expect(after).toMatch(/^tenantry_nodejs_eventloop_lag_p99_seconds /m);
    expect(after).toMatch(/^tenantry_hot_consumes_queued 0$/m);
    // Routes as declared: no tenant id, key or raw path in any label.
    expect(after).not.toContain(t.tenantId);
    expect(after).not.toContain(t.key.slice(0, 12));
  });

  it('count hot-path consumes and the statements they took', async () => {
    const t = await h.register();
    await h.app.inject({ method: 'PUT', url: '/tenant/limits/resources', headers: auth(t.key), payload: [{ resource: 'jobs', metric: 'runs', period: 'day', limit: 100 }] });
    const before = (await h.app.inject({ url: '/metrics' })).body;
    for (let i = 0; i < 3; i++) {
      await h.app.inject({ method: 'POST', url: '/tenant/limits/resources/consume', headers: auth(t.key), payload: { resource: 'jobs', metric: 'runs' } });
    }
    const after = (await h.app.inject({ url: '/metrics' })).body;
    const delta = (line: RegExp) => metric(after, line) - metric(before, line);
    // One at a time: nothing to batch, a statement each.
    expect(delta(/^tenantry_hot_consumes_total /)).toBe(3);
    expect(delta(/^tenantry_hot_statements_total /)).toBe(3);
  });

  it("exports request durations exactly as prom-client's own histogram would", async () => {
    const config = { name: 'durations', help: 'Durations', labelNames: ['method', 'route'] as const, buckets: [0.001, 0.01, 0.5] };
    const ours = new Registry();
    const theirs = new Registry();
    const durations = new RequestDurations({ ...config, labelNames: [...config.labelNames], registers: [ours] });
    const reference = new Histogram({ ...config, labelNames: [...config.labelNames], registers: [theirs] });
    const get = durations.series({ method: 'GET', route: '/a/:id' });
    const post = durations.series({ method: 'POST', route: 'quote"back\\slash' });
    // On a bound, between, past the last, zero: every bucket edge.
    const seen: [typeof get, string, number][] = [
      [get, 'GET', 0.001], [get, 'GET', 0.0005], [get, 'GET', 0.2], [get, 'GET', 7], [get, 'GET', 0],
      [post, 'POST', 0.01], [post, 'POST', 0.5], [post, 'POST', 0.0100001],
    ];
    for (const [series, method, seconds] of seen) {
      series.observe(seconds);
      reference.observe({ method, route: series.labels.route }, seconds);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    // As JSON too (the cluster aggregator's form), but for prom-client's empty exemplar fields.
    const withoutExemplars = (metrics: Awaited<ReturnType<Registry['getMetricsAsJSON']>>) =>
      metrics.map((m) => ({ ...m, values: m.values.map(({ exemplar: _, ...v }: { exemplar?: unknown }) => v) }));
    expect(withoutExemplars(await ours.getMetricsAsJSON())).toEqual(withoutExemplars(await theirs.getMetricsAsJSON()));
    expect(await ours.metrics()).toContain('durations_bucket{le="0.01",method="POST",route="quote\\"back\\\\slash"} 1');
    ours.resetMetrics();
    theirs.resetMetrics();
    get.observe(0.002);
    reference.observe({ method: 'GET', route: '/a/:id' }, 0.002);
    // prom-client forgets reset series; ours keeps them at zero, which Prometheus reads the same.
    expect(await ours.metrics()).toContain((await theirs.metrics()).split('\n').find((l) => l.includes('le="0.01"')));
  });

  it('is off with TENANTRY_METRICS=false', async () => {
    expect((await off.app.inject({ url: '/metrics' })).statusCode).toBe(404);
  });
});

/** An app of its own with these logging settings, and the log lines it writes. */
async function loggingApp(logging: Pick<Config, 'logLevel' | 'logRequests'>) {
  const lines: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (c) => lines.push(...String(c).split('\n').filter(Boolean)));
  const app = await buildApp(createServices(h.orm, { ...h.config, ...logging }, () => {}), { logStream: stream });
  return { app, lines };
}

describe('structured logs', () => {
  it('name the request id, tenant and key prefix on every line after authentication, never the key', async () => {
    const t = await h.register();
    const { app, lines } = await loggingApp({ logLevel: 'info', logRequests: true });
    let requestId = '';
    try {
      const res = await app.inject({ url: '/api/v1/tenant?token=secret-in-query', headers: auth(t.key) });
      requestId = String(res.headers['x-request-id']);
    } finally {
      await app.close();
    }
    const entries = lines.map((l) => JSON.parse(l));
    const completed = entries.find((e) => e.msg === 'request completed' && e.reqId === requestId);
    expect(completed).toMatchObject({ tenantId: t.tenantId, keyPrefix: t.key.slice(0, completed?.keyPrefix?.length ?? 0), res: { statusCode: 200 } });
    expect(completed.keyPrefix.length).toBeGreaterThan(5);
    expect(lines.join('\n')).not.toContain(t.key);
    expect(lines.join('\n')).not.toContain('secret-in-query');
  });

  it('name the request id, tenant and key prefix on an error line that is a request\'s first', async () => {
    // At the default level nothing is logged before the error: the request's logger is made
    // only then (request-log.ts), and must still carry what authentication added to it.
    const t = await h.register();
    const { app, lines } = await loggingApp({ logLevel: 'info', logRequests: false });
    await h.ownerSql('alter table tenant_settings rename to tenant_settings_gone');
    let res, gql;
    try {
      res = await app.inject({ url: '/api/tenant-setting', headers: auth(t.key) });
      gql = await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', ...auth(t.key) }, payload: { query: '{ tenantSettings { name } }' } });
    } finally {
      await h.ownerSql('alter table tenant_settings_gone rename to tenant_settings');
      await app.close();
    }
    expect(res.statusCode).toBe(500);
    expect(gql.json().errors[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: gql.headers['x-request-id'] });
    const entries = lines.map((l) => JSON.parse(l));
    // At both doors: the REST request's line and the GraphQL request's, each with its stack.
    for (const answer of [res, gql]) {
      const failed = entries.find((e) => e.msg === 'unexpected error' && e.reqId === answer.headers['x-request-id']);
      expect(failed).toMatchObject({ level: 50, tenantId: t.tenantId, err: { stack: expect.stringMatching(/tenant_settings/) } });
      expect(t.key.startsWith(failed.keyPrefix)).toBe(true);
      expect(failed.keyPrefix.length).toBeGreaterThan(5);
    }
    expect(lines.join('\n')).not.toContain(t.key);
  });

  it("build no logger for a request that writes no line", async () => {
    const t = await h.register();
    const { app } = await loggingApp({ logLevel: 'info', logRequests: false });
    const children = vi.spyOn(app.log, 'child');
    try {
      expect((await app.inject({ url: '/api/v1/tenant', headers: auth(t.key) })).statusCode).toBe(200);
      expect((await app.inject({ url: '/api/v1/tenant' })).statusCode).toBe(401);
      expect((await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', ...auth(t.key) }, payload: { query: '{ tenant { id } }' } })).statusCode).toBe(200);
      expect((await app.inject({ url: '/nowhere' })).statusCode).toBe(404);
      expect(children).not.toHaveBeenCalled();
    } finally {
      await app.close();
    }
  });

  it("a request's logger drops a line below its level without making a child, and honours a route's level", () => {
    const lines: Record<string, unknown>[] = [];
    const root = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    const children = vi.spyOn(root, 'child');
    const log = new RequestLog(root, { reqId: 'r1' }, {});
    log.setBindings({ tenantId: 't1' });
    expect([log.isLevelEnabled('debug'), log.isLevelEnabled('warn'), log.level]).toEqual([false, true, 'info']);
    log.debug('below the level');
    expect(children).not.toHaveBeenCalled();
    expect(log.bindings()).toEqual({ reqId: 'r1', tenantId: 't1' });
    log.warn({ detail: 1 }, 'kept %s', 'line');
    expect(children).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([expect.objectContaining({ level: 40, reqId: 'r1', tenantId: 't1', detail: 1, msg: 'kept line' })]);
    // A route's own level (Fastify's `logLevel`) comes as the child's option.
    const verbose = new RequestLog(root, { reqId: 'r2' }, { level: 'debug' });
    expect(verbose.isLevelEnabled('debug')).toBe(true);
    verbose.debug('kept');
    expect(lines.at(-1)).toMatchObject({ level: 20, reqId: 'r2', msg: 'kept' });
  });

  it('write nothing per request at the default level unless request logging is turned on', async () => {
    const t = await h.register();
    const defaults = loadConfig({ NODE_ENV: 'test', TENANTRY_MASTER_KEY: randomBytes(32).toString('base64') });
    expect([defaults.logLevel, defaults.logRequests]).toEqual(['info', false]);
    const { app, lines } = await loggingApp({ logLevel: defaults.logLevel, logRequests: defaults.logRequests });
    try {
      for (let i = 0; i < 5; i++) expect((await app.inject({ url: '/api/v1/tenant', headers: auth(t.key) })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
    expect(lines.filter((l) => JSON.parse(l).reqId)).toEqual([]);
  });
});
