import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { requireTenant, type ServiceContext } from '../../context';
import { AppError, badInput, conflict, notFound, RETRY_AFTER_SECONDS } from '../../errors';
import { parseInput } from '../../validation';
import { andThen, type MaybePromise } from '../../maybe';
import { FeedCache, type ChangeFeed } from '../../db/change-feed';
import { prepared } from '../../db/prepared';
import { DbScope, inScope } from '../../db/tenant-scope';
import { sweep } from '../../db/sweep';
import type { AuditService } from '../audit/audit.service';
import type { EventService } from '../events/event.service';
import { definitionsSchema, effectiveLimit, PERIODS, windowOf, type LimitDefinition } from './limit-definition';
import { TenantLimitSet } from './limits.entity';
import { lockTenant } from '../tenants/tenant-lock';
import { Coalescer } from './coalescer';

const slug = z.string({ error: 'must be a string' }).regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'must be lowercase letters, digits, _ . -, starting with a letter');
const userId = z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9._:@|+-]{1,200}$/, 'must be 1-200 characters: letters, digits and . _ : @ | + -');
const amount = z.number({ error: 'must be a number' }).int('must be an integer').min(0, 'must not be negative').max(1e12, 'is too large');

export const checkSchema = z.strictObject({ userId: userId.optional(), resource: slug, metric: slug, amount: amount.default(1) });
export const trackSchema = z.strictObject({
  userId: userId.optional(),
  resource: slug,
  metric: slug,
  amount: amount.default(1),
  idempotencyKey: z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9._:-]{1,200}$/, 'must be 1-200 characters: letters, digits and . _ : -').optional(),
});
export const usageSchema = z.strictObject({ userId: userId.optional() });

export interface RuleState {
  resource: string;
  metric: string;
  period: string;
  scope: 'tenant' | 'user';
  gateAction: string;
  current: number;
  /** -1: unlimited. */
  limit: number;
  remaining: number | null;
  exceeded: boolean;
  resetAt: string | null;
}

export interface LimitAnswer {
  allowed: boolean;
  gateAction: string;
  usage: { current: number; limit: number | null };
  remaining: number | null;
  resetAt: string | null;
  /** The rule that decided (the first one exceeded, else the closest to its limit); null when none applies. */
  rule: { resource: string; metric: string; period: string; scope: string } | null;
  rules: RuleState[];
  /** For track and consume with an idempotency key: true when this answer is a replay. */
  replayed?: boolean;
}

/** One consume or track on the hot path, waiting for its counter's next statement. */
interface HotConsume {
  em: EntityManager;
  tenantId: string;
  r: Applicable;
  amount: number;
  blocking: boolean;
}

interface Applicable {
  def: LimitDefinition;
  subject: string;
  windowStart: Date;
  resetAt: string | null;
  limit: number;
}

/** The thresholds that raise an event, once per window each. */
const THRESHOLDS = [
  { level: '80', ratio: 0.8, type: 'limit.threshold_reached' },
  { level: '100', ratio: 1, type: 'limit.exceeded' },
] as const;
/** THRESHOLDS as SQL rows (level, ratio, type, index), for the one-statement consume. */
const THRESHOLD_ROWS = THRESHOLDS.map((t, i) => `('${t.level}', ${t.ratio}::float8, '${t.type}', ${i})`).join(', ');

/**
 * The hot path's one statement (see consumeInOrder), exported for the bench's calibration row.
 * $1..$12: tenant, subject, resource, metric, period, window start, amounts in order, blocking,
 * limit, day, rule key, threshold payloads. Blocking, it locks the counter and admits the
 * longest prefix of the amounts that fits under the limit; it adds the admitted total.
 * Counter, sharded daily total, and any threshold alert with its outbox event commit together,
 * in the counter's lock order; an event's `current` is the count at the amount that crossed.
 *
 * Answers one row: `value`, the new count (null when nothing was written); `total` and
 * `admitted`, the prefix's sum and length; `before`, when blocking, the count it found (null when
 * no row was there yet). Not blocking, everything is admitted: the counter is neither read nor
 * locked before the upsert, and `before` is always null.
 */
