import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { asPlatform } from './db/tenant-scope';
import type { Services } from './services';

const DAY_MS = 86_400_000;

/** One piece of housekeeping; it runs as the platform, on its own unit of work. */
export interface Chore {
  name: string;
  run(em: EntityManager): Promise<void>;
}

/** Rows removed because they outlived their retention, by kind. */
export interface Swept {
  events: number;
  usageCounters: number;
  limitAlerts: number;
  idempotencyKeys: number;
}

/**
 * What Tenantry keeps only for a while: delivered events (with their webhook deliveries and
 * attempts) for TENANTRY_EVENT_RETENTION_DAYS, the counters and alerts of closed limit windows,
 * and idempotency keys. Audit events, daily usage totals and everything a tenant configured
 * are kept for as long as the tenant is.
 */
export async function sweepHistory(services: Pick<Services, 'config' | 'events' | 'limits'>, em: EntityManager): Promise<Swept> {
  const days = services.config.eventRetentionDays;
  const events = days > 0 ? await services.events.sweepDelivered(em, new Date(Date.now() - days * DAY_MS)) : 0;
  return { events, ...(await services.limits.sweepClosed(em)) };
}

/** The server's chores: deleted tenants past their retention_days, then history past its own. */
export function chores(
  services: Pick<Services, 'config' | 'events' | 'limits' | 'tenants'>,
  report: { purged(ids: string[]): void; swept(counts: Swept): void },
): Chore[] {
  return [
    {
      name: 'tenant purge',
      run: async (em) => {
        const ids = await services.tenants.purgeExpired(em);
        if (ids.length) report.purged(ids);
      },
    },
    {
      name: 'retention',
      run: async (em) => {
        const counts = await sweepHistory(services, em);
        if (Object.values(counts).some((n) => n > 0)) report.swept(counts);
      },
    },
  ];
}

/**
 * Runs the chores on a timer, one after the other; one that fails is reported and the rest
 * still run. Safe on every instance at once: every chore claims its rows with FOR UPDATE SKIP
 * LOCKED.
 */
export class Housekeeping {
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly orm: MikroORM,
    private readonly chores: Chore[],
    private readonly onError: (err: unknown, chore: string) => void,
  ) {}

  start(intervalSeconds: number): void {
    if (intervalSeconds <= 0 || this.timer) return;
    const run = () => {
      this.running = this.running.then(() => this.runOnce());
    };
    run();
    this.timer = setInterval(run, intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Every chore once, now. */
  runOnce(): Promise<void> {
    return asPlatform(async () => {
      for (const chore of this.chores) {
        try {
          await chore.run(this.orm.em.fork());
        } catch (err) {
          this.onError(err, chore.name);
        }
      }
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
