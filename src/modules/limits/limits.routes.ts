import { gatewayPaths, type RestRoute } from '../../rest/route-table';

const USAGE_FIELDS = { userId: 'userId', resource: 'resource', metric: 'metric', amount: 'amount', idempotencyKey: 'idempotencyKey' };

/** The gateway's resource-limit and usage endpoints (reference 002), at root and under /api/v1. */
export const limitRoutes: RestRoute[] = gatewayPaths([
  {
    method: 'GET',
    path: '/tenant/limits/resources',
    operation: 'getLimits',
    source: 'gateway 002',
    handle: (s, ctx) => s.limits.definitions(ctx),
  },
  {
    method: 'PUT',
    path: '/tenant/limits/resources',
    operation: 'setResourceLimits',
    source: 'gateway 002',
    passBody: true,
    handle: (s, ctx, req) => s.limits.setDefinitions(ctx, req.body),
  },
  {
    method: 'GET',
    path: '/tenant/limits/resources/usage',
    operation: 'getLimitUsage',
    source: 'gateway 002',
    query: { userId: 'userId' },
    handle: (s, ctx, req) => s.limits.usage(ctx, req.input),
  },
  {
    method: 'POST',
    path: '/tenant/limits/resources/check',
    operation: 'checkLimit',
    source: 'gateway 002',
    body: { userId: 'userId', resource: 'resource', metric: 'metric', amount: 'amount' },
    handle: (s, ctx, req) => s.limits.check(ctx, req.input),
  },
  {
    method: 'POST',
    path: '/tenant/limits/resources/track',
    operation: 'trackUsage',
    source: 'gateway 002 (idempotency key added)',
    body: USAGE_FIELDS,
    handle: (s, ctx, req) => s.limits.track(ctx, req.input),
  },
  {
    method: 'POST',
    path: '/tenant/limits/resources/consume',
    operation: 'consumeLimit',
    source: 'added (atomic check and track)',
    body: USAGE_FIELDS,
    handle: (s, ctx, req) => s.limits.consume(ctx, req.input),
  },
  {
    method: 'GET',
    path: '/usage/summary',
    operation: 'getUsageSummary',
    source: 'gateway 002',
    query: { period: 'period' },
    handle: (s, ctx, req) => s.usage.summary(ctx, req.input),
  },
  {
    method: 'PUT',
    path: '/usage/gauges',
    operation: 'setUsageGauges',
    source: 'added (storage and user gauges the data plane sets)',
    body: { storage_bytes: 'storage_bytes', user_count: 'user_count' },
    handle: (s, ctx, req) => s.usage.setGauges(ctx, req.input),
  },
  {
    method: 'GET',
    path: '/usage/history',
    operation: 'getUsageHistory',
    source: 'gateway 002',
    query: { period: 'period' },
    handle: async (s, ctx, req) => ({ history: (await s.usage.history(ctx, req.input)).history }),
  },
]);
