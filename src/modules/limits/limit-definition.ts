import { z } from 'zod';

export const PERIODS = ['minute', 'hour', 'day', 'week', 'month', 'total'] as const;
export type Period = (typeof PERIODS)[number];
export const GATE_ACTIONS = ['block', 'warn', 'upgrade', 'login'] as const;
export const SCOPES = ['tenant', 'user'] as const;
export const MAX_DEFINITIONS = 100;

const slug = z.string({ error: 'must be a string' }).regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'must be lowercase letters, digits, _ . -, starting with a letter');
/** -1 means unlimited. */
const amountLimit = z.number({ error: 'must be a number' }).int('must be an integer').min(-1, 'must be -1 (unlimited) or more').max(Number.MAX_SAFE_INTEGER, 'is too large');

export const definitionSchema = z.strictObject({
  resource: slug,
  metric: slug,
  period: z.enum(PERIODS, { error: `must be one of ${PERIODS.join(', ')}` }),
  limit: amountLimit,
  tiers: z
    .record(z.string().regex(/^[a-z][a-z0-9_-]{0,49}$/, 'plan names are lowercase'), amountLimit, { error: 'must map plan names to limits' })
    .optional(),
  gateAction: z.enum(GATE_ACTIONS, { error: `must be one of ${GATE_ACTIONS.join(', ')}` }).default('block'),
  scope: z.enum(SCOPES, { error: 'must be tenant or user' }).default('tenant'),
});

export const definitionsSchema = z
  .array(definitionSchema, { error: 'must be an array of limits' })
  .max(MAX_DEFINITIONS, `at most ${MAX_DEFINITIONS} limits`)
  .superRefine((defs, ctx) => {
    const seen = new Set<string>();
    defs.forEach((d, i) => {
      const id = `${d.resource}/${d.metric}/${d.period}/${d.scope}`;
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [i], message: `duplicates another limit on ${id}` });
      seen.add(id);
    });
  });

export type LimitDefinition = z.output<typeof definitionSchema>;

/** The limit that applies to a tenant on `plan`: its tier if the plan has one, else `limit`. */
export const effectiveLimit = (d: LimitDefinition, plan: string): number =>
  d.tiers && Object.hasOwn(d.tiers, plan) ? d.tiers[plan] : d.limit;

/**
 * The window containing `now`, calendar-aligned in UTC: a week starts on Monday, a month on the
 * 1st; `total` is a single window since the epoch.
 */
export function windowOf(period: Period, now: Date): { start: Date; end: Date | null } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  switch (period) {
    case 'minute': {
      const start = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
      return { start, end: new Date(start.getTime() + 60_000) };
    }
    case 'hour': {
      const start = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
      return { start, end: new Date(start.getTime() + 3_600_000) };
    }
    case 'day':
      return { start: new Date(Date.UTC(y, m, d)), end: new Date(Date.UTC(y, m, d + 1)) };
    case 'week': {
      const sinceMonday = (now.getUTCDay() + 6) % 7;
      return { start: new Date(Date.UTC(y, m, d - sinceMonday)), end: new Date(Date.UTC(y, m, d - sinceMonday + 7)) };
    }
    case 'month':
      return { start: new Date(Date.UTC(y, m, 1)), end: new Date(Date.UTC(y, m + 1, 1)) };
    case 'total':
      return { start: new Date(0), end: null };
  }
}
