import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../../errors';
import { andThen, type MaybePromise } from '../../maybe';
import { SharedLoads } from '../../shared-loads';

/** What a counter answers: the count in its window so far, and the time left in it. */
interface Counted {
  consumedPoints: number;
  msBeforeNext: number;
}

/**
 * rate-limiter-flexible's in-process store, the one RateLimiterMemory counts in. RateLimiterMemory
 * wraps each count in a promise; counting in its store directly is the same count with none, and
 * on Node 20 a promise on the request path costs several µs once AsyncLocalStorage is in use (see
 * maybe.ts; README: Performance). Not in the package's typings: the shape below is the store's.
 */
interface MemoryStorage {
  incrby(key: string, value: number, durationSec: number): Counted;
}
const MemoryStorage: new () => MemoryStorage = require('rate-limiter-flexible/lib/component/MemoryStorage/MemoryStorage');

export interface RateInfo {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  reset: number;
}

interface Window {
  max: number;
  windowMs: number;
}

interface TenantRate {
  at: number;
  /** The plan's window and, if the tenant set one, its own: made once per configuration read. */
  windows: Window[];
  /** Their lengths in whole seconds, each once: two windows of one length share a counter. */
  durations: number[];
}

/** Counters are shared per window length; each check compares the count with its own maximum. */
const UNBOUNDED = 1e12;

/** Counters are kept per whole second of window length. */
const durationOf = (windowMs: number) => Math.max(1, Math.ceil(windowMs / 1000));

/** How long a tenant's rateLimit configuration is reused before it is read again. */
const CONFIG_TTL_MS = 5000;

export function rateHeaders(info: RateInfo): Record<string, string> {
  return { 'ratelimit-limit': String(info.limit), 'ratelimit-remaining': String(info.remaining), 'ratelimit-reset': String(info.reset) };
}

/**
 * Each tenant's requests to Tenantry, limited per tenant (rate-limiter-flexible): in process, or
 * in Redis when REDIS_URL is set so every instance shares one count. The plan's default
 * (TENANTRY_RATE_LIMIT_PER_MINUTE) applies unless the tenant's configuration sets its own
 * `rateLimit`, which may lower the rate but never raise it above the plan's.
 */
export class TenantRateLimiter {
  private readonly stores = new Map<number, MemoryStorage>();
  private readonly limiters = new Map<number, RateLimiterAbstract>();
  private readonly rates = new Map<string, TenantRate>();
  /** A read that raced an invalidation answers its callers but is not kept. */
  private readonly reads = new SharedLoads<string, TenantRate>();

  constructor(
    private readonly perMinute: number,
    private readonly redis?: Redis,
  ) {}

  /** Forget a tenant's cached configuration (its rateLimit was just saved). */
  invalidate(tenantId: string): void {
    this.rates.delete(tenantId);
    this.reads.forget(tenantId);
  }

  /**
   * Counts one request against the plan's rate (per minute) and, when the tenant set one, its
   * own window too: its own can only make it stricter. Counters are keyed by window length, not
   * by the maximum, so changing the configuration never starts a fresh count.
   */
  consume(em: EntityManager | (() => EntityManager), tenantId: string): MaybePromise<RateInfo | null> {
    return andThen(this.rateOf(em, tenantId), ({ windows, durations }) => {
      if (!windows.length) return null;
      if (!this.redis) return this.decide(windows, durations, durations.map((d) => this.storeFor(d).incrby(tenantId, 1, d)));
      return Promise.all(durations.map((d) => this.limiterFor(d).consume(tenantId))).then((counted) => this.decide(windows, durations, counted));
    });
  }

  /** The window closest to its limit binds: its figures go in the headers, or its refusal is thrown. */
  private decide(windows: Window[], durations: number[], counted: Counted[]): RateInfo {
    let binding: (RateInfo & { max: number; windowMs: number; exceeded: boolean }) | undefined;
    for (const w of windows) {
      const res = counted[durations.indexOf(durationOf(w.windowMs))];
      const info = {
        limit: w.max,
        max: w.max,
        windowMs: w.windowMs,
        remaining: Math.max(0, w.max - res.consumedPoints),
        reset: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
        exceeded: res.consumedPoints > w.max,
      };
      if (!binding || (info.exceeded && !binding.exceeded) || (info.exceeded === binding.exceeded && info.remaining < binding.remaining)) binding = info;
    }
    const { limit, remaining, reset } = binding!;
    if (binding!.exceeded) {
      throw new AppError('RATE_LIMITED', `Rate limit of ${limit} requests per ${binding!.windowMs / 1000} s exceeded; retry in ${reset} s`, {
        retryAfter: reset,
        rateLimit: { limit, remaining: 0, reset },
      });
    }
    return { limit, remaining, reset };
  }

  /** `em` may be a function: a cached configuration then needs no unit of work (and no promise). */
  private rateOf(emOf: EntityManager | (() => EntityManager), tenantId: string): MaybePromise<TenantRate> {
    const cached = this.rates.get(tenantId);
    if (cached && Date.now() - cached.at < CONFIG_TTL_MS) return cached;
    return this.reads.get(tenantId, () => this.readRate(emOf, tenantId), (rate) => {
      if (this.rates.size >= 100_000) this.rates.clear();
      this.rates.set(tenantId, rate);
    });
  }

  private async readRate(emOf: EntityManager | (() => EntityManager), tenantId: string): Promise<TenantRate> {
    const [row] = await (typeof emOf === 'function' ? emOf() : emOf).execute<{ rate_limit: { enabled?: boolean; default?: { max: number; windowMs?: number } } | null }[]>(
      `select document->'rateLimit' as rate_limit from tenant_configs where tenant_id = ? order by version desc limit 1`,
      [tenantId],
    );
    const own = row?.rate_limit?.enabled ? row.rate_limit.default : undefined;
    const windows: Window[] = [...(this.perMinute > 0 ? [{ max: this.perMinute, windowMs: 60_000 }] : []), ...(own ? [{ max: own.max, windowMs: own.windowMs ?? 60_000 }] : [])];
    return { at: Date.now(), windows, durations: [...new Set(windows.map((w) => durationOf(w.windowMs)))] };
  }

  /** In process: one store per window length, keyed by tenant. */
  private storeFor(duration: number): MemoryStorage {
    let store = this.stores.get(duration);
    if (!store) this.stores.set(duration, (store = new MemoryStorage()));
    return store;
  }

  /** Through Redis, shared by every instance. */
  private limiterFor(duration: number): RateLimiterAbstract {
    let limiter = this.limiters.get(duration);
    if (!limiter) {
      const options = { points: UNBOUNDED, duration, keyPrefix: `tenantry:rl:${duration}` };
      limiter = new RateLimiterRedis({
        ...options,
        storeClient: this.redis,
        // If Redis is unreachable, limit per instance rather than refuse every request.
        insuranceLimiter: new RateLimiterMemory(options),
      });
      this.limiters.set(duration, limiter);
    }
    return limiter;
  }
}
