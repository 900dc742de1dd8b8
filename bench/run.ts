/**
 * `npm run bench`: Tenantry against baselines measured in the same run, on the same machine.
 * Every figure is a ratio to its baseline, taken from interleaved rounds (A B A B ...) so drift
 * in the machine's load hits both sides alike; every response body is checked. Writes
 * bench/results.json and bench/results.md.
 *
 * BENCH_ROUND_SECONDS (5), BENCH_ROUNDS (3 per side), BENCH_SOAK_SECONDS (300) and DATABASE_URL
 * (default: an embedded PostgreSQL in a temporary directory) tune it.
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { buildApp } from '../src/app';
import { generateKey } from '../src/auth/key-format';
import { loadConfig } from '../src/config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded';
import { initOrm, migrateAsOwner } from '../src/db/orm';
import { projectRoot } from '../src/paths';
import { CONSUME_ONE_SQL } from '../src/modules/limits/limits.service';
import { createServices } from '../src/services';

const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** The unrecorded warm-up round per side: enough for the JIT and the pools, shorter than a round. */
const WARM_SECONDS = Math.min(2, ROUND_SECONDS);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 300);
const CONNECTIONS = 32;
/** Calibration rows (no target) take fewer rounds, to keep the whole run under 10 minutes. */
const CALIBRATION_ROUNDS = 2;
/** The pool size Tenantry runs with (ormConfig's default): the raw loops get the same. */
const POOL = 10;

const root = projectRoot();
const dist = path.join(root, 'dist');
const children: ChildProcess[] = [];
const say = (line: string) => process.stdout.write(line + '\n');

interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
  target: string;
  pass: boolean;
  note?: string;
}
const figures: Figure[] = [];

function record(f: Omit<Figure, 'ratio'> & { ratio?: number }) {
  figures.push(f);
  const ratio = f.ratio !== undefined ? `  ratio ${f.ratio.toFixed(2)}` : '';
  say(`  ${f.pass ? 'PASS' : 'MISS'} ${f.name}: ${round(f.value)} ${f.unit}${ratio} (target ${f.target})${f.note ? `  ${f.note}` : ''}`);
}

const round = (n: number) => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 100) / 100);
/** Of an even count, the mean of the middle two: the calibration rows' two rounds each. */
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * A child process that reports readiness: baselines send their port, Tenantry prints its URL.
 * Every side runs as deployed (NODE_ENV=production): Tenantry at its default log level, what a
 * deployment that changed nothing pays per request, and graphql-js, in bare Apollo as in
 * Tenantry, without the extra checks it makes per value outside production.
 */
