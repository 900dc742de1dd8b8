import type { MikroORM } from '@mikro-orm/postgresql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LimitsService } from './modules/limits/limits.service';

interface KnexPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/**
 * Prometheus metrics (prom-client), in a registry of this app's own so two apps in one process
 * (tests) never collide. Labels are routes as declared (`/api/v1/webhooks/:id`), never tenant
 * ids or raw paths, so their number stays bounded.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly duration: Histogram<'method' | 'route'>;
  private readonly authFailures: Counter<'door' | 'reason'>;
  private readonly rateLimited: Counter<'door'>;

  constructor(orm: MikroORM, limits?: Pick<LimitsService, 'hotCounts' | 'queuedConsumes'>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tenantry_' });
    const children = this.children;
    new Counter({
      name: 'tenantry_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
      // Counted per request in a plain number, added here when scraped: prom-client hashes the
      // labels on every inc(), even a child's.
      collect() {
        for (const child of children.values()) {
          if (child.count === 0) continue;
          this.inc(child.labels, child.count);
          child.count = 0;
        }
      },
    });
    this.duration = new Histogram({
      name: 'tenantry_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.authFailures = new Counter({ name: 'tenantry_auth_failures_total', help: 'Requests refused for a missing or invalid key (401) or a missing scope (403)', labelNames: ['door', 'reason'], registers: [this.registry] });
    this.rateLimited = new Counter({ name: 'tenantry_rate_limited_total', help: 'Requests refused by a rate limit (429)', labelNames: ['door'], registers: [this.registry] });
    const pool = () => (orm.em.getConnection().getKnex().client as { pool?: KnexPool }).pool;
    new Gauge({
      name: 'tenantry_db_pool_connections',
      help: 'Database pool connections by state',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const p = pool();
        if (!p) return;
        this.set({ state: 'used' }, p.numUsed());
        this.set({ state: 'free' }, p.numFree());
        this.set({ state: 'pending' }, p.numPendingAcquires());
      },
    });
    if (limits) {
      // Read from the service's own tallies when scraped: the hot path pays one increment.
      const tally = (name: string, help: string, read: () => number) =>
        new Counter({
          name,
          help,
          registers: [this.registry],
          collect() {
            this.reset();
            this.inc(read());
          },
        });
      tally('tenantry_hot_consumes_total', 'Consumes and tracks decided on the hot path (one limit, no idempotency key)', () => limits.hotCounts.consumes);
      tally('tenantry_hot_statements_total', 'Statements those took: consumes per statement is how much hot counters were batched', () => limits.hotCounts.statements);
      new Gauge({
        name: 'tenantry_hot_consumes_queued',
        help: 'Consumes waiting for their counter\'s statement in flight',
        registers: [this.registry],
        collect() {
          this.set(limits.queuedConsumes);
        },
      });
    }
    new Gauge({
      name: 'tenantry_webhook_backlog',
      help: 'Webhook work waiting: events not yet dispatched, deliveries due now',
      labelNames: ['kind'],
      registers: [this.registry],
      async collect() {
        const [row] = await orm.em.fork().execute<{ events: number; due: number }[]>(
          `select (select count(*)::int from events where dispatched_at is null) as events,
                  (select count(*)::int from webhook_deliveries where status = 'pending' and next_attempt_at <= now()) as due`,
        );
        this.set({ kind: 'undispatched_events' }, row.events);
        this.set({ kind: 'due_deliveries' }, row.due);
      },
    });
  }

  /** Per label set, looked up by one string: requests not yet added to the counter, and the histogram's child. */
  private readonly children = new Map<string, { labels: { method: string; route: string; status: string }; count: number; time: { observe(v: number): void } }>();

  request(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    let child = this.children.get(key);
    if (!child) {
      child = { labels: { method, route, status: String(status) }, count: 0, time: this.duration.labels(method, route) };
      this.children.set(key, child);
    }
    child.count++;
    child.time.observe(seconds);
    if (status === 401 || status === 403 || status === 429) {
      if (route !== '/graphql') this.refusal('rest', status);
    }
  }

  /** GraphQL answers refusals inside a 200: counted from the error codes instead. */
  graphqlError(code: unknown): void {
    if (code === 'UNAUTHENTICATED') this.refusal('graphql', 401);
    else if (code === 'FORBIDDEN') this.refusal('graphql', 403);
    else if (code === 'RATE_LIMITED') this.refusal('graphql', 429);
  }

  private refusal(door: string, status: number): void {
    if (status === 401) this.authFailures.inc({ door, reason: 'unauthenticated' });
    else if (status === 403) this.authFailures.inc({ door, reason: 'forbidden' });
    else if (status === 429) this.rateLimited.inc({ door });
  }
}
