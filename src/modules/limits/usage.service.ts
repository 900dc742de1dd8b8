import { z } from 'zod';
import { requireTenant, type ServiceContext } from '../../context';
import { notFound } from '../../errors';
import { parseInput } from '../../validation';

export const periodSchema = z.strictObject({
  period: z.string({ error: 'must be a string' }).regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM').optional(),
});

/** Which tracked resource and metric feeds each figure of the usage reports. */
const FIGURES = {
  api_calls: ['api', 'calls'],
  llm_tokens: ['llm', 'tokens'],
  bandwidth_bytes: ['bandwidth', 'bytes'],
} as const;

function monthRange(period: string): [string, string] {
  const [y, m] = period.split('-').map(Number);
  return [new Date(Date.UTC(y, m - 1, 1)).toISOString().slice(0, 10), new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10)];
}

export const gaugesSchema = z
  .strictObject({
    storage_bytes: z.number({ error: 'must be a number' }).int('must be an integer').min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER).optional(),
    user_count: z.number({ error: 'must be a number' }).int('must be an integer').min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .refine((g) => g.storage_bytes !== undefined || g.user_count !== undefined, 'must set storage_bytes or user_count');

/** The gateway's usage summary and daily history, from the daily totals. */
export class UsageService {
  constructor(private readonly now: () => Date = () => new Date()) {}

  async summary(ctx: ServiceContext, input: unknown) {
    const tenantId = requireTenant(ctx);
    const period = parseInput(periodSchema, input).period ?? this.now().toISOString().slice(0, 7);
    const [from, to] = monthRange(period);
    const [tenant] = await ctx.em.execute<{ storage_used: string }[]>('select storage_used from tenants where id = ? and deleted_at is null', [tenantId]);
    if (!tenant) throw notFound('Tenant');
    const rows = await ctx.em.execute<{ resource: string; metric: string; total: string }[]>(
      `select resource, metric, sum(value) as total from usage_daily where tenant_id = ? and day >= ?::date and day < ?::date group by resource, metric`,
      [tenantId, from, to],
    );
    const total = ([resource, metric]: readonly [string, string]) => Number(rows.find((r) => r.resource === resource && r.metric === metric)?.total ?? 0);
    return {
      tenant_id: tenantId,
      period,
      api_calls: total(FIGURES.api_calls),
      llm_tokens: total(FIGURES.llm_tokens),
      storage_bytes: Number(tenant.storage_used),
      bandwidth_bytes: total(FIGURES.bandwidth_bytes),
    };
  }

  /**
   * Gauges the data plane sets (absolute values, not increments): the tenant's stored bytes
   * (its `storage_used`) and its user count. Metering, like track: not in the audit trail.
   */
  async setGauges(ctx: ServiceContext, input: unknown) {
    const g = parseInput(gaugesSchema, input);
    const tenantId = requireTenant(ctx);
    await ctx.em.transactional(async (em) => {
      const [tenant] = await em.execute<{ id: string }[]>(
        'update tenants set storage_used = coalesce(?::bigint, storage_used) where id = ? and deleted_at is null returning id',
        [g.storage_bytes ?? null, tenantId],
      );
      if (!tenant) throw notFound('Tenant');
      if (g.user_count !== undefined) {
        await em.execute(
          `insert into usage_gauges as u (tenant_id, name, value) values (?, 'users', ?::bigint)
           on conflict (tenant_id, name) do update set value = excluded.value, updated_at = now()`,
          [tenantId, g.user_count],
        );
      }
    });
    return g;
  }

  async history(ctx: ServiceContext, input: unknown) {
    const tenantId = requireTenant(ctx);
    const period = parseInput(periodSchema, input).period ?? this.now().toISOString().slice(0, 7);
    const [from, to] = monthRange(period);
    const rows = await ctx.em.execute<{ day: string; resource: string; metric: string; value: string }[]>(
      `select to_char(day, 'YYYY-MM-DD') as day, resource, metric, value from usage_daily
        where tenant_id = ? and day >= ?::date and day < ?::date order by day`,
      [tenantId, from, to],
    );
    const days = new Map<string, { date: string; api_calls: number; llm_tokens: number; bandwidth_bytes: number }>();
    for (const r of rows) {
      const entry = days.get(r.day) ?? { date: r.day, api_calls: 0, llm_tokens: 0, bandwidth_bytes: 0 };
      for (const [figure, [resource, metric]] of Object.entries(FIGURES)) {
        if (r.resource === resource && r.metric === metric) entry[figure as keyof typeof FIGURES] += Number(r.value);
      }
      days.set(r.day, entry);
    }
    return { period, history: [...days.values()] };
  }
}