export const CONSUME_ONE_SQL = `with p as (select sum(x) over (order by i) as upto from unnest($7::bigint[]) with ordinality as u(x, i)),
 o as (
   select value from usage_counters
    where tenant_id = $1::uuid and subject = $2 and resource = $3 and metric = $4 and period = $5 and window_start = $6::timestamptz
      for update),
 b as (
   select coalesce(max(p.upto), 0)::bigint as total, count(*)::int as admitted from p
    where not $8::boolean or coalesce((select value from o), 0) + p.upto <= $9::bigint),
 c as (
   insert into usage_counters as c (tenant_id, subject, resource, metric, period, window_start, value)
   select $1::uuid, $2, $3, $4, $5, $6::timestamptz, b.total from b where b.admitted > 0
   on conflict (tenant_id, subject, resource, metric, period, window_start)
   do update set value = c.value + excluded.value where not $8::boolean or c.value + excluded.value <= $9::bigint
   returning value),
 d as (
   insert into usage_daily as d (tenant_id, day, resource, metric, shard, value)
   select $1::uuid, $10::date, $3, $4, floor(random() * 8)::smallint, b.total from c, b
   on conflict (tenant_id, day, resource, metric, shard) do update set value = d.value + excluded.value),
 a as (
   insert into limit_alerts (tenant_id, rule, window_start, level)
   select $1::uuid, $11, $6::timestamptz, t.level from c, b, (values ${THRESHOLD_ROWS}) as t(level, ratio, type, n)
    where $9::bigint > 0 and c.value - b.total < $9::bigint * t.ratio and c.value >= $9::bigint * t.ratio
   on conflict do nothing returning level),
 e as (
   insert into events (id, tenant_id, type, data, occurred_at)
   select gen_random_uuid(), $1::uuid, t.type,
          ($12::jsonb -> t.n) || jsonb_build_object('current', c.value - b.total + (select min(p.upto) from p where c.value - b.total + p.upto >= $9::bigint * t.ratio)),
          clock_timestamp() + make_interval(secs => t.n / 1000.0)
     from a join (values ${THRESHOLD_ROWS}) as t(level, ratio, type, n) on t.level = a.level, c, b)
 select (select value from c) as value, b.total, b.admitted, (select value from o) as before from b`;

const ruleKey = (r: Applicable) => `${r.def.resource}/${r.def.metric}/${r.def.period}/${r.def.scope}/${r.subject}`;

/** A threshold event's data, but for `current`. */
function alertPayload(r: Applicable, ratio: number) {
  return {
    resource: r.def.resource,
    metric: r.def.metric,
    period: r.def.period,
    scope: r.def.scope,
    ...(r.def.scope === 'user' ? { userId: r.subject } : {}),
    limit: r.limit,
    threshold: ratio,
    windowStart: r.windowStart.toISOString(),
    resetAt: r.resetAt,
  };
}

/** A random one of 8 rows for the day's total (see UsageDaily.shard). */
const DAILY_SHARD = 'floor(random() * 8)::smallint';

/** How long an idempotency key is remembered: a retry after that counts again. */
export const IDEMPOTENCY_KEY_DAYS = 7;
/**
 * A window's counter and alerts are kept this long after it closes: instances whose clocks
 * disagree near a boundary may still add to the window just closed.
 */
const CLOSED_WINDOW_KEPT_MS = 24 * 3600_000;

/** Definitions are cached this long at most (evicted at once on change while the feed listens). */
const DEFINITIONS_TTL_MS = 5000;

/**
 * A refused consume. Inside a consume's transaction it rolls back every counter already raised;
 * on the hot path it carries the count at the consume's turn, which the answer reports.
 */
class Denied extends Error {
  constructor(readonly current?: number) {
    super('denied');
  }
}

/** Retries of a hot statement that lost the race to create its counter, per batch. */
const MAX_COUNTER_RACES = 3;

/** What CONSUME_ONE_SQL answers (see there). */
interface ConsumeRow {
  value: number | null;
  total: number;
  admitted: number;
  before: number | null;
}

/**
 * Resource limits and their counters. Counters change only through single-statement upserts,
 * so concurrent tracks add up exactly; `consume` makes each upsert conditional on the limit, so
 * concurrent consumes admit exactly up to it and the stored count never exceeds it.
 */
