import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../../errors';

export interface RateInfo {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  reset: number;
}

interface TenantRate {
  at: number;
  max: number;
  windowMs: number;
}

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
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private readonly rates = new Map<string, TenantRate>();

  constructor(
    private readonly perMinute: number,
    private readonly redis?: Redis,
  ) {}

  /** Forget a tenant's cached configuration (its rateLimit was just saved). */
  invalidate(tenantId: string): void {
    this.rates.delete(tenantId);
  }

  async consume(em: EntityManager, tenantId: string): Promise<RateInfo | null> {
    const rate = await this.rateOf(em, tenantId);
    if (!rate) return null;
    const limiter = this.limiterFor(rate);
    try {
      const res = await limiter.consume(tenantId);
      return { limit: rate.max, remaining: res.remainingPoints, reset: Math.ceil(res.msBeforeNext / 1000) };
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new AppError('RATE_LIMITED', `Rate limit of ${rate.max} requests per ${rate.windowMs / 1000} s exceeded; retry in ${retryAfter} s`, {
        retryAfter,
        rateLimit: { limit: rate.max, remaining: 0, reset: retryAfter },
      });
    }
  }

  private async rateOf(em: EntityManager, tenantId: string): Promise<TenantRate | null> {
    const cached = this.rates.get(tenantId);
    if (cached && Date.now() - cached.at < CONFIG_TTL_MS) return cached.max > 0 ? cached : null;
    const [row] = await em.execute<{ rate_limit: { enabled?: boolean; default?: { max: number; windowMs?: number } } | null }[]>(
      `select document->'rateLimit' as rate_limit from tenant_configs where tenant_id = ? order by version desc limit 1`,
      [tenantId],
    );
    const own = row?.rate_limit?.enabled ? row.rate_limit.default : undefined;
    let rate: TenantRate = { at: Date.now(), max: this.perMinute, windowMs: 60_000 };
    if (own) {
      const windowMs = own.windowMs ?? 60_000;
      // Never above the plan's rate: the same rate over the tenant's window.
      const ceiling = this.perMinute > 0 ? Math.floor((this.perMinute * windowMs) / 60_000) : Infinity;
      rate = { at: Date.now(), max: Math.min(own.max, ceiling), windowMs };
    }
    this.rates.set(tenantId, rate);
    return rate.max > 0 ? rate : null;
  }

  private limiterFor(rate: TenantRate): RateLimiterAbstract {
    const duration = Math.max(1, Math.ceil(rate.windowMs / 1000));
    const key = `${rate.max}:${duration}`;
    let limiter = this.limiters.get(key);
    if (!limiter) {
      const options = { points: rate.max, duration, keyPrefix: `tenantry:rl:${key}` };
      limiter = this.redis
        ? new RateLimiterRedis({
            ...options,
            storeClient: this.redis,
            // If Redis is unreachable, limit per instance rather than refuse every request.
            insuranceLimiter: new RateLimiterMemory(options),
          })
        : new RateLimiterMemory(options);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }
}
