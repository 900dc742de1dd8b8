import { asPlatform } from '../../db/tenant-scope';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { TenantService } from './tenant.service';

/**
 * Purges deleted tenants whose retention has passed, on a timer. Safe on every instance at once:
 * the service claims rows with FOR UPDATE SKIP LOCKED.
 */
export class PurgeJob {
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly orm: MikroORM,
    private readonly tenants: TenantService,
    private readonly onPurged: (ids: string[]) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(intervalSeconds: number): void {
    if (intervalSeconds <= 0 || this.timer) return;
    const run = () => {
      this.running = asPlatform(() => this.tenants.purgeExpired(this.orm.em.fork()))
        .then((ids) => ids.length && this.onPurged(ids))
        .catch(this.onError);
    };
    run();
    this.timer = setInterval(run, intervalSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
