import type { MikroORM } from '@mikro-orm/postgresql';
import { PeriodicFlush } from '../../periodic-flush';

/**
 * Counts every authenticated request as an API call of its tenant without a database write on
 * the request path: counts gather in memory and are added to the day's total in one statement
 * every few seconds and at shutdown. A crash loses at most one interval of counts.
 */
export class ApiCallMeter extends PeriodicFlush {
  private pending = new Map<string, number>();

  constructor(
    private readonly orm: MikroORM,
    private readonly onError: (err: unknown) => void,
    private readonly now: () => Date = () => new Date(),
  ) {
    super();
  }

  count(tenantId: string): void {
    this.pending.set(tenantId, (this.pending.get(tenantId) ?? 0) + 1);
  }

  protected async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.pending = new Map();
    const day = this.now().toISOString().slice(0, 10);
    try {
      await this.orm.em.getConnection().execute(
        `insert into usage_daily as d (tenant_id, day, resource, metric, value)
         select v.tenant_id, ?::date, 'api', 'calls', v.n
           from jsonb_to_recordset(?::jsonb) as v(tenant_id uuid, n bigint)
           join tenants t on t.id = v.tenant_id
          -- One lock order for every instance's flush, so concurrent flushes cannot deadlock.
          order by v.tenant_id
         on conflict (tenant_id, day, resource, metric, shard) do update set value = d.value + excluded.value`,
        [day, JSON.stringify(batch.map(([tenant_id, n]) => ({ tenant_id, n })))],
      );
    } catch (err) {
      // Put the counts back: the next flush tries again.
      for (const [id, n] of batch) this.pending.set(id, (this.pending.get(id) ?? 0) + n);
      this.onError(err);
    }
  }
}