export class LimitsService {
  private readonly now: () => Date;
  private readonly feed?: ChangeFeed;
  /** Definitions and plan per tenant, while the change feed listens. */
  private readonly loaded?: FeedCache<{ set: LimitDefinition[]; plan: string }>;
  /** The hot statement's pool: borrowing a connection needs no unit of work of the request's. */
  private readonly pool?: EntityManager;
  /** Hot-path consumes and tracks, batched per counter (see applyOne). */
  private readonly hot = new Coalescer<HotConsume, number>((items) => this.consumeBatch(items));

  constructor(
    private readonly audit: AuditService,
    private readonly events: EventService,
    options: { feed?: ChangeFeed; now?: () => Date; orm?: MikroORM } = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.feed = options.feed;
    this.pool = options.orm?.em as EntityManager | undefined;
    // A plan change or new definitions evict the tenant everywhere (kind "tenant").
    if (this.feed) this.loaded = new FeedCache(this.feed, DEFINITIONS_TTL_MS, (m, tenantId) => m.kind === 'tenant' && tenantId === m.id);
  }

  /** Hot-path consumes waiting for their counter's next statement (for tests and metrics). */
  get queuedConsumes(): number {
    return this.hot.waiting;
  }

  /** Hot-path consumes decided, and the statements that took: their ratio is the batching. */
  readonly hotCounts = { consumes: 0, statements: 0 };

  async definitions(ctx: ServiceContext): Promise<LimitDefinition[]> {
    const tenantId = requireTenant(ctx);
    const { set } = await this.load(ctx.em, tenantId);
    return set;
  }

  /** Replaces every definition; an invalid list answers 400 and changes nothing. */
  async setDefinitions(ctx: ServiceContext, input: unknown): Promise<LimitDefinition[]> {
    const definitions = parseInput(definitionsSchema, input);
    const tenantId = requireTenant(ctx);
    return ctx.em.transactional(async (em) => {
      const tenant = await lockTenant(em, tenantId);
      const existing = await em.findOne(TenantLimitSet, { tenant: tenantId });
      const before = existing?.definitions ?? [];
      if (existing) existing.definitions = definitions;
      else em.create(TenantLimitSet, { tenant, definitions });
      this.audit.record(em, ctx, { action: 'limits.updated', targetType: 'limits', targetId: tenantId, before: { definitions: before }, after: { definitions }, always: true });
      await this.feed?.publish(em, { kind: 'tenant', id: tenantId });
      return definitions;
    }).then((definitions) => {
      this.feed?.local({ kind: 'tenant', id: tenantId });
      return definitions;
    });
  }

  /** Would `amount` more be allowed? Read-only. */
  async check(ctx: ServiceContext, input: unknown): Promise<LimitAnswer> {
    const data = parseInput(checkSchema, input);
    const tenantId = requireTenant(ctx);
    const rules = await this.applicable(ctx.em, tenantId, data);
    const current = await this.currentValues(ctx.em, tenantId, rules);
    return this.answer(rules, current, data.amount);
  }

  /** Adds `amount` to every applicable counter (and the daily total); idempotent by key. */
  track(ctx: ServiceContext, input: unknown): MaybePromise<LimitAnswer> {
    return this.apply(ctx, input, false);
  }

  /** Check and track at once: admitted only if no blocking limit would be passed. */
  consume(ctx: ServiceContext, input: unknown): MaybePromise<LimitAnswer> {
    return this.apply(ctx, input, true);
  }

  /** Every defined limit with its current window's usage (user-scoped ones for `userId`). */
  async usage(ctx: ServiceContext, input: unknown) {
    const { userId: user } = parseInput(usageSchema, input);
    const tenantId = requireTenant(ctx);
    const { set, plan } = await this.load(ctx.em, tenantId);
    const rules = set.filter((d) => d.scope === 'tenant' || user).map((d) => this.rule(d, plan, user));
    const current = await this.currentValues(ctx.em, tenantId, rules);
    return rules.map((r, i) => ({
      resource: r.def.resource,
      metric: r.def.metric,
      period: r.def.period,
      current: current[i],
      limit: r.limit,
      percentage: r.limit > 0 ? Math.round((current[i] / r.limit) * 10000) / 100 : 0,
      scope: r.def.scope,
      resetAt: r.resetAt,
    }));
  }

