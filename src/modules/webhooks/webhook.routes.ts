import { createSchema, deliveriesSchema, rotateSchema, updateSchema } from './webhook.service';
import * as R from '../../rest/responses';
import { iso, type RestRoute } from '../../rest/route-table';
import { webhookView, type DeliveryView, type WebhookView } from './webhook.service';
import type { WebhookEndpoint } from './webhook.entity';

const rest = (e: WebhookEndpoint) => restView(webhookView(e));

function restView(v: WebhookView) {
  return {
    id: v.id,
    url: v.url,
    description: v.description,
    events: v.events,
    source: v.source,
    enabled: v.enabled,
    status: v.status,
    disabled_reason: v.disabledReason,
    failing_since: iso(v.failingSince),
    previous_secret_expires_at: iso(v.previousSecretExpiresAt),
    created_at: iso(v.createdAt),
    updated_at: iso(v.updatedAt),
  };
}

function restDelivery(d: DeliveryView) {
  return {
    id: d.id,
    event_id: d.eventId,
    event_type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: iso(d.nextAttemptAt),
    last_attempt_at: iso(d.lastAttemptAt),
    last_status_code: d.lastStatusCode,
    last_latency_ms: d.lastLatencyMs,
    last_error: d.lastError,
    created_at: iso(d.createdAt),
    log: d.log.map((a) => ({
      attempt: a.attempt,
      started_at: iso(a.startedAt),
      success: a.success,
      status_code: a.statusCode,
      latency_ms: a.latencyMs,
      error: a.error,
      response_body: a.responseBody,
    })),
  };
}

const FIELDS = { url: 'url', description: 'description', events: 'events', enabled: 'enabled' };

/** Managed webhook endpoints (issue 7); the settings endpoint appears here too. */
export const webhookRoutes: RestRoute[] = [
  {
    method: 'GET',
    path: '/api/v1/webhooks',
    response: R.webhookList,
    operation: 'listWebhooks',
    source: 'added',
    handle: async (s, ctx) => ({ webhooks: (await s.webhooks.list(ctx)).map(rest) }),
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks',
    input: createSchema,
    response: R.webhookWithSecret,
    operation: 'createWebhook',
    status: 201,
    source: 'added',
    body: FIELDS,
    async handle(s, ctx, req) {
      const { webhook, secret } = await s.webhooks.create(ctx, req.input);
      return { ...rest(webhook), secret };
    },
  },
  {
    method: 'GET',
    path: '/api/v1/webhooks/:id',
    response: R.webhook,
    operation: 'getWebhook',
    source: 'added',
    handle: async (s, ctx, req) => rest(await s.webhooks.get(ctx, req.params.id)),
  },
  {
    method: 'PATCH',
    path: '/api/v1/webhooks/:id',
    input: updateSchema,
    response: R.webhook,
    operation: 'updateWebhook',
    source: 'added',
    body: FIELDS,
    handle: async (s, ctx, req) => rest(await s.webhooks.update(ctx, req.params.id, req.input)),
  },
  {
    method: 'DELETE',
    path: '/api/v1/webhooks/:id',
    response: R.ok('Webhook deleted'),
    operation: 'deleteWebhook',
    source: 'added',
    async handle(s, ctx, req) {
      await s.webhooks.delete(ctx, req.params.id);
      return { success: true, message: 'Webhook deleted' };
    },
  },
  {
    method: 'GET',
    path: '/api/v1/webhooks/:id/secret',
    response: R.webhookSecret,
    operation: 'getWebhookSecret',
    source: 'added (audited)',
    handle: async (s, ctx, req) => ({ secret: await s.webhooks.readSecret(ctx, req.params.id) }),
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks/:id/rotate-secret',
    input: rotateSchema,
    response: R.webhookWithSecret,
    operation: 'rotateWebhookSecret',
    source: 'added',
    body: { grace_seconds: 'graceSeconds' },
    async handle(s, ctx, req) {
      const { webhook, secret } = await s.webhooks.rotateSecret(ctx, req.params.id, req.input);
      return { ...rest(webhook), secret };
    },
  },
  {
    method: 'GET',
    path: '/api/v1/webhooks/:id/deliveries',
    input: deliveriesSchema,
    response: R.deliveryPage,
    operation: 'listWebhookDeliveries',
    source: 'added',
    query: { limit: 'first', cursor: 'after', status: 'status' },
    async handle(s, ctx, req) {
      const page = await s.webhooks.deliveries(ctx, req.params.id, req.input);
      return { deliveries: page.deliveries.map(restDelivery), next_cursor: page.nextCursor };
    },
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
    response: R.delivery,
    operation: 'redeliverWebhook',
    status: 202,
    source: 'added',
    handle: async (s, ctx, req) => restDelivery(await s.webhooks.redeliver(ctx, req.params.id, req.params.deliveryId)),
  },
];
