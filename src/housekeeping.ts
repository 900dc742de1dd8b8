import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { asPlatform } from './db/tenant-scope';
import type { Services } from './services';

const DAY_MS = 86_400_000;

/** One piece of housekeeping; it runs as the platform, on its own unit of work. */
export interface Chore {
  name: string;
  /** `signal` aborts at shutdown: a chore stops between batches rather than finish a backlog. */
  run(em: EntityManager, signal: AbortSignal): Promise<void>;
}

/** Rows removed because they outlived their retention, by kind. */
export interface Swept {
  events: number;
  auditEvents: number;
  usageCounters: number;
  limitAlerts: number;
  idempotencyKeys: number;
}

/**
 * The server's chores, each on its own so one that fails does not hold up the others:
 *   - deleted tenants past their `retention_days`, every row of theirs;
 *   - delivered events (with their webhook deliveries and attempts) past
 *     TENANTRY_EVENT_RETENTION_DAYS;
 *   - audit entries past TENANTRY_AUDIT_RETENTION_DAYS, when set (by default the trail stays);
 *   - the counters and alerts of closed limit windows, and old idempotency keys.
 * Daily usage totals and everything a tenant configured are kept for as long as the tenant is.
 */
export function chores(
  services: Pick<Services, 'config' | 'events' | 'limits' | 'tenants' | 'audit'>,
  report: { purged(ids: string[]): void; swept(counts: Partial<Swept>): void },
): Chore[] {
  const { eventRetentionDays: days, auditRetentionDays: auditDays } = services.config;
  const sweeps: Record<keyof Swept, (em: EntityManager, signal: AbortSignal) => Promise<number>> = {
    events: (em, signal) => (days > 0 ? services.events.sweepDelivered(em, new Date(Date.now() - days * DAY_MS), signal) : Promise.resolve(0)),
    auditEvents: (em, signal) => (auditDays > 0 ? services.audit.sweepOlderThan(em, new Date(Date.now() - auditDays * DAY_MS), signal) : Promise.resolve(0)),
    ...services.limits.retentionSweeps(),
  };
  return [
    {
      name: 'tenant purge',
      run: async (em, signal) => {
        const ids = await services.tenants.purgeExpired(em, signal);
        if (ids.length) report.purged(ids);
      },
    },
    ...Object.entries(sweeps).map(([kind, sweep]) => ({
      name: `${kind} retention`,
      run: async (em: EntityManager, signal: AbortSignal) => {
        const n = await sweep(em, signal);
        if (n > 0) report.swept({ [kind]: n });
      },
    })),
  ];
}

/**
 * Runs the chores on a timer, one after the other; one that fails is reported and the rest
 * still run. A tick that finds the previous run still going is skipped. Safe on every instance
 * at once: every chore claims its rows with FOR UPDATE SKIP LOCKED.
 */
export class Housekeeping {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopping = new AbortController();

  constructor(
    private readonly orm: MikroORM,
    private readonly chores: Chore[],
    private readonly onError: (err: unknown, chore: string) => void,
  ) {}

  start(intervalSeconds: number): void {
    if (intervalSeconds <= 0 || this.timer) return;
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
    const tick = () => {
      this.running ??= this.runOnce().finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Every chore once, now, unless stop() is called meanwhile. */
  runOnce(): Promise<void> {
    const signal = this.stopping.signal;
    return asPlatform(async () => {
      for (const chore of this.chores) {
        if (signal.aborted) return;
        try {
          await chore.run(this.orm.em.fork(), signal);
        } catch (err) {
          this.onError(err, chore.name);
        }
      }
    });
  }

  /** Stops the timer, and the run under way at its next batch; resolves when it has. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    await this.running;
  }
}