  /**
   * What no answer reads any more, one sweep per kind (housekeeping runs each on its own): the
   * counters and alerts of windows that closed a day ago or more (usage history reads the daily
   * totals, which stay), and idempotency keys older than IDEMPOTENCY_KEY_DAYS. A `total` window
   * never closes.
   */
  retentionSweeps(): Record<'usageCounters' | 'limitAlerts' | 'idempotencyKeys', (em: EntityManager, signal?: AbortSignal) => Promise<number>> {
    // Per period, the start of the window open a day ago: every window that started before it
    // closed a day ago or more. windowOf stays the one place that knows where windows fall.
    const cutoffs = () => {
      const then = new Date(this.now().getTime() - CLOSED_WINDOW_KEPT_MS);
      return JSON.stringify(Object.fromEntries(PERIODS.filter((p) => p !== 'total').map((p) => [p, windowOf(p, then).start.toISOString()])));
    };
    return {
      usageCounters: (em, signal) =>
        sweep(em, {
          table: 'usage_counters',
          alias: 'c',
          from: 'usage_counters c join jsonb_each_text(?::jsonb) as k(period, cutoff) on k.period = c.period',
          where: 'c.window_start < k.cutoff::timestamptz',
          params: [cutoffs()],
        }, signal),
      // An alert's rule names its period third (see ruleKey; resources and metrics hold no '/').
      limitAlerts: (em, signal) =>
        sweep(em, {
          table: 'limit_alerts',
          alias: 'a',
          from: `limit_alerts a join jsonb_each_text(?::jsonb) as k(period, cutoff) on k.period = split_part(a.rule, '/', 3)`,
          where: 'a.window_start < k.cutoff::timestamptz',
          params: [cutoffs()],
        }, signal),
      idempotencyKeys: (em, signal) =>
        sweep(em, {
          table: 'usage_idempotency',
          alias: 'i',
          from: 'usage_idempotency i',
          where: 'i.created_at < ?::timestamptz',
          params: [new Date(this.now().getTime() - IDEMPOTENCY_KEY_DAYS * 86_400_000)],
        }, signal),
    };
  }

  private apply(ctx: ServiceContext, input: unknown, conditional: boolean): MaybePromise<LimitAnswer> {
    const data = parseInput(trackSchema, input);
    const tenantId = requireTenant(ctx);
    if (data.idempotencyKey) return this.applyInTransaction(ctx, tenantId, data, conditional);
    // The hot path (one limit, no idempotency key) makes no promise before its one statement.
    // `() => ctx.em`: a request's unit of work is forked only if a cache misses.
    return andThen(this.applicable(() => ctx.em, tenantId, data), (rules) => {
      if (rules.length !== 1) return this.applyInTransaction(ctx, tenantId, data, conditional);
      return this.applyOne(ctx, tenantId, rules[0], data.amount, conditional).catch((err) => this.deniedAnswer(ctx, tenantId, rules, data.amount, err));
    });
  }

  /** A refused consume changed nothing: it answers with the counters as they stand. */
  private async deniedAnswer(ctx: ServiceContext, tenantId: string, rules: Applicable[], amount: number, err: unknown): Promise<LimitAnswer> {
    if (!(err instanceof Denied)) throw err;
    if (err.current !== undefined && rules.length === 1) return this.answer(rules, [err.current], amount);
    const current = await this.currentValues(ctx.em, tenantId, rules);
    return this.answer(rules, current, amount);
  }

