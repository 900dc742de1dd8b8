import { z } from 'zod';
import { requireTenant, type ServiceContext } from '../../context';
import { notFound } from '../../errors';
import { parseInput } from '../../validation';

const periodSchema = z.strictObject({
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
