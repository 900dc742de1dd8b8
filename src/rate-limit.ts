import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from './errors';

/**
 * A fixed-window limit per key (a client address), from rate-limiter-flexible. State is in
 * process; shared state across instances (Redis) arrives with per-tenant rate limits.
 */
export class Limit {
  private readonly limiter?: RateLimiterMemory;

  constructor(
    points: number,
    durationSeconds: number,
    private readonly what: string,
  ) {
    if (points > 0) this.limiter = new RateLimiterMemory({ points, duration: durationSeconds });
  }

  /** Counts one attempt for `key`; past the limit throws RATE_LIMITED with `retryAfter` seconds. */
  async consume(key: string): Promise<void> {
    if (!this.limiter) return;
    try {
      await this.limiter.consume(key);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new AppError('RATE_LIMITED', `Too many ${this.what} from this address; retry in ${retryAfter} s`, { retryAfter });
    }
  }
}
