import type { FastifyInstance } from 'fastify';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded';
import { initOrm, migrateAsOwner } from '../src/db/orm';
import { createServices } from '../src/services';
import { databaseUnavailable } from '../src/errors';
import { windowOf } from '../src/modules/limits/limit-definition';
import { useHarness, type Harness, type Registered } from './support/harness';
import { until } from './support/server-process';

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
// A statement may run 1 s; a request waits 300 ms at most for a connection. (The statement
// timeout has room for a loaded CI machine's ordinary statements, registration's included.)
const quick = useHarness({ TENANTRY_STATEMENT_TIMEOUT_MS: '1000', TENANTRY_POOL_TIMEOUT_MS: '2000' });
const slow = useHarness({ TENANTRY_STATEMENT_TIMEOUT_MS: '4000', TENANTRY_POOL_TIMEOUT_MS: '300' });

/** Holds the tenant's row lock from outside Tenantry until `release` is called. */
async function lockTenantRow(h: Harness, tenantId: string) {
  const client = new Client({ connectionString: h.orm.config.getClientUrl() });
  await client.connect();
  await client.query('begin');
  await client.query('select 1 from tenants where id = $1 for update', [tenantId]);
  return async () => {
    await client.query('rollback');
    await client.end();
  };
}

const rename = (h: Harness, t: Registered, name: string) =>
  h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload: { name } });

