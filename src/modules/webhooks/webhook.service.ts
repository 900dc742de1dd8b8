import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { requireTenant, type ServiceContext } from '../../context';
import { badInput, conflict, notFound } from '../../errors';
import { afterCursor, decodeCursor, encodeCursor } from '../../pagination';
import { parseInput } from '../../validation';
import type { AuditService } from '../audit/audit.service';
import type { SecretService } from '../secrets/secret.service';
import { lockTenant } from '../tenants/tenant-lock';
import type { Tenant } from '../tenants/tenant.entity';
import { httpUrl, WEBHOOK_EVENT_PATTERN } from '../tenants/tenant-settings';
import { webhookUrlProblem } from './address-guard';
import { newSigningSecret } from './signature';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint, type DeliveryStatus } from './webhook.entity';

export const MAX_WEBHOOKS_PER_TENANT = 20;
export const DEFAULT_ROTATION_GRACE_SECONDS = 24 * 3600;
const MAX_ROTATION_GRACE_SECONDS = 7 * 24 * 3600;
const SETTINGS_CLEARED = 'settings.webhook_url cleared';
export const TENANT_DELETED = 'tenant deleted';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const secretAad = (tenantId: string, endpointId: string) => `tenantry:webhook-secret:v1:${tenantId}:${endpointId}`;

/** `memory.ingested`, `role.*` (every event of a resource) or `*` (every event). */
const EVENT_FILTER = /^(\*|[a-z][a-z0-9_]*\.\*)$/;

export function matchesFilter(filter: readonly string[], type: string): boolean {
  if (!filter.length) return true;
  return filter.some((f) => f === '*' || f === type || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))));
}

const eventFilter = z
  .array(
    z
      .string({ error: 'must be a string' })
      .max(100, 'must be at most 100 characters')
      .refine((v) => WEBHOOK_EVENT_PATTERN.test(v) || EVENT_FILTER.test(v), 'must be an event type ("memory.ingested"), "resource.*" or "*"'),
    { error: 'must be an array of event types' },
  )
  .max(100, 'at most 100 event types')
  .refine((a) => new Set(a).size === a.length, 'must not repeat an event type');

const description = z.string({ error: 'must be a string' }).max(500, 'must be at most 500 characters');

export const createSchema = z.strictObject({
  url: httpUrl,
  description: description.nullish(),
  events: eventFilter.default([]),
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
});

export const updateSchema = z.strictObject({
  url: httpUrl.optional(),
  description: description.nullish(),
  events: eventFilter.optional(),
  enabled: z.boolean({ error: 'must be true or false' }).optional(),
});

export const rotateSchema = z.strictObject({
  graceSeconds: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be at least 0')
    .max(MAX_ROTATION_GRACE_SECONDS, `must be at most ${MAX_ROTATION_GRACE_SECONDS} (7 days)`)
    .default(DEFAULT_ROTATION_GRACE_SECONDS),
});

export const deliveriesSchema = z.strictObject({
  first: z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(1, 'must be at least 1').max(100, 'must be at most 100').default(20),
  after: z.string().max(200).nullish(),
  status: z.enum(['pending', 'succeeded', 'failed', 'cancelled'], { error: 'must be pending, succeeded, failed or cancelled' }).nullish(),
});

/** What clients see of an endpoint: never its secret. */
export function webhookView(e: WebhookEndpoint) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.eventTypes,
    source: e.source,
    enabled: e.status === 'active',
    status: e.status,
    disabledReason: e.disabledReason,
    failingSince: e.failingSince,
    previousSecretExpiresAt: e.previousSecretExpiresAt && e.previousSecretExpiresAt > new Date() ? e.previousSecretExpiresAt : null,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}
export type WebhookView = ReturnType<typeof webhookView>;

const snapshot = (e: WebhookEndpoint) => ({ url: e.url, description: e.description, events: e.eventTypes, status: e.status });

/** A delivery with its log, as both doors show it. */
export function deliveryView(d: WebhookDelivery, log: WebhookAttempt[]) {
  return {
    id: d.id,
    eventId: d.event.id,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
    lastAttemptAt: d.lastAttemptAt,
    lastStatusCode: d.lastStatusCode,
    lastLatencyMs: d.lastLatencyMs,
    lastError: d.lastError,
    createdAt: d.createdAt,
    log: log.map((a) => ({
      attempt: a.attempt,
      startedAt: a.startedAt,
      success: a.success,
      statusCode: a.statusCode,
      latencyMs: a.latencyMs,
      error: a.error,
      responseBody: a.responseBody,
    })),
  };
}
export type DeliveryView = ReturnType<typeof deliveryView>;