  private async applyInTransaction(ctx: ServiceContext, tenantId: string, data: z.output<typeof trackSchema>, conditional: boolean): Promise<LimitAnswer> {
    // What the key stands for: the same key with another request is a client bug, not a retry.
    const fingerprint = JSON.stringify([conditional ? 'consume' : 'track', data.userId ?? null, data.resource, data.metric, data.amount]);
    let rules: Applicable[] = [];
    try {
      return await ctx.em.transactional(async (em) => {
        if (data.idempotencyKey) {
          const [claimed] = await em.execute<{ key: string }[]>(
            `insert into usage_idempotency (tenant_id, key, response) values (?, ?, '{}') on conflict do nothing returning key`,
            [tenantId, data.idempotencyKey],
          );
          if (!claimed) {
            // A retry: the first request's answer, counted once. (A concurrent first request
            // holds the row lock until it commits, so this read waits for its answer.)
            const [row] = await em.execute<{ response: { fingerprint?: string; answer?: LimitAnswer } }[]>(
              'select response from usage_idempotency where tenant_id = ? and key = ? for share',
              [tenantId, data.idempotencyKey],
            );
            if (row?.response.fingerprint !== fingerprint || !row.response.answer) {
              throw conflict('This idempotency key was used for a different request', 'idempotencyKey');
            }
            return { ...row.response.answer, replayed: true };
          }
        }
        rules = await this.applicable(em, tenantId, data);
        const values: number[] = [];
        for (const r of rules) {
          const blocking = conditional && r.limit !== -1 && r.def.gateAction !== 'warn';
          const [row] = await em.execute<{ value: string }[]>(
            `insert into usage_counters as c (tenant_id, subject, resource, metric, period, window_start, value)
             select ?::uuid, ?, ?, ?, ?, ?::timestamptz, ?::bigint where not ?::boolean or ?::bigint <= ?::bigint
             on conflict (tenant_id, subject, resource, metric, period, window_start)
             do update set value = c.value + excluded.value where not ?::boolean or c.value + excluded.value <= ?::bigint
             returning value`,
            [tenantId, r.subject, r.def.resource, r.def.metric, r.def.period, r.windowStart, data.amount, blocking, data.amount, r.limit, blocking, r.limit],
          );
          if (!row) throw new Denied();
          values.push(Number(row.value));
          await this.alertCrossings(em, tenantId, r, Number(row.value) - data.amount, Number(row.value));
        }
        await em.execute(
          `insert into usage_daily as d (tenant_id, day, resource, metric, shard, value) values (?, ?::date, ?, ?, ${DAILY_SHARD}, ?::bigint)
           on conflict (tenant_id, day, resource, metric, shard) do update set value = d.value + excluded.value`,
          [tenantId, this.now().toISOString().slice(0, 10), data.resource, data.metric, data.amount],
        );
        const answer = this.answer(rules, values, 0);
        if (data.idempotencyKey) {
          await em.execute('update usage_idempotency set response = ? where tenant_id = ? and key = ?', [JSON.stringify({ fingerprint, answer }), tenantId, data.idempotencyKey]);
        }
        return answer;
      });
    } catch (err) {
      return this.deniedAnswer(ctx, tenantId, rules, data.amount, err);
    }
  }

  /**
   * The hot path (one limit, no idempotency key): counter, daily total and any threshold alert
   * in one statement (CONSUME_ONE_SQL), one round trip, atomic on its own. Consumes of one
   * counter that arrive while its statement is in flight go together in the next (see
   * Coalescer): a hot counter costs one statement per batch, not one lock wait per request.
   */
  private applyOne(ctx: ServiceContext, tenantId: string, r: Applicable, amount: number, conditional: boolean): Promise<LimitAnswer> {
    const blocking = conditional && r.limit !== -1 && r.def.gateAction !== 'warn';
    // The tenant leads the key, so a batch runs in one tenant's row-level scope whichever of
    // its requests started it; the limit and mode are in it so a batch has one rule.
    const key = `${tenantId}\n${ruleKey(r)}\n${r.windowStart.getTime()}\n${r.limit}\n${blocking}`;
    return this.hot.submit(key, { em: this.pool ?? ctx.em, tenantId, r, amount, blocking }).then((value) => this.answer([r], [value], 0));
  }

  /**
   * One batch of consumes of one counter (see applyOne): each item's count, or Denied with the
   * count at its turn. Runs confined to the batch's tenant: the Coalescer runs a batch in the
   * async context of whichever request started its key's queue, which may be an operator's.
   */
  private consumeBatch(items: HotConsume[]): Promise<(number | Error)[]> {
    const scope = new DbScope();
    scope.confine(items[0].tenantId);
    return inScope(scope, () => this.consumeInOrder(items));
  }