describe('database faults answer 503 with Retry-After, never 500, and service resumes', () => {
  it('a statement past the statement timeout', async () => {
    const t = await quick.register();
    const release = await lockTenantRow(quick, t.tenantId);
    try {
      const started = Date.now();
      const res = await rename(quick, t, 'Blocked');
      expect(res.statusCode, res.body).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toEqual({ error: 'Service Unavailable', message: 'The database took too long to answer; try again' });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await release();
    }
    expect((await rename(quick, t, 'After')).statusCode).toBe(200);
    expect((await quick.sql('select name from tenants where id = ?', [t.tenantId]))[0].name).toBe('After');
  });

  it('a protocol violation (08P01) is not an outage: retrying would fail the same way, so no 503', async () => {
    const client = new Client({ connectionString: quick.orm.config.getClientUrl() });
    await client.connect();
    const err = await client.query({ text: 'select $1::int + $2::int', values: [1] }).catch((e: unknown) => e);
    await client.end();
    expect((err as { code?: string }).code).toBe('08P01');
    expect(databaseUnavailable(err)).toBeNull();
    // The rest of its class still is: a connection lost mid-statement. So is 08P01 when it closes
    // the connection, as PgBouncer reports a full pool (its error, as pg hands it over).
    expect(databaseUnavailable({ code: '08006', message: 'connection failure' })?.status).toBe(503);
    expect(databaseUnavailable({ code: '08P01', severity: 'FATAL', message: 'query_wait_timeout' })?.status).toBe(503);
  });

  it('an exhausted pool', async () => {
    const t = await slow.register();
    const release = await lockTenantRow(slow, t.tenantId);
    let blocked: Promise<unknown>[] = [];
    try {
      // Five changes wait on the lock, each holding one of the pool's five connections.
      blocked = Array.from({ length: 5 }, (_, i) => rename(slow, t, `Waiting ${i}`));
      // Waited for, not slept on: on a loaded machine opening five connections can take longer.
      await until('the five changes to wait on the lock', async () => {
        const rows = await slow.ownerSql(`select 1 from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database() and query like '%tenants%'`);
        return rows.length >= 5;
      });
      const started = Date.now();
      const res = await slow.app.inject({ url: '/api/v1/tenant', headers: auth(t.key) });
      expect(res.statusCode, res.body).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(Date.now() - started).toBeLessThan(2000);
      const gql = await slow.app.inject({ method: 'POST', url: '/graphql', headers: { ...auth(t.key), 'content-type': 'application/json' }, payload: { query: '{ tenantSettings { name } }' } });
      expect(gql.statusCode).toBe(503);
      expect(gql.headers['retry-after']).toBe('5');
      expect(gql.json().errors[0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfter: 5 });
    } finally {
      await release();
      await Promise.all(blocked);
    }
    expect((await slow.app.inject({ url: '/api/v1/tenant', headers: auth(t.key) })).statusCode).toBe(200);
  });

  it('a statement that fails inside a batch of consumes fails only the consumes it carried; those admitted before it stand', async () => {
    const t = await slow.register();
    await slow.app.inject({ method: 'PUT', url: '/tenant/limits/resources', headers: auth(t.key), payload: [{ resource: 'jobs', metric: 'runs', period: 'total', limit: 10 }] });
    const consume = (amount: number) => slow.app.inject({ method: 'POST', url: '/tenant/limits/resources/consume', headers: auth(t.key), payload: { resource: 'jobs', metric: 'runs', amount } });
    const stored = async () => (await slow.sql(`select value::int as n from usage_counters where tenant_id = ?`, [t.tenantId]))[0].n;
    expect((await consume(1)).json().usage.current).toBe(1);
    const session = async () => {
      const client = new Client({ connectionString: slow.orm.config.getClientUrl() });
      await client.connect();
      await client.query('begin');
      return client;
    };
    // One session holds the counter, so the consumes below queue behind the first; another
    // holds an uncommitted 80% alert, so the statement that would cross 80% waits on it until
    // the statement timeout.
    const counter = await session();
    const alert = await session();
    try {
      await counter.query('select 1 from usage_counters where tenant_id = $1 for update', [t.tenantId]);
      await alert.query(`insert into limit_alerts (tenant_id, rule, window_start, level) values ($1, 'jobs/runs/total/tenant/', $2, '80')`, [t.tenantId, windowOf('total', new Date()).start]);
      const first = consume(1);
      await until('the first consume to wait on the counter', async () => {
        const rows = await slow.ownerSql(`select 1 from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database() and query like '%usage_counters%'`);
        return rows.length > 0;
      });
      const queued: ReturnType<typeof consume>[] = [];
      for (const amount of [5, 9, 2]) {
        queued.push(consume(amount));
        await until('the consume to queue', () => slow.services.limits.queuedConsumes === queued.length);
      }
      await counter.query('commit');
      // From 2 with 10 allowed: 5 makes 7 in one statement, 9 is refused at 7, and the 2 that
      // would make 9 goes in a second statement, which times out on the alert.
      expect((await first).json().usage.current).toBe(2);
      const [five, nine, two] = await Promise.all(queued);
      expect(five.json()).toMatchObject({ allowed: true, usage: { current: 7 } });
      expect(nine.json()).toMatchObject({ allowed: false, usage: { current: 7 } });
      expect(two.statusCode, two.body).toBe(503);
      expect(two.headers['retry-after']).toBe('5');
      expect(await stored()).toBe(7);
    } finally {
      await counter.end();
      await alert.end();
    }
    expect((await consume(2)).json()).toMatchObject({ allowed: true, usage: { current: 9 } });
    expect(await stored()).toBe(9);
  });

  it("connections terminated by the server (pg_terminate_backend)", async () => {
    const t = await quick.register();
    expect((await quick.app.inject({ url: '/api/v1/tenant', headers: auth(t.key) })).statusCode).toBe(200);
    const admin = new Client({ connectionString: quick.orm.config.getClientUrl() });
    await admin.connect();
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    await admin.end();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await quick.app.inject({ url: '/api/v1/tenant', headers: auth(t.key) })).statusCode);
    expect(statuses.every((s) => s === 200 || s === 503), statuses.join(',')).toBe(true);
    expect(statuses.slice(-3)).toEqual([200, 200, 200]);
  });
});

describe("the query builder's warnings", () => {
  it('go to the logger given, not to bare console lines', async () => {
    const seen: [string, string][] = [];
    const printed = vi.spyOn(console, 'log');
    const orm = await initOrm({ url: quick.orm.config.getClientUrl(), poolMax: 1, driverLog: (level, message) => seen.push([level, message]) });
    try {
      const [{ pid }] = await orm.em.getConnection().execute<{ pid: number }[]>('select pg_backend_pid() as pid');
      // The pooled connection dies while idle: knex warns when it next hands it out.
      const admin = new Client({ connectionString: quick.ownerUrl });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [pid]);
      await admin.end();
      await until('the pool to notice the dead connection', async () => {
        await orm.em.getConnection().execute('select 1').catch(() => undefined);
        return seen.length > 0;
      }, 10_000);
      expect(seen[0][0]).toBe('warn');
      expect(seen[0][1]).toMatch(/^Connection Error/);
      expect(printed.mock.calls.flat().join('\n')).not.toContain('Connection Error');
    } finally {
      printed.mockRestore();
      await orm.close();
    }
  });
});

