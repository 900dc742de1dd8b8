import { gaugesSchema, periodSchema } from './usage.service';
import { checkSchema, trackSchema, usageSchema } from './limits.service';
import { definitionsSchema } from './limit-definition';
import * as R from '../../rest/responses';
import { gatewayPaths, type RestRoute } from '../../rest/route-table';

const USAGE_FIELDS = { userId: 'userId', resource: 'resource', metric: 'metric', amount: 'amount', idempotencyKey: 'idempotencyKey' };

/** The gateway's resource-limit and usage endpoints (reference 002), at root and under /api/v1. */
export const limitRoutes: RestRoute[] = gatewayPaths([
  {
    method: 'GET',
    path: '/tenant/limits/resources',
    response: R.definitions,
    operation: 'getLimits',
    source: 'gateway 002',
    handle: (s, ctx) => s.limits.definitions(ctx),
  },
  {
    method: 'PUT',
    path: '/tenant/limits/resources',
    input: definitionsSchema,
    response: R.definitions,
    operation: 'setResourceLimits',
    source: 'gateway 002',
    passBody: true,
    handle: (s, ctx, req) => s.limits.setDefinitions(ctx, req.body),
  },
  {
    method: 'GET',
    path: '/tenant/limits/resources/usage',
    input: usageSchema,
    response: R.limitUsage,
    operation: 'getLimitUsage',
    source: 'gateway 002',
    query: { userId: 'userId' },
    handle: (s, ctx, req) => s.limits.usage(ctx, req.input),
  },
  {
    method: 'POST',
    path: '/tenant/limits/resources/check',
    input: checkSchema,
    response: R.limitAnswer,
    operation: 'checkLimit',
    source: 'gateway 002',
    body: { userId: 'userId', resource: 'resource', metric: 'metric', amount: 'amount' },
    handle: (s, ctx, req) => s.limits.check(ctx, req.input),
  },
  {
    method: 'POST',
    path: '/tenant/limits/resources/track',
    input: trackSchema,
    response: R.limitAnswer,
    operation: 'trackUsage',
    source: 'gateway 002 (idempotency key added)',
    body: USAGE_FIELDS,
    handle: (s, ctx, req) => s.limits.track(ctx, req.input),
  },
  {
    method: 'POST',
    path: '/tenant/limits/resources/consume',
    input: trackSchema,
    response: R.limitAnswer,
    operation: 'consumeLimit',
    source: 'added (atomic check and track)',
    body: USAGE_FIELDS,
    handle: (s, ctx, req) => s.limits.consume(ctx, req.input),
  },
  {
    method: 'GET',
    path: '/usage/summary',
    input: periodSchema,
    response: R.usageSummary,
    operation: 'getUsageSummary',
    source: 'gateway 002',
    query: { period: 'period' },
    handle: (s, ctx, req) => s.usage.summary(ctx, req.input),
  },
  {
    method: 'PUT',
    path: '/usage/gauges',
    input: gaugesSchema,
    response: R.gauges,
    operation: 'setUsageGauges',
    source: 'added (storage and user gauges the data plane sets)',
    body: { storage_bytes: 'storage_bytes', user_count: 'user_count' },
    handle: (s, ctx, req) => s.usage.setGauges(ctx, req.input),
  },
  {
    method: 'GET',
    path: '/usage/history',
    input: periodSchema,
    response: R.usageHistory,
    operation: 'getUsageHistory',
    source: 'gateway 002',
    query: { period: 'period' },
    handle: async (s, ctx, req) => ({ history: (await s.usage.history(ctx, req.input)).history }),
  },
]);