  /**
   * Decides the items in arrival order, as if they had come one by one: each statement admits
   * the longest run that fits, and the item after it is refused at the count the statement
   * left. A count only grows while its window is open, so an item more than what is left is
   * refused without a statement. Every statement decides at least one item, but for a retry
   * after losing the race to create the counter.
   */
  private async consumeInOrder(items: HotConsume[]): Promise<(number | Error)[]> {
    const { r, blocking } = items[0];
    this.hotCounts.consumes += items.length;
    const answers: (number | Error)[] = new Array(items.length);
    let next = 0;
    let current: number | undefined;
    const refuse = () => (answers[next++] = new Denied(current));
    const fits = (amount: number) => !blocking || current! + amount <= r.limit;
    let races = 0;
    while (next < items.length) {
      if (current !== undefined && !fits(items[next].amount)) {
        refuse();
        continue;
      }
      let row: ConsumeRow;
      this.hotCounts.statements++;
      try {
        row = await this.consumeStatement(items[0], items.slice(next).map((i) => i.amount));
      } catch (err) {
        // Nothing of this statement was written; what earlier statements admitted stands.
        for (; next < items.length; next++) answers[next] = err instanceof Error ? err : new Error(String(err));
        break;
      }
      if (row.value === null && row.admitted > 0) {
        // The counter did not exist when the statement looked, and another writer created it
        // first: the next statement finds and locks it. Again and again only if the counter
        // keeps vanishing (its tenant being deleted, say): those consumes are not decided.
        if (++races <= MAX_COUNTER_RACES) continue;
        for (; next < items.length; next++) answers[next] = new AppError('SERVICE_UNAVAILABLE', 'The usage counter changed while it was written; try again', { retryAfter: RETRY_AFTER_SECONDS });
        break;
      }
      if (row.value !== null) {
        let count = row.value - row.total;
        for (let n = 0; n < row.admitted; n++, next++) answers[next] = count += items[next].amount;
        current = row.value;
      } else {
        current = row.before ?? 0;
      }
      if (next < items.length) refuse();
    }
    return answers;
  }

  /** CONSUME_ONE_SQL for `amounts` of one counter. */
  private async consumeStatement({ em, tenantId, r, blocking }: HotConsume, amounts: number[]): Promise<ConsumeRow> {
    const [row] = await prepared<{ value: string | null; total: string; admitted: number; before: string | null }>(em, 'tenantry_consume_one', CONSUME_ONE_SQL, [
      tenantId, r.subject, r.def.resource, r.def.metric, r.def.period, r.windowStart, amounts, blocking, r.limit,
      this.now().toISOString().slice(0, 10), ruleKey(r), JSON.stringify(THRESHOLDS.map((t) => alertPayload(r, t.ratio))),
    ]);
    return {
      value: row.value === null ? null : Number(row.value),
      total: Number(row.total),
      admitted: row.admitted,
      before: row.before === null ? null : Number(row.before),
    };
  }

  /**
   * Crossing 80% or 100% of a limit emits `limit.threshold_reached` or `limit.exceeded`, once per
   * window: the alert row's primary key makes a second crossing (or a racing one) a no-op.
   */
  private async alertCrossings(em: EntityManager, tenantId: string, r: Applicable, before: number, after: number): Promise<void> {
    if (r.limit <= 0) return;
    for (const { level, ratio, type } of THRESHOLDS) {
      const mark = r.limit * ratio;
      if (!(before < mark && after >= mark)) continue;
      const [fresh] = await em.execute<{ level: string }[]>(
        `insert into limit_alerts (tenant_id, rule, window_start, level) values (?, ?, ?, ?) on conflict do nothing returning level`,
        [tenantId, ruleKey(r), r.windowStart, level],
      );
      if (!fresh) continue;
      this.events.emit(em, tenantId, type, { ...alertPayload(r, ratio), current: after });
    }
  }

  private load(em: EntityManager | (() => EntityManager), tenantId: string): MaybePromise<{ set: LimitDefinition[]; plan: string }> {
    const fresh = () => this.loadFresh(typeof em === 'function' ? em() : em, tenantId);
    const loaded = this.loaded ? this.loaded.get(tenantId, fresh) : fresh();
    return loaded as MaybePromise<{ set: LimitDefinition[]; plan: string }>;
  }