function start(script: string, env: Record<string, string> = {}, execArgv: string[] = []): Promise<{ child: ChildProcess; base: string }> {
  const child = fork(script, [], { env: { PATH: process.env.PATH, NODE_ENV: 'production', ...env }, execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${output}`)), 90_000);
    const done = (base: string) => {
      clearTimeout(timer);
      resolve({ child, base });
    };
    child.on('message', (m: { port?: number }) => m.port && done(`http://127.0.0.1:${m.port}`));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /REST:\s+(http:\/\/[\d.]+:\d+)\/api\/v1/.exec(output);
      if (match) done(match[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${script} exited (${code}):\n${output}`)));
  });
}

type Cannon = Parameters<typeof autocannon>[0];

/** One autocannon run; every body is checked, and any mismatch or non-2xx fails the bench. */
async function load(label: string, opts: Cannon & { verify: (body: string) => boolean }): Promise<{ rps: number; ok: number; p99: number }> {
  const { verify, ...rest } = opts;
  const result = await autocannon({ connections: CONNECTIONS, ...rest, verifyBody: verify } as Cannon);
  const bad = result.non2xx + result.mismatches + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${label}: ${result.non2xx} non-2xx, ${result.mismatches} bad bodies, ${result.errors} errors, ${result.timeouts} timeouts`);
  const seconds = result.duration;
  return { rps: result['2xx'] / seconds, ok: result['2xx'], p99: result.latency.p99 };
}

type Side = (seconds: number) => Promise<number>;
const warmed = new WeakSet<Side>();

/**
 * A B A B ...: the medians of each side, and their ratio. A side may be several processes of
 * the same server, taken in turn round by round: one process can run a few percent faster or
 * slower than another of the same code for its whole life (README: Noise), and the headline
 * rows spread that over two processes a side rather than leave it to one.
 */
async function interleave(a: Side | Side[], b: Side | Side[], rounds = ROUNDS): Promise<{ a: number; b: number; ratio: number }> {
  const aSides = [a].flat();
  const bSides = [b].flat();
  const as: number[] = [];
  const bs: number[] = [];
  // One short unrecorded round each first: JIT, pools and caches warm, on every side alike. A
  // side that a row before has loaded is warm already (it keeps the run under 10 minutes).
  for (const side of [...aSides, ...bSides]) {
    if (warmed.has(side)) continue;
    await side(WARM_SECONDS);
    warmed.add(side);
  }
  for (let i = 0; i < rounds; i++) {
    as.push(await aSides[i % aSides.length](ROUND_SECONDS));
    bs.push(await bSides[i % bSides.length](ROUND_SECONDS));
  }
  const ma = median(as);
  const mb = median(bs);
  return { a: ma, b: mb, ratio: ma / mb };
}

/** `loops` concurrent clients running `sql` back to back on a pool of POOL for `seconds`. */
async function rawLoop(url: string, seconds: number, sql: (i: number) => [string, unknown[]], name?: string): Promise<{ rps: number; ops: number }> {
  const pool = new Pool({ connectionString: url, max: POOL });
  let ops = 0;
  const end = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < end) {
        const [text, values] = sql(ops);
        // Named: prepared once per connection, as Tenantry's hot statement is.
        await pool.query(name ? { name, text, values } : { text, values });
        ops++;
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  await pool.end();
  return { rps: ops / elapsed, ops };
}

async function json(base: string, method: string, url: string, key: string | null, body?: unknown) {
  const res = await fetch(base + url, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

function probe(child: ChildProcess, options: { gc?: boolean; reset?: boolean } = {}): Promise<{ rss: number; heapUsed: number; eldP99Ms: number; eldMaxMs: number; asyncContexts: number }> {
  return new Promise((resolve) => {
    const onMessage = (m: { type?: string }) => {
      if (m?.type !== 'probe') return;
      child.off('message', onMessage);
      resolve(m as never);
    };
    child.on('message', onMessage);
    child.send({ type: 'probe', ...options });
  });
}

/**
 * Calibration, no target: on Node 20 every AsyncLocalStorage in use adds work to every promise
 * and other async resource the process makes. A second copy of a bare baseline, with as many
 * storages in use as the Tenantry process has (one: the row-level scope and MikroORM's storages
 * share its frame, src/async-context.ts), the first carrying a store per request as the scope
 * does, against the plain one: what that tracking alone costs it.
 */
async function trackingCalibration(baseline: string, script: string, asyncContexts: number, load: (base: string, seconds: number) => Promise<number>, plain: Side) {
  const tracked = await start(path.join(dist, script), { BENCH_ASYNC_CONTEXTS: String(asyncContexts) });
  say(`\nCalibration: ${baseline} with ${asyncContexts} AsyncLocalStorage instances in use vs none`);
  const tracking = await interleave(
    (seconds) => load(tracked.base, seconds),
    plain,
    CALIBRATION_ROUNDS,
  ).finally(() => tracked.child.kill('SIGTERM'));
  record({
    name: `calibration: ${baseline} with ${asyncContexts} AsyncLocalStorage instances in use`,
    value: tracking.a,
    unit: 'req/s',
    baseline: { name: baseline, value: tracking.b },
    ratio: tracking.ratio,
    target: 'none (reference)',
    pass: asyncContexts > 0,
    note: 'as many as the Tenantry process has in use',
  });
}

async function main() {
  const began = Date.now();
  let embedded: EmbeddedDatabase | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-bench-'));
    say(`Starting an embedded PostgreSQL in ${dataDir}`);
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    adminUrl = embedded.url;
  }
  const database = `tenantry_bench_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const dbUrl = url.toString();
  await migrateAsOwner(dbUrl);
  const orm = await initOrm({ url: dbUrl, poolMax: POOL });

  try {
    const adminKey = generateKey('rk', 'live').key;
    const env = {
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: dbUrl,
      TENANTRY_ADMIN_KEY: adminKey,
      TENANTRY_MASTER_KEY: randomBytes(32).toString('base64'),
      TENANTRY_REGISTRATIONS_PER_HOUR: '0',
      // Limiting runs (its cost is part of every figure) but never binds.
      TENANTRY_RATE_LIMIT_PER_MINUTE: '1000000000',
      TENANTRY_PURGE_INTERVAL_SECONDS: '0',
    };
    const main = path.join(dist, 'src/main.js');
    const probeArgs = ['--expose-gc', '-r', path.join(dist, 'bench/probe.js')];
    // Two processes of each server in the headline rows (see interleave).
    const [a, b, fastify, fastify2, apollo, apollo2] = await Promise.all([
      start(main, env, probeArgs),
      start(main, env),
      start(path.join(dist, 'bench/baselines/fastify.js')),
      start(path.join(dist, 'bench/baselines/fastify.js')),
      start(path.join(dist, 'bench/baselines/apollo.js')),
      start(path.join(dist, 'bench/baselines/apollo.js')),
    ]);
    say(`Tenantry at ${a.base} and ${b.base}; baselines at ${fastify.base} and ${fastify2.base} (Fastify), ${apollo.base} and ${apollo2.base} (Apollo)`);

    const reg = await json(a.base, 'POST', '/api/v1/tenants', null, { name: 'Bench Tenant', email: 'bench@example.com' });
    const key: string = reg.api_key;
    const tenantId: string = reg.tenant_id;
    await json(a.base, 'PUT', '/tenant/limits/resources', key, [
      { resource: 'llm', metric: 'tokens', period: 'month', limit: -1 },
      { resource: 'chat', metric: 'messages', period: 'month', limit: -1, scope: 'user' },
    ]);
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

    // Each baseline's read, on any copy of it.
    const fastifyRead = async (base: string, seconds: number) => (await load('fastify', { url: `${base}/`, duration: seconds, verify: (body) => body.includes('"tenant_id"') })).rps;
    const fastifyReads = [fastify, fastify2].map(({ base }) => (seconds: number) => fastifyRead(base, seconds));
    const query = JSON.stringify({ query: '{ tenant { id name settings { retention_days } } }' });
    const apolloRead = async (base: string, seconds: number) =>
      (await load('apollo', { url: `${base}/graphql`, method: 'POST', headers: { 'content-type': 'application/json' }, body: query, duration: seconds, verify: (body) => body.includes('"retention_days":30') })).rps;
    const apolloReads = [apollo, apollo2].map(({ base }) => (seconds: number) => apolloRead(base, seconds));
    const tenantry = [a, b];

    // 1. Authenticated REST read.
    say('\nAuthenticated REST read: GET /api/v1/tenant vs a bare Fastify handler');
    const rest = await interleave(
      tenantry.map(({ base }) => async (seconds: number) => (await load('tenantry rest', { url: `${base}/api/v1/tenant`, headers: auth, duration: seconds, verify: (body) => body.includes(`"tenant_id":"${tenantId}"`) })).rps),
      fastifyReads,
    );
    record({ name: 'authenticated REST read', value: rest.a, unit: 'req/s', baseline: { name: 'bare Fastify', value: rest.b }, ratio: rest.ratio, target: '>= 0.70', pass: rest.ratio >= 0.7 });

    // Calibration, no target: how much of that ratio is the answer itself. Bare Fastify sending
    // the very bytes Tenantry sent (its body and headers, taken from one real answer), with none
    // of the work behind them; the load generator shares the cores and reads every byte.
    const sample = await fetch(`${a.base}/api/v1/tenant`, { headers: auth });
    if (!sample.ok) throw new Error(`GET /api/v1/tenant: ${sample.status}`);
    const answerFile = path.join(os.tmpdir(), `tenantry-bench-answer-${process.pid}.json`);
    const framing = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);
    const answer = { headers: Object.fromEntries([...sample.headers].filter(([name]) => !framing.has(name))), body: await sample.text() };
    fs.writeFileSync(answerFile, JSON.stringify(answer));
    // The baseline reads the file before it listens: once it has started, the file can go.
    const same = await start(path.join(dist, 'bench/baselines/fastify.js'), { BENCH_ANSWER: answerFile }).finally(() => fs.rmSync(answerFile, { force: true }));
    say("\nCalibration: bare Fastify sending Tenantry's answer (the same body and headers) vs the constant");
    const sameBytes = await interleave(
      async (seconds) => (await load('fastify, same answer', { url: `${same.base}/`, duration: seconds, verify: (body) => body.includes(`"tenant_id":"${tenantId}"`) })).rps,
      fastifyReads[0],
      CALIBRATION_ROUNDS,
    );
    same.child.kill('SIGTERM');
    record({
      name: "calibration: bare Fastify sending Tenantry's answer",
      value: sameBytes.a,
      unit: 'req/s',
      baseline: { name: 'bare Fastify', value: sameBytes.b },
      ratio: sameBytes.ratio,
      target: 'none (reference)',
      pass: true,
      note: `a ${Buffer.byteLength(answer.body)}-byte body and ${Object.keys(answer.headers).join(', ')}`,
    });

    // By now Tenantry has run transactions, so MikroORM's storages are in use, as in service.
    const { asyncContexts } = await probe(a.child);
    await trackingCalibration('bare Fastify', 'bench/baselines/fastify.js', asyncContexts, fastifyRead, fastifyReads[0]);

    // Calibration, no target: Tenantry's cheapest route, /healthz (no key, no database, a
    // constant answer from an async handler, as bare Fastify's), against bare Fastify. What every
    // Tenantry request pays before any work of its own: the request id and no-store headers, the
    // request's logger, the metrics, the shutdown hook and the async-context tracking.
    say("\nCalibration: Tenantry's /healthz vs bare Fastify");
    const health = await interleave(
      tenantry.map(({ base }) => async (seconds: number) => (await load('tenantry healthz', { url: `${base}/healthz`, duration: seconds, verify: (body) => body.includes('"status":"ok"') })).rps),
      fastifyReads,
      CALIBRATION_ROUNDS,
    );
    record({
      name: "calibration: Tenantry's /healthz",
      value: health.a,
      unit: 'req/s',
      baseline: { name: 'bare Fastify', value: health.b },
      ratio: health.ratio,
      target: 'none (reference)',
      pass: true,
      note: 'no key, no database: what every request pays before any work of its own',
    });

    // 2. Authenticated GraphQL read.
    say('\nAuthenticated GraphQL read vs a bare Apollo Server 5 on Fastify');
    const gql = await interleave(
      tenantry.map(({ base }) => async (seconds: number) => (await load('tenantry graphql', { url: `${base}/graphql`, method: 'POST', headers: auth, body: query, duration: seconds, verify: (body) => body.includes(`"id":"${tenantId}"`) && !body.includes('"errors"') })).rps),
      apolloReads,
    );
    record({ name: 'authenticated GraphQL read', value: gql.a, unit: 'req/s', baseline: { name: 'bare Apollo', value: gql.b }, ratio: gql.ratio, target: '>= 0.80', pass: gql.ratio >= 0.8 });

    await trackingCalibration('bare Apollo', 'bench/baselines/apollo.js', asyncContexts, apolloRead, apolloReads[0]);

    // 3. Atomic consume on one hot counter, and spread over 1,000 users; totals checked exactly.
    say('\nAtomic consume (32 clients) vs a raw pg INSERT ... ON CONFLICT DO UPDATE loop');
    const pool = new Pool({ connectionString: dbUrl, max: 2 });
    await pool.query('create table bench_hot (id int primary key, n bigint not null)');
    let consumed = 0;
    const hotP99: number[] = [];
    const consumeBody = JSON.stringify({ resource: 'llm', metric: 'tokens', amount: 1 });
    const hot = await interleave(
      async (seconds) => {
        const r = await load('consume hot', { url: `${a.base}/tenant/limits/resources/consume`, method: 'POST', headers: auth, body: consumeBody, duration: seconds, verify: (body) => body.includes('"allowed":true') });
        consumed += r.ok;
        // The warm-up round's latency is the JIT's, not the steady state's.
        if (seconds === ROUND_SECONDS) hotP99.push(r.p99);
        return r.rps;
      },
      async (seconds) => (await rawLoop(dbUrl, seconds, () => ['insert into bench_hot (id, n) values (1, 1) on conflict (id) do update set n = bench_hot.n + 1', []])).rps,
    );
    // Requests still in flight when a timed round ends are answered after autocannon stops
    // counting: wait for the server to finish them before comparing. Up to one per connection
    // per round, the unrecorded warm-up round included.
    await new Promise((r) => setTimeout(r, 1000));
    const [{ total }] = (await pool.query(`select coalesce(sum(value), 0)::bigint as total from usage_counters where tenant_id = $1 and resource = 'llm'`, [tenantId])).rows;
    const exactHot = Number(total) >= consumed && Number(total) - consumed <= CONNECTIONS * (ROUNDS + 1);
    record({
      name: 'consume, one hot counter',
      value: hot.a,
      unit: 'req/s',
      baseline: { name: 'raw pg upsert loop', value: hot.b },
      ratio: hot.ratio,
      target: '>= 0.80, totals exact',
      pass: hot.ratio >= 0.8 && exactHot,
      note: `stored ${total} for ${consumed} acknowledged; latency p99 ${median(hotP99)} ms`,
    });
    // Calibration, no target: Tenantry's own consume statement (counter, sharded daily total,
    // threshold alerts) sent straight from pg like the baseline, on a counter of its own.
    const month = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1)).toISOString();
    const statementParams = [tenantId, '', 'calibration', 'units', 'month', month, [1], false, -1, new Date().toISOString().slice(0, 10), 'calibration', '[{},{}]'];
    const statement = await interleave(
      async (seconds) => (await rawLoop(dbUrl, seconds, () => [CONSUME_ONE_SQL, statementParams], 'tenantry_consume_one')).rps,
      async (seconds) => (await rawLoop(dbUrl, seconds, () => ['insert into bench_hot (id, n) values (1, 1) on conflict (id) do update set n = bench_hot.n + 1', []])).rps,
      CALIBRATION_ROUNDS,
    );
    record({
      name: "calibration: Tenantry's consume statement straight from pg",
      value: statement.a,
      unit: 'statements/s',
      baseline: { name: 'raw pg upsert loop', value: statement.b },
      ratio: statement.ratio,
      target: 'none (reference)',
      pass: true,
    });

    // Exactness on a fixed amount: every request answered, the counter must match to the unit.
    const beforeExact = Number(total);
    const fixed = await load('consume exact', { url: `${a.base}/tenant/limits/resources/consume`, method: 'POST', headers: auth, body: consumeBody, amount: 5000, verify: (body) => body.includes('"allowed":true') });
    const [{ after }] = (await pool.query(`select sum(value)::bigint as after from usage_counters where tenant_id = $1 and resource = 'llm'`, [tenantId])).rows;
    record({ name: 'consume totals, 5,000 requests', value: Number(after) - beforeExact, unit: 'counted', target: `= ${fixed.ok}`, pass: Number(after) - beforeExact === fixed.ok && fixed.ok === 5000 });

    let userSeq = 0;
    const spreadCount = { n: 0 };
    const spread = await interleave(
      async (seconds) => {
        const r = await load('consume spread', {
          url: `${a.base}/tenant/limits/resources/consume`,
          method: 'POST',
          headers: auth,
          // A fixed amount, so every request is counted, scaled to the round's length; never fewer
          // than there are users, so each of them is counted.
          amount: Math.max(1000, Math.round(800 * seconds)),
          requests: [
            {
              setupRequest: (req: Record<string, unknown>) => ({ ...req, body: JSON.stringify({ resource: 'chat', metric: 'messages', amount: 1, userId: `user-${userSeq++ % 1000}` }) }),
            },
          ],
          verify: (body: string) => body.includes('"allowed":true'),
        } as never);
        spreadCount.n += r.ok;
        return r.rps;
      },
      async (seconds) => (await rawLoop(dbUrl, seconds, (i) => ['insert into bench_hot (id, n) values ($1, 1) on conflict (id) do update set n = bench_hot.n + 1', [2 + (i % 1000)]])).rps,
    );
    const users = await pool.query(`select count(distinct subject)::int as users, sum(value)::bigint as total from usage_counters where tenant_id = $1 and resource = 'chat'`, [tenantId]);
    record({
      name: 'consume, spread over 1,000 users',
      value: spread.a,
      unit: 'req/s',
      baseline: { name: 'raw pg upsert loop, 1,000 rows', value: spread.b },
      ratio: spread.ratio,
      target: 'totals exact',
      pass: Number(users.rows[0].total) === spreadCount.n && users.rows[0].users === 1000,
      note: `stored ${users.rows[0].total} over ${users.rows[0].users} users for ${spreadCount.n} acknowledged`,
    });

    // 4. The operator's list of 100 tenants with stats: SQL statements per request.
    say('\nOperator tenant list of 100 with stats: SQL statements');
    for (let i = 0; i < 99; i++) await json(a.base, 'POST', '/api/v1/tenants', adminKey, { name: `Listed ${i}` });
    const counted = await initOrm({ url: dbUrl, poolMax: 2 });
    const services = createServices(counted, loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: dbUrl, TENANTRY_MASTER_KEY: env.TENANTRY_MASTER_KEY }), () => {});
    const app = await buildApp(services);
    const connection = counted.em.getConnection();
    const execute = connection.execute.bind(connection);
    let statements = 0;
    (connection as { execute: unknown }).execute = (...args: Parameters<typeof execute>) => {
      statements++;
      return execute(...args);
    };
    const listed = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      payload: { query: '{ tenants(first: 100) { edges { node { id name stats { user_count conversation_count total_interactions storage_bytes } } } } }' },
    });
    const edges = listed.json().data?.tenants?.edges ?? [];
    await app.close();
    await counted.close();
    record({ name: '100-tenant list with stats', value: statements, unit: 'SQL statements', target: '<= 5', pass: statements <= 5 && edges.length === 100, note: `${edges.length} tenants listed` });

    // 5. Revocation: refused at once where it happened, within a second on the other instance.
    say('\nKey revocation across two instances');
    const reader = await json(a.base, 'POST', '/api/v1/api-keys', key, { name: 'revoked in the bench', scopes: ['tenant:read'] });
    const get = async (base: string) => (await fetch(`${base}/api/v1/tenant`, { headers: { authorization: `Bearer ${reader.api_key}` } })).status;
    for (let i = 0; i < 20; i++) if ((await get(a.base)) !== 200 || (await get(b.base)) !== 200) throw new Error('the new key is not accepted');
    await json(a.base, 'DELETE', `/api/v1/api-keys/${reader.key_id}`, key);
    const revokedAt = Date.now();
    const here = await get(a.base);
    let elsewhere = -1;
    while (Date.now() - revokedAt < 5000) {
      if ((await get(b.base)) === 401) {
        elsewhere = Date.now() - revokedAt;
        break;
      }
    }
    record({ name: 'revoked key, same instance', value: here, unit: 'status on the next request', target: '401', pass: here === 401 });
    record({ name: 'revoked key, other instance', value: elsewhere, unit: 'ms until refused', target: '<= 1000', pass: elsewhere >= 0 && elsewhere <= 1000 });

    // 6. Soak: steady mixed traffic; memory (heap after GC) and event-loop delay from inside.
    say(`\nSoak: ${SOAK_SECONDS} s of mixed traffic at 8 connections`);
    const soakRun = autocannon({
      url: a.base,
      connections: 8,
      duration: SOAK_SECONDS,
      requests: [
        { method: 'GET', path: '/api/v1/tenant', headers: auth },
        { method: 'POST', path: '/graphql', headers: auth, body: query },
        { method: 'POST', path: '/tenant/limits/resources/consume', headers: auth, body: consumeBody },
      ],
    } as Cannon);
    const warm = Math.min(30, SOAK_SECONDS / 5);
    await new Promise((r) => setTimeout(r, warm * 1000));
    const first = await probe(a.child, { gc: true, reset: true });
    const soak = await soakRun;
    const last = await probe(a.child, { gc: true });
    const growth = (last.heapUsed - first.heapUsed) / first.heapUsed;
    const soakBad = soak.non2xx + soak.errors + soak.timeouts;
    record({
      name: 'soak memory growth (heap after GC)',
      value: growth * 100,
      unit: '%',
      target: '< 10',
      pass: growth < 0.1 && soakBad === 0,
      note: `${Math.round(first.heapUsed / 1e6)} -> ${Math.round(last.heapUsed / 1e6)} MB heap, RSS ${Math.round(first.rss / 1e6)} -> ${Math.round(last.rss / 1e6)} MB, ${soak.requests.total} requests, ${soakBad} failed`,
    });
    record({ name: 'soak event-loop delay p99', value: last.eldP99Ms, unit: 'ms', target: '< 50', pass: last.eldP99Ms < 50, note: `max ${round(last.eldMaxMs)} ms` });

    await pool.end();
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    await orm.close();
    await admin.query(`drop database if exists ${database} with (force)`).catch(() => {});
    await admin.end();
    await embedded?.stop();
  }

  const minutes = (Date.now() - began) / 60000;
  write(minutes);
  say(`\nDone in ${minutes.toFixed(1)} min: bench/results.json, bench/results.md`);
  if (figures.some((f) => !f.pass)) process.exitCode = 1;
}

function write(minutes: number) {
  const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const stamp = new Date().toISOString();
  fs.writeFileSync(path.join(root, 'bench/results.json'), JSON.stringify({ at: stamp, machine, minutes, roundSeconds: ROUND_SECONDS, rounds: ROUNDS, soakSeconds: SOAK_SECONDS, figures }, null, 2) + '\n');
  const rows = figures.map((f) => {
    const base = f.baseline ? `${f.baseline.name}: ${round(f.baseline.value)}` : '';
    const ratio = f.ratio !== undefined ? f.ratio.toFixed(2) : '';
    const met = f.target.startsWith('none') ? '' : f.pass ? 'yes' : '**no**';
    return `| ${f.name} | ${round(f.value)} ${f.unit} | ${base} | ${ratio} | ${f.target} | ${met} |${f.note ? ` ${f.note} |` : ' |'}`;
  });
  const md = [
    `Measured ${stamp} on ${machine}; ${ROUNDS} interleaved rounds of ${ROUND_SECONDS} s per side, ${CONNECTIONS} connections; soak ${SOAK_SECONDS} s.`,
    '',
    '| figure | Tenantry | baseline | ratio | target | met | notes |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(root, 'bench/results.md'), md);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
});