describe('PostgreSQL restarting under load', () => {
  let db: EmbeddedDatabase;
  let dataDir: string;
  let port: number;
  let app: FastifyInstance;
  let close: () => Promise<void>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-fault-'));
    if (process.getuid?.() === 0) fs.chmodSync(dataDir, 0o711);
    db = await startEmbeddedPostgres({ dataDir, persistent: true });
    port = Number(new URL(db.url).port);
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      TENANTRY_REGISTRATIONS_PER_HOUR: '0',
      TENANTRY_RATE_LIMIT_PER_MINUTE: '0',
      TENANTRY_MASTER_KEY: randomBytes(32).toString('base64'),
      TENANTRY_POOL_TIMEOUT_MS: '1000',
    });
    await migrateAsOwner(db.url);
    const orm = await initOrm({ url: db.url, poolMax: 5, acquireTimeoutMs: 1000, statementTimeoutMs: 5000 });
    const services = createServices(orm, config, () => {});
    app = await buildApp(services);
    close = async () => {
      await app.close();
      await orm.close();
    };
  }, 120_000);

  afterAll(async () => {
    await close?.();
    await db?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 during the outage, resumes by itself, and loses or doubles no acknowledged write', async () => {
    const reg = await app.inject({ method: 'POST', url: '/api/v1/tenants', payload: { name: 'Under load' } });
    const { api_key: key, tenant_id: tenantId } = reg.json();
    await app.inject({ method: 'PUT', url: '/tenant/limits/resources', headers: auth(key), payload: [{ resource: 'jobs', metric: 'runs', period: 'month', limit: -1 }] });

    let acknowledged = 0;
    let unavailable = 0;
    const unexpected: string[] = [];
    let running = true;
    const worker = async () => {
      while (running) {
        const res = await app.inject({ method: 'POST', url: '/tenant/limits/resources/consume', headers: auth(key), payload: { resource: 'jobs', metric: 'runs', amount: 1 } });
        if (res.statusCode === 200 && res.json().allowed) acknowledged++;
        else if (res.statusCode === 503 && res.headers['retry-after']) {
          unavailable++;
          await new Promise((r) => setTimeout(r, 50));
        } else unexpected.push(`${res.statusCode} ${res.body}`);
      }
    };
    const load = Array.from({ length: 6 }, worker);
    await new Promise((r) => setTimeout(r, 1500));
    const before = acknowledged;
    await db.stop();
    await new Promise((r) => setTimeout(r, 1000));
    db = await startEmbeddedPostgres({ dataDir, persistent: true, port });
    const restartedAt = Date.now();
    // Service resumes by itself: acknowledged writes grow again within seconds.
    const atRestart = acknowledged;
    while (acknowledged < atRestart + 50) {
      if (Date.now() - restartedAt > 15_000) throw new Error('no acknowledged write within 15 s of the restart');
      await new Promise((r) => setTimeout(r, 50));
    }
    running = false;
    await Promise.all(load);

    expect(unexpected).toEqual([]);
    expect(before).toBeGreaterThan(0);
    expect(unavailable).toBeGreaterThan(0);
    const check = new Client({ connectionString: db.url });
    await check.connect();
    const { rows } = await check.query(`select coalesce(sum(value), 0)::int as n from usage_counters where tenant_id = $1 and resource = 'jobs'`, [tenantId]);
    await check.end();
    // Every acknowledged consume is stored; none twice. A consume whose commit raced the
    // shutdown may be stored without its answer arriving (counted as unavailable).
    expect(rows[0].n).toBeGreaterThanOrEqual(acknowledged);
    expect(rows[0].n - acknowledged).toBeLessThanOrEqual(6);
  }, 60_000);
});