  private async loadFresh(em: EntityManager, tenantId: string): Promise<{ set: LimitDefinition[]; plan: string }> {
    const [row] = await em.execute<{ plan: string; definitions: LimitDefinition[] | null }[]>(
      `select t.plan, l.definitions from tenants t left join tenant_limits l on l.tenant_id = t.id where t.id = ? and t.deleted_at is null`,
      [tenantId],
    );
    if (!row) throw notFound('Tenant');
    return { set: row.definitions ?? [], plan: row.plan };
  }

  private rule(def: LimitDefinition, plan: string, user: string | undefined): Applicable {
    const window = windowOf(def.period, this.now());
    return {
      def,
      subject: def.scope === 'user' ? user! : '',
      windowStart: window.start,
      resetAt: window.end?.toISOString() ?? null,
      limit: effectiveLimit(def, plan),
    };
  }

  /** The limits on this resource and metric, in one fixed order so concurrent writers lock alike. */
  private applicable(em: EntityManager | (() => EntityManager), tenantId: string, data: { userId?: string; resource: string; metric: string }): MaybePromise<Applicable[]> {
    return andThen(this.load(em, tenantId), ({ set, plan }) => this.matching(set, plan, data));
  }

  private matching(set: LimitDefinition[], plan: string, data: { userId?: string; resource: string; metric: string }): Applicable[] {
    const matching = set.filter((d) => d.resource === data.resource && d.metric === data.metric);
    if (matching.some((d) => d.scope === 'user') && !data.userId) {
      throw badInput([{ field: 'userId', message: `is required: ${data.resource}/${data.metric} has a per-user limit` }]);
    }
    return matching
      .sort((a, b) => `${a.scope}/${PERIODS.indexOf(a.period)}`.localeCompare(`${b.scope}/${PERIODS.indexOf(b.period)}`))
      .map((d) => this.rule(d, plan, data.userId));
  }

  private async currentValues(em: EntityManager, tenantId: string, rules: Applicable[]): Promise<number[]> {
    if (!rules.length) return [];
    const keys = rules.map((r) => ({ subject: r.subject, resource: r.def.resource, metric: r.def.metric, period: r.def.period, window_start: r.windowStart.toISOString() }));
    const rows = await em.execute<{ subject: string; resource: string; metric: string; period: string; window_start: Date; value: string }[]>(
      `select c.subject, c.resource, c.metric, c.period, c.window_start, c.value
         from usage_counters c
         join jsonb_to_recordset(?::jsonb) as k(subject text, resource text, metric text, period text, window_start timestamptz)
           on c.subject = k.subject and c.resource = k.resource and c.metric = k.metric and c.period = k.period and c.window_start = k.window_start
        where c.tenant_id = ?`,
      [JSON.stringify(keys), tenantId],
    );
    return rules.map((r) => {
      const row = rows.find(
        (x) => x.subject === r.subject && x.resource === r.def.resource && x.metric === r.def.metric && x.period === r.def.period && new Date(x.window_start).getTime() === r.windowStart.getTime(),
      );
      return row ? Number(row.value) : 0;
    });
  }

  private answer(rules: Applicable[], current: number[], amount: number): LimitAnswer {
    const states: RuleState[] = rules.map((r, i) => {
      const unlimited = r.limit === -1;
      return {
        resource: r.def.resource,
        metric: r.def.metric,
        period: r.def.period,
        scope: r.def.scope,
        gateAction: r.def.gateAction,
        current: current[i],
        limit: r.limit,
        remaining: unlimited ? null : Math.max(0, r.limit - current[i]),
        exceeded: !unlimited && current[i] + amount > r.limit,
        resetAt: r.resetAt,
      };
    });
    const deciding =
      states.find((s) => s.exceeded && s.gateAction !== 'warn') ??
      states.find((s) => s.exceeded) ??
      [...states].filter((s) => s.remaining !== null).sort((a, b) => a.remaining! - b.remaining!)[0] ??
      states[0];
    return {
      allowed: !states.some((s) => s.exceeded && s.gateAction !== 'warn'),
      gateAction: deciding?.gateAction ?? 'block',
      usage: { current: deciding?.current ?? 0, limit: deciding ? deciding.limit : null },
      remaining: deciding?.remaining ?? null,
      resetAt: deciding?.resetAt ?? null,
      rule: deciding ? { resource: deciding.resource, metric: deciding.metric, period: deciding.period, scope: deciding.scope } : null,
      rules: states,
    };
  }
}