export interface DeliveryPage {
  deliveries: DeliveryView[];
  nextCursor: string | null;
}

/**
 * Webhook endpoints: managed ones (this API) and the one mirroring the tenant's settings.
 * Delivery itself is the DeliveryWorker's; this service only changes what it works from.
 */
export class WebhookService {
  constructor(
    private readonly secrets: SecretService,
    private readonly audit: AuditService,
    private readonly allowPrivate: boolean,
  ) {}

  async list(ctx: ServiceContext): Promise<WebhookEndpoint[]> {
    const tenantId = requireTenant(ctx);
    return ctx.em.find(WebhookEndpoint, { tenant: { id: tenantId, deletedAt: null } }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async get(ctx: ServiceContext, id: string): Promise<WebhookEndpoint> {
    return this.find(ctx.em, requireTenant(ctx), id);
  }

  /** Creates an endpoint; the answer is the only one that carries its signing secret unasked. */
  async create(ctx: ServiceContext, input: unknown): Promise<{ webhook: WebhookEndpoint; secret: string }> {
    const data = parseInput(createSchema, input);
    this.checkUrl(data.url);
    const tenantId = requireTenant(ctx);
    return ctx.em.transactional(async (em) => {
      const tenant = await lockTenant(em, tenantId);
      if ((await em.count(WebhookEndpoint, { tenant: tenantId, source: 'api' })) >= MAX_WEBHOOKS_PER_TENANT) {
        throw conflict(`A tenant may have at most ${MAX_WEBHOOKS_PER_TENANT} webhook endpoints`);
      }
      const { endpoint, secret } = await this.newEndpoint(em, tenant, {
        url: data.url,
        description: data.description ?? null,
        eventTypes: data.events,
        status: data.enabled ? 'active' : 'disabled',
        disabledReason: data.enabled ? null : 'disabled by a user',
      });
      this.audit.record(em, ctx, { action: 'webhook.created', targetType: 'webhook', targetId: endpoint.id, before: null, after: snapshot(endpoint) });
      await em.flush();
      return { webhook: endpoint, secret };
    });
  }

  async update(ctx: ServiceContext, id: string, input: unknown): Promise<WebhookEndpoint> {
    const data = parseInput(updateSchema, input);
    if (data.url) this.checkUrl(data.url);
    const tenantId = requireTenant(ctx);
    return ctx.em.transactional(async (em) => {
      const endpoint = await this.find(em, tenantId, id, true);
      if (endpoint.source === 'settings' && (data.url !== undefined || data.events !== undefined)) {
        const field = data.url !== undefined ? 'url' : 'events';
        throw badInput([{ field, message: "comes from the tenant's settings (webhook_url, webhook_events); change them there" }]);
      }
      const before = snapshot(endpoint);
      // A new address starts with a clean record: the old one's failures say nothing about it.
      if (data.url !== undefined && data.url !== endpoint.url) endpoint.failingSince = null;
      if (data.url !== undefined) endpoint.url = data.url;
      if (data.description !== undefined) endpoint.description = data.description;
      if (data.events !== undefined) endpoint.eventTypes = data.events;
      if (data.enabled === true && endpoint.status === 'disabled') {
        if (endpoint.disabledReason === SETTINGS_CLEARED) {
          throw conflict('This endpoint has no URL while settings.webhook_url is cleared; set the setting instead');
        }
        endpoint.status = 'active';
        endpoint.disabledReason = null;
        endpoint.failingSince = null;
      } else if (data.enabled === false && endpoint.status === 'active') {
        endpoint.status = 'disabled';
        endpoint.disabledReason = 'disabled by a user';
        await this.cancelPending(em, endpoint.id, 'endpoint disabled');
      }
      this.audit.record(em, ctx, { action: 'webhook.updated', targetType: 'webhook', targetId: endpoint.id, before, after: snapshot(endpoint) });
      await em.flush();
      return endpoint;
    });
  }

  async delete(ctx: ServiceContext, id: string): Promise<WebhookEndpoint> {
    const tenantId = requireTenant(ctx);
    return ctx.em.transactional(async (em) => {
      const endpoint = await this.find(em, tenantId, id, true);
      if (endpoint.source === 'settings') {
        throw conflict("This endpoint mirrors the tenant's settings: clear settings.webhook_url to remove it, or disable it");
      }
      this.audit.record(em, ctx, { action: 'webhook.deleted', targetType: 'webhook', targetId: endpoint.id, before: snapshot(endpoint), after: null });
      em.remove(endpoint);
      await em.flush();
      return endpoint;
    });
  }

  /**
   * A new signing secret. The old one keeps signing beside it (two signatures per delivery)
   * for `graceSeconds`, so receivers can switch over without dropping a delivery.
   */
  async rotateSecret(ctx: ServiceContext, id: string, input: unknown): Promise<{ webhook: WebhookEndpoint; secret: string }> {
    const { graceSeconds } = parseInput(rotateSchema, input);
    const tenantId = requireTenant(ctx);
    return ctx.em.transactional(async (em) => {
      const endpoint = await this.find(em, tenantId, id, true);
      const secret = newSigningSecret();
      endpoint.previousSecret = graceSeconds > 0 ? endpoint.secret : null;
      endpoint.previousSecretExpiresAt = graceSeconds > 0 ? new Date(Date.now() + graceSeconds * 1000) : null;
      endpoint.secret = await this.secrets.sealFor(em, tenantId, secret, secretAad(tenantId, endpoint.id));
      this.audit.record(em, ctx, {
        action: 'webhook.secret_rotated',
        targetType: 'webhook',
        targetId: endpoint.id,
        before: { secret: true },
        after: { secret: 'new', previousSecretExpiresAt: endpoint.previousSecretExpiresAt },
      });
      await em.flush();
      return { webhook: endpoint, secret };
    });
  }

  /** The current signing secret, for a receiver's configuration. Every read is audited. */
  async readSecret(ctx: ServiceContext, id: string): Promise<string> {
    const tenantId = requireTenant(ctx);
    return ctx.em.transactional(async (em) => {
      const endpoint = await this.find(em, tenantId, id);
      const secret = await this.secrets.openFor(em, tenantId, endpoint.secret, secretAad(tenantId, endpoint.id));
      this.audit.record(em, ctx, { action: 'webhook.secret_read', targetType: 'webhook', targetId: endpoint.id });
      await em.flush();
      return secret;
    });
  }

  /** The endpoint's deliveries, newest first, each with its attempts (the delivery log). */
  async deliveries(ctx: ServiceContext, id: string, input: unknown): Promise<DeliveryPage> {
    const args = parseInput(deliveriesSchema, input);
    const tenantId = requireTenant(ctx);
    const endpoint = await this.find(ctx.em, tenantId, id);
    const where: Record<string, unknown>[] = [{ endpoint: endpoint.id, tenant: tenantId }];
    if (args.status) where.push({ status: args.status });
    if (args.after) where.push(afterCursor(decodeCursor(args.after)));
    const rows = await ctx.em.find(WebhookDelivery, { $and: where }, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: args.first + 1 });
    const page = rows.slice(0, args.first);
    const attempts = page.length
      ? await ctx.em.find(WebhookAttempt, { delivery: { $in: page.map((d) => d.id) }, tenant: tenantId }, { orderBy: { attempt: 'asc', startedAt: 'asc' } })
      : [];
    const last = page.at(-1);
    return {
      deliveries: page.map((d) => deliveryView(d, attempts.filter((a) => a.delivery.id === d.id))),
      nextCursor: rows.length > args.first && last ? encodeCursor(last) : null,
    };
  }

  /** Sends a delivery again, now, with the same webhook-id (receivers deduplicate on it). */
  async redeliver(ctx: ServiceContext, id: string, deliveryId: string): Promise<DeliveryView> {
    const tenantId = requireTenant(ctx);
    if (!UUID.test(deliveryId)) throw notFound('Delivery');
    return ctx.em.transactional(async (em) => {
      const endpoint = await this.find(em, tenantId, id, true);
      if (endpoint.status !== 'active') throw conflict('The endpoint is disabled; enable it before redelivering');
      const delivery = await em.findOne(WebhookDelivery, { id: deliveryId, endpoint: endpoint.id, tenant: tenantId });
      if (!delivery) throw notFound('Delivery');
      // Its event must outlive this: retention skips an event locked here, and an event that
      // retention is deleting right now is waited for, then found gone.
      const [event] = await em.execute<{ id: string }[]>('select id from events where id = ? for share', [delivery.event.id]);
      if (!event) throw notFound('Delivery');
      // Claimed by a worker whose outcome is not recorded yet: sending it again now would race it.
      if (delivery.status === 'pending' && delivery.attempts > 0 && !(await em.count(WebhookAttempt, { delivery: delivery.id, attempt: delivery.attempts }))) {
        throw conflict('The delivery is being attempted right now; try again when the attempt is logged');
      }
      const before = { status: delivery.status };
      delivery.status = 'pending';
      delivery.nextAttemptAt = new Date();
      this.audit.record(em, ctx, { action: 'webhook.redelivered', targetType: 'webhook_delivery', targetId: delivery.id, before, after: { status: 'pending' }, always: true });
      await em.flush();
      return deliveryView(delivery, []);
    });
  }

  /**
   * Keeps the tenant's settings endpoint in step with `webhook_url` / `webhook_events`, inside
   * the transaction that saves the settings. Clearing the URL disables the endpoint (its log
   * and secret stay); setting a URL again, or a new one, re-enables it.
   */
  async syncSettings(em: EntityManager, tenant: Tenant): Promise<void> {
    // A deleted tenant's endpoints stay off, whatever an operator edits afterwards.
    if (tenant.deletedAt) return;
    const url = tenant.settings.webhook_url ?? null;
    const eventTypes = tenant.settings.webhook_events ?? [];
    const existing = await em.findOne(WebhookEndpoint, { tenant: tenant.id, source: 'settings' });
    if (!existing) {
      if (url) await this.newEndpoint(em, tenant, { url, eventTypes, source: 'settings', description: 'From settings.webhook_url' });
      return;
    }
    if (!url) {
      if (existing.status === 'active' || existing.disabledReason !== SETTINGS_CLEARED) {
        existing.status = 'disabled';
        existing.disabledReason = SETTINGS_CLEARED;
        await this.cancelPending(em, existing.id, SETTINGS_CLEARED);
      }
      return;
    }
    if (existing.url !== url || existing.disabledReason === SETTINGS_CLEARED) {
      existing.url = url;
      existing.status = 'active';
      existing.disabledReason = null;
      existing.failingSince = null;
    }
    if (JSON.stringify(existing.eventTypes) !== JSON.stringify(eventTypes)) existing.eventTypes = eventTypes;
  }

  /**
   * A deleted tenant's endpoints stop receiving, and nothing still queued is sent; the
   * `tenant.deleted` event itself is their last delivery (see DeliveryWorker).
   */
  async disableAll(em: EntityManager, tenantId: string): Promise<void> {
    await em.nativeUpdate(WebhookEndpoint, { tenant: tenantId, status: 'active' }, { status: 'disabled', disabledReason: TENANT_DELETED });
    await em.nativeUpdate(WebhookDelivery, { tenant: tenantId, status: 'pending' }, { status: 'cancelled' satisfies DeliveryStatus, lastError: TENANT_DELETED });
  }

  /** Tenants whose settings name a webhook URL but have no settings endpoint yet (set before this release). */
  async backfillSettingsEndpoints(em: EntityManager): Promise<number> {
    const rows = await em.execute<{ id: string }[]>(
      `select t.id from tenants t
        where t.deleted_at is null and coalesce(t.settings->>'webhook_url', '') <> ''
          and not exists (select 1 from webhook_endpoints w where w.tenant_id = t.id and w.source = 'settings')`,
    );
    for (const { id } of rows) {
      await em.fork().transactional(async (tx) => {
        await this.syncSettings(tx, await lockTenant(tx, id));
        await tx.flush();
      });
    }
    return rows.length;
  }

  private async cancelPending(em: EntityManager, endpointId: string, reason: string): Promise<void> {
    await em.nativeUpdate(WebhookDelivery, { endpoint: endpointId, status: 'pending' }, { status: 'cancelled' satisfies DeliveryStatus, lastError: reason });
  }

  private async newEndpoint(
    em: EntityManager,
    tenant: Tenant,
    fields: Pick<WebhookEndpoint, 'url' | 'eventTypes'> & Partial<Pick<WebhookEndpoint, 'description' | 'status' | 'disabledReason' | 'source'>>,
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const secret = newSigningSecret();
    const endpoint = em.create(WebhookEndpoint, { tenant, ...fields, secret: Buffer.alloc(0) });
    endpoint.secret = await this.secrets.sealFor(em, tenant.id, secret, secretAad(tenant.id, endpoint.id));
    return { endpoint, secret };
  }

  private checkUrl(url: string): void {
    const problem = webhookUrlProblem(url, this.allowPrivate);
    if (problem) throw badInput([{ field: 'url', message: problem }]);
  }

  private async find(em: EntityManager, tenantId: string, id: string, lock = false): Promise<WebhookEndpoint> {
    if (!UUID.test(id)) throw notFound('Webhook');
    if (lock) await lockTenant(em, tenantId);
    const endpoint = await em.findOne(WebhookEndpoint, { id, tenant: { id: tenantId, deletedAt: null } });
    if (!endpoint) throw notFound('Webhook');
    return endpoint;
  }
}
