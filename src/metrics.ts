import type { MikroORM } from '@mikro-orm/postgresql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type HistogramConfiguration } from 'prom-client';
import type { LimitsService } from './modules/limits/limits.service';

interface StatusTally {
  labels: { method: string; route: string; status: string };
  count: number;
}

interface RouteTally {
  time: DurationSeries;
  statuses: Map<number, StatusTally>;
}

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
  private readonly duration: RequestDurations;
  private readonly authFailures: Counter<'door' | 'reason'>;
  private readonly rateLimited: Counter<'door'>;

  constructor(orm: MikroORM, limits?: Pick<LimitsService, 'hotCounts' | 'queuedConsumes'>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tenantry_' });
    const counted = this.counted;
    new Counter({
      name: 'tenantry_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
      // Counted per request in a plain number, added here when scraped: prom-client hashes the
      // labels on every inc(), even a child's.
      collect() {
        for (const tally of counted) {
          if (tally.count === 0) continue;
          this.inc(tally.labels, tally.count);
          tally.count = 0;
        }
      },
    });
    this.duration = new RequestDurations({
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

  /**
   * Per route and method, the histogram's series and, per status, the requests not yet added to
   * the counter. Nested maps, whose keys (the declared route, the method as Node's parser interns
   * it, the status) are the same values every time: no string is built per request.
   */
  private readonly routes = new Map<string, Map<string, RouteTally>>();
  /** Every status tally, for the counter's collect. */
  private readonly counted: StatusTally[] = [];

  request(method: string, route: string, status: number, seconds: number): void {
    let methods = this.routes.get(route);
    if (!methods) this.routes.set(route, (methods = new Map()));
    let tally = methods.get(method);
    if (!tally) methods.set(method, (tally = { time: this.duration.series({ method, route }), statuses: new Map() }));
    let counted = tally.statuses.get(status);
    if (!counted) {
      tally.statuses.set(status, (counted = { labels: { method, route, status: String(status) }, count: 0 }));
      this.counted.push(counted);
    }
    counted.count++;
    tally.time.observe(seconds);
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

/** One label set's share of RequestDurations. */
export class DurationSeries {
  /** Per bucket, not cumulative; the last counts what exceeds every bound (+Inf). */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(seconds: number): void {
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]) i++;
    this.counts[i]++;
    this.sum += seconds;
    this.count++;
  }
}

/**
 * prom-client's Histogram, fed through series of plain counts. Its own observe validates and
 * hashes the labels on every call, a child's too: about 2.5 µs of a cached REST read's ~37 µs of
 * CPU (8 %), most of what metrics cost a request (CPU profile under load; README: Performance).
 * What it exports is what prom-client's would for the same observations, line for line (a test
 * compares them). Only `series().observe` feeds it; its own `observe` and `labels` are not used.
 */
export class RequestDurations<T extends string = string> extends Histogram<T> {
  private readonly exported: { name: string; help: string };
  private readonly bounds: readonly number[];
  private readonly all: DurationSeries[] = [];

  constructor(config: HistogramConfiguration<T> & { buckets: number[] }) {
    super(config);
    this.exported = { name: config.name, help: config.help };
    // In ascending order, as prom-client's own assumes.
    this.bounds = config.buckets;
  }

  series(labels: Record<T, string>): DurationSeries {
    const series = new DurationSeries(labels, this.bounds);
    this.all.push(series);
    return series;
  }

  override async get(): Promise<Exported<T>> {
    const { name, help } = this.exported;
    const values: Exported<T>['values'] = [];
    for (const s of this.all) {
      const labels = s.labels as Partial<Record<T, string>>;
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.counts[i];
        values.push({ labels: { le, ...labels }, value: cumulative, metricName: `${name}_bucket` });
      });
      values.push(
        { labels: { le: '+Inf', ...labels }, value: s.count, metricName: `${name}_bucket` },
        { labels, value: s.sum, metricName: `${name}_sum` },
        { labels, value: s.count, metricName: `${name}_count` },
      );
    }
    // As prom-client's own returns it; its typings also ask for a collect function and an enum
    // the package does not export at run time.
    return { name, help, type: 'histogram', values, aggregator: 'sum' } as unknown as Exported<T>;
  }

  /** The registry prefers this for its text (prom-client's own splits the labels here). */
  getForPromString(): Promise<Exported<T>> {
    return this.get();
  }

  override reset(): void {
    // Also called by prom-client's constructor, before this class's fields exist.
    for (const s of this.all ?? []) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}

type Exported<T extends string> = Awaited<ReturnType<Histogram<T>['get']>>;
