import { asPlatform } from '../../db/tenant-scope';
import { LockMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { EmailAddressResolver } from 'graphql-scalars';
import { z } from 'zod';
import { TENANT_ADMIN } from '../../auth/scopes';
import type { Config } from '../../config';
import { requireTenant, type ServiceContext } from '../../context';
import { badInput, conflict, forbidden, isUniqueViolation, notFound } from '../../errors';
import { Limit } from '../../rate-limit';
import { webhookUrlProblem } from '../webhooks/address-guard';
import { FeedCache, type ChangeFeed } from '../../db/change-feed';
import type { MaybePromise } from '../../maybe';
import type { WebhookService } from '../webhooks/webhook.service';
import { afterCursor, decodeCursor, encodeCursor } from '../../pagination';
import { parseInput } from '../../validation';
import { ApiKey } from '../api-keys/api-key.entity';
import type { ApiKeyService, CreatedKey } from '../api-keys/api-key.service';
import type { AuditService } from '../audit/audit.service';
import type { RbacService } from '../rbac/rbac.service';
import { Tenant, TENANT_STATUSES, type TenantStatus } from './tenant.entity';
import { defaultSettings, httpUrl, mergeSettings, settingsPatchSchema } from './tenant-settings';

const text = (max: number) =>
  z.string({ error: 'must be a string' }).max(max, `must be at most ${max} characters`);

const name = text(200).trim().min(1, 'must not be empty');

/** The GraphQL EmailAddress scalar's own rule, so an address stored is one both doors can show. */
function isEmailAddress(value: string): boolean {
  try {
    EmailAddressResolver.parseValue(value);
    return true;
  } catch {
    return false;
  }
}

/** The knowledge-base platform's retriever configuration. */
const retrieverEngines = z.strictObject(
  {
    engines: z
      .array(
        z.strictObject({
          retriever_type: text(64).min(1, 'must not be empty'),
          retriever_engine_type: text(64).min(1, 'must not be empty'),
        }),
        { error: 'must be an array' },
      )
      .max(32, 'at most 32 engines'),
  },
  { error: 'must be an object with an "engines" array' },
);

const tenantFields = {
  email: text(320).refine(isEmailAddress, 'must be a valid email address').nullish(),
  description: text(2000).nullish(),
  business: text(200).trim().nullish(),
  logo: httpUrl.nullish(),
  retrieverEngines: retrieverEngines.nullish(),
  settings: settingsPatchSchema.optional(),
};

/** What only operators may set: the commercial terms and the lifecycle state. */
const operatorFields = {
  plan: z
    .string({ error: 'must be a string' })
    .regex(/^[a-z][a-z0-9_-]{0,49}$/, 'must be a plan name (lowercase letters, digits, - or _)')
    .optional(),
  storageQuota: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .refine(Number.isSafeInteger, 'is too large')
    .optional(),
  status: z.enum(TENANT_STATUSES, { error: `must be one of ${TENANT_STATUSES.join(', ')}` }).optional(),
};

export const createSchema = z.strictObject({ name, ...tenantFields, ...operatorFields });
export const updateSchema = z.strictObject({ name: name.optional(), ...tenantFields, ...operatorFields });

export const listSchema = z.strictObject({
  // Coerced: REST passes query strings, GraphQL numbers.
  first: z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(1, 'must be at least 1').max(100, 'must be at most 100').default(20),
  after: z.string({ error: 'must be a string' }).max(200).nullish(),
  status: z.enum(TENANT_STATUSES).nullish(),
  plan: z.string().max(50).nullish(),
  search: z.string({ error: 'must be a string' }).trim().max(200).nullish(),
});

export interface Registration {
  tenant: Tenant;
  created: CreatedKey;
}

export interface TenantStats {
  user_count: number;
  conversation_count: number;
  total_interactions: number;
  storage_bytes: number;
}

export interface TenantPage {
  tenants: Tenant[];
  totalCount: number;
  hasNextPage: boolean;
  cursorOf(tenant: Tenant): string;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

/** What an audit entry shows of a tenant. */
export function tenantSnapshot(t: Tenant): Record<string, unknown> {
  return {
    name: t.name,
    email: t.email ?? null,
    description: t.description ?? null,
    business: t.business ?? null,
    logo: t.logo ?? null,
    plan: t.plan,
    status: t.status,
    storageQuota: Number(t.storageQuota),
    settings: t.settings,
    retrieverEngines: t.retrieverEngines ?? null,
    deletedAt: t.deletedAt ?? null,
  };
}

const STATUS_ACTIONS: Record<TenantStatus, string> = {
  active: 'tenant.reactivated',
  suspended: 'tenant.suspended',
  deleted: 'tenant.deleted',
};

/** How long a tenant read is served from memory (only while the change feed listens). */
const READ_TTL_MS = 2000;

export class TenantService {
  private readonly reads: FeedCache<{ tenant: Tenant; stats: TenantStats }>;
  private readonly registrations: Limit;

  constructor(
    private readonly config: Config,
    private readonly apiKeys: ApiKeyService,
    private readonly audit: AuditService,
    private readonly rbac: RbacService,
    private readonly webhooks: WebhookService,
    private readonly feed: ChangeFeed,
  ) {
    this.reads = new FeedCache(feed, READ_TTL_MS, (m, tenantId) => m.kind === 'tenant' && tenantId === m.id);
    this.registrations = new Limit(config.registrationsPerHour, 3600, 'registrations');
  }

  /**
   * Creates a tenant and its first key (`tenant:admin`) in one transaction. Public unless
   * registration is closed; operators may also set plan, quota and status, and are not limited.
   */
  async register(ctx: ServiceContext, input: unknown): Promise<Registration> {
    const operator = ctx.principal?.operator === true;
    if (this.config.registration === 'closed' && !operator) {
      throw forbidden('Registration is closed: only platform operators can create tenants');
    }
    if (ctx.principal && !operator) {
      throw badInput([{ field: 'Authorization', message: 'the caller already belongs to a tenant; register without a tenant key' }]);
    }
    const data = parseInput(createSchema, input);
    this.checkWebhookUrl(data.settings?.webhook_url);
    if (!operator) this.refuseOperatorFields(data, null);
    if (data.status === 'deleted') throw badInput([{ field: 'status', message: 'a new tenant cannot be deleted' }]);
    if (!operator) await this.registrations.consume(ctx.ip);
    try {
      // A new tenant has no scope to be confined to, and its email must be free among all: the
      // one open write that runs as the platform (row-level security, see db/tenant-scope.ts).
      return await asPlatform(() => ctx.em.transactional(async (em) => {
        await this.assertEmailFree(em, data.email);
        const tenant = em.create(Tenant, {
          name: data.name,
          email: data.email ?? null,
          description: data.description ?? null,
          business: data.business ?? null,
          logo: data.logo ?? null,
          retrieverEngines: data.retrieverEngines ?? null,
          settings: mergeSettings(defaultSettings(), data.settings),
          ...(data.plan !== undefined && { plan: data.plan }),
          ...(data.storageQuota !== undefined && { storageQuota: data.storageQuota }),
          ...(data.status !== undefined && { status: data.status }),
        });
        this.rbac.seed(em, tenant);
        await this.webhooks.syncSettings(em, tenant);
        const created = this.apiKeys.issue(em, tenant, {
          name: 'Default admin key',
          scopes: [TENANT_ADMIN],
          environment: 'live',
        });
        this.audit.record(em, ctx, {
          action: 'tenant.created',
          targetType: 'tenant',
          targetId: tenant.id,
          tenantId: tenant.id,
          before: null,
          after: { ...tenantSnapshot(tenant), adminKeyId: created.apiKey.id },
        });
        await em.flush();
        return { tenant, created };
      }));
    } catch (err) {
      throw this.translate(err);
    }
  }

  /**
   * The acting tenant and its stats for a read-only answer (the hot `GET /api/v1/tenant` and
   * `{ tenant }`). While the change feed listens, both are kept for READ_TTL_MS: a change to the
   * tenant row evicts it on every instance at commit (this one at once), and the stats, which
   * are metering, may lag by up to that long. The entity is shared by readers: never changed.
   */
  read(ctx: ServiceContext): MaybePromise<{ tenant: Tenant; stats: TenantStats }> {
    const read = this.reads.get(requireTenant(ctx), async () => {
      const tenant = await this.get(ctx);
      return { tenant, stats: await this.stats(ctx, tenant) };
    });
    return read as MaybePromise<{ tenant: Tenant; stats: TenantStats }>;
  }

  /** The caller's own tenant (for operators, the one named by X-Tenant-ID); never a deleted one. */
  async get(ctx: ServiceContext): Promise<Tenant> {
    const tenant = await this.getById(ctx, requireTenant(ctx));
    if (tenant.deletedAt) throw notFound('Tenant');
    return tenant;
  }

  /**
   * A tenant by id. Tenant keys see only their own (another id is "not found", exactly like a
   * missing one); operators see every tenant not yet purged, deleted ones included.
   */
  async getById(ctx: ServiceContext, id: string, em: EntityManager = ctx.em, lock = false): Promise<Tenant> {
    if (!z.uuid().safeParse(id).success) throw notFound('Tenant');
    const operator = ctx.principal?.operator === true;
    if (!operator && id !== ctx.tenantId) throw notFound('Tenant');
    const tenant = await em.findOne(
      Tenant,
      operator ? { id } : { id, deletedAt: null },
      lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {},
    );
    if (!tenant) throw notFound('Tenant');
    return tenant;
  }

  /** Newest first, cursor-paginated; tenant keys see only their own tenant. */
  async list(ctx: ServiceContext, input: unknown): Promise<TenantPage> {
    const args = parseInput(listSchema, input);
    const where: FilterQuery<Tenant>[] = [];
    if (!ctx.principal?.operator) where.push({ id: requireTenant(ctx), deletedAt: null });
    if (args.status) where.push({ status: args.status });
    if (args.plan) where.push({ plan: args.plan });
    if (args.search) {
      const like = `%${escapeLike(args.search)}%`;
      where.push({ $or: [{ name: { $ilike: like } }, { email: { $ilike: like } }] });
    }
    const filtered: FilterQuery<Tenant> = where.length ? { $and: where } : {};
    const page: FilterQuery<Tenant>[] = [...where];
    if (args.after) page.push(afterCursor(decodeCursor(args.after)));
    const [rows, totalCount] = await Promise.all([
      ctx.em.find(Tenant, page.length ? { $and: page } : {}, {
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        limit: args.first + 1,
      }),
      ctx.em.count(Tenant, filtered),
    ]);
    return {
      tenants: rows.slice(0, args.first),
      totalCount,
      hasNextPage: rows.length > args.first,
      cursorOf: encodeCursor,
    };
  }

  /** Updates the caller's own tenant. */
  async update(ctx: ServiceContext, input: unknown): Promise<Tenant> {
    return this.updateById(ctx, requireTenant(ctx), input);
  }

  /**
   * Fields given replace what is stored; `settings` is merged key by key. Plan, quota and status
   * are the operator's: a tenant key may send them only unchanged (as the knowledge-base
   * document's PUT does), and a status change goes through the lifecycle rules.
   */
  async updateById(ctx: ServiceContext, id: string, input: unknown): Promise<Tenant> {
    const data = parseInput(updateSchema, input);
    this.checkWebhookUrl(data.settings?.webhook_url);
    try {
      const updated = await ctx.em.transactional(async (em) => {
        const tenant = await this.getById(ctx, id, em, true);
        const before = tenantSnapshot(tenant);
        if (!ctx.principal?.operator) this.refuseOperatorFields(data, tenant);
        // Refused before any field is touched: a rolled-back change must leave nothing behind.
        if (data.status !== undefined && data.status !== tenant.status && tenant.status === 'deleted') {
          throw conflict(`Tenant is deleted; it cannot become ${data.status}`);
        }
        if (data.email && data.email.toLowerCase() !== tenant.email?.toLowerCase()) {
          await this.assertEmailFree(em, data.email);
        }
        if (data.name !== undefined) tenant.name = data.name;
        if (data.email !== undefined) tenant.email = data.email;
        if (data.description !== undefined) tenant.description = data.description;
        if (data.business !== undefined) tenant.business = data.business;
        if (data.logo !== undefined) tenant.logo = data.logo;
        if (data.retrieverEngines !== undefined) tenant.retrieverEngines = data.retrieverEngines;
        if (data.settings !== undefined) {
          tenant.settings = mergeSettings(tenant.settings, data.settings);
          await this.webhooks.syncSettings(em, tenant);
        }
        if (data.plan !== undefined) tenant.plan = data.plan;
        if (data.storageQuota !== undefined) tenant.storageQuota = data.storageQuota;
        let action = 'tenant.updated';
        let keysRevoked: Record<string, number> = {};
        if (data.status !== undefined && data.status !== tenant.status) {
          action = STATUS_ACTIONS[data.status];
          keysRevoked = await this.transition(em, tenant, data.status);
        }
        this.audit.record(em, ctx, { action, targetType: 'tenant', targetId: tenant.id, tenantId: tenant.id, before, after: { ...tenantSnapshot(tenant), ...keysRevoked } });
        if (action === 'tenant.updated') await this.feed.publish(em, { kind: 'tenant', id: tenant.id });
        await em.flush();
        return tenant;
      });
      this.feed.local({ kind: 'tenant', id: updated.id });
      return updated;
    } catch (err) {
      throw this.translate(err);
    }
  }

  /** active -> suspended: every key of the tenant answers 403 until reactivated. */
  async suspend(ctx: ServiceContext, id: string): Promise<Tenant> {
    return this.changeStatus(ctx, id, 'suspended');
  }

  async reactivate(ctx: ServiceContext, id: string): Promise<Tenant> {
    return this.changeStatus(ctx, id, 'active');
  }

  /**
   * Soft delete: `deleted_at` set and every key revoked in one transaction. The tenant vanishes
   * from tenant-facing reads; its rows are purged after its `retention_days`, or by `purge`.
   */
  async delete(ctx: ServiceContext, id: string): Promise<Tenant> {
    return this.changeStatus(ctx, id, 'deleted');
  }

  /** Removes a deleted tenant and every row it owns, for good. */
  async purge(ctx: ServiceContext, id: string): Promise<{ id: string }> {
    return ctx.em.transactional(async (em) => {
      const tenant = await this.getById(ctx, id, em, true);
      if (tenant.status !== 'deleted') throw conflict('Only a deleted tenant can be purged; delete it first');
      await this.removeRows(em, [tenant.id]);
      em.getUnitOfWork().unsetIdentity(tenant);
      this.purged(em, ctx, tenant.id);
      await em.flush();
      return { id: tenant.id };
    });
  }

  /**
   * Every row a tenant owns: foreign keys cascade from tenants to the owned tables; the audit
   * trail (no foreign key, see AuditEvent) is removed explicitly.
   */
  private async removeRows(em: EntityManager, ids: string[]): Promise<void> {
    if (!ids.length) return;
    await em.execute('delete from audit_events where tenant_id = any(?::uuid[])', [`{${ids.join(',')}}`]);
    await em.execute('delete from tenants where id = any(?::uuid[])', [`{${ids.join(',')}}`]);
  }

  /** The one event that outlives a purged tenant: operator-level, with no tenant. */
  private purged(em: EntityManager, ctx: ServiceContext | null, tenantId: string): void {
    this.audit.record(em, ctx, { action: 'tenant.purged', targetType: 'tenant', targetId: tenantId, tenantId: null });
  }

  /**
   * The background purge: deleted tenants whose `retention_days` have passed since deletion.
   * Rows are claimed with SKIP LOCKED so every instance can run this at once.
   */
  async purgeExpired(em: EntityManager, signal?: AbortSignal, batch = 100): Promise<string[]> {
    const purged: string[] = [];
    // An aborted `signal` (shutdown) stops it between batches.
    while (!signal?.aborted) {
      const ids = await em.transactional(async (tx) => {
        const rows = await tx.execute<{ id: string }[]>(
          `select id from tenants
            where status = 'deleted'
              and deleted_at + make_interval(days => coalesce((settings->>'retention_days')::int, 30)) < now()
            order by deleted_at
            limit ? for update skip locked`,
          [batch],
        );
        const claimed = rows.map((r) => r.id);
        await this.removeRows(tx, claimed);
        for (const id of claimed) this.purged(tx, null, id);
        return claimed;
      });
      purged.push(...ids);
      if (ids.length < batch) break;
    }
    return purged;
  }

  /**
   * Usage figures from metering: all-time totals of what the data plane tracked (`users`,
   * `conversations`, `interactions`, each metric `count`); storage from the tenant's counter.
   * Batched: a page of tenants costs one query, through the request's DataLoader.
   */
  async stats(ctx: ServiceContext, tenant: Tenant): Promise<TenantStats> {
    const totals = ctx.loaders ? await ctx.loaders.usageTotals.load(tenant.id) : (await this.usageTotals(ctx.em, [tenant.id]))[0];
    return {
      // A user-count gauge, when the data plane sets one, is the count; else tracked additions.
      user_count: totals['gauge/users'] ?? totals['users/count'] ?? 0,
      conversation_count: totals['conversations/count'] ?? 0,
      total_interactions: totals['interactions/count'] ?? 0,
      storage_bytes: Number(tenant.storageUsed),
    };
  }

  /** All-time tracked totals per tenant, keyed `resource/metric`, in the order of `ids`. */
  async usageTotals(em: EntityManager, ids: readonly string[]): Promise<Record<string, number>[]> {
    const rows = await em.execute<{ tenant_id: string; key: string; total: string }[]>(
      `select tenant_id, resource || '/' || metric as key, sum(value) as total
         from usage_daily where tenant_id = any(?::uuid[]) and resource in ('users', 'conversations', 'interactions')
        group by tenant_id, resource, metric
       union all
       select tenant_id, 'gauge/' || name, value from usage_gauges where tenant_id = any(?::uuid[])`,
      [`{${ids.join(',')}}`, `{${ids.join(',')}}`],
    );
    return ids.map((id) => Object.fromEntries(rows.filter((r) => r.tenant_id === id).map((r) => [r.key, Number(r.total)])));
  }

  private async changeStatus(ctx: ServiceContext, id: string, status: TenantStatus): Promise<Tenant> {
    const tenant = await ctx.em.transactional(async (em) => {
      const tenant = await this.getById(ctx, id, em, true);
      if (tenant.status === status) return tenant;
      const before = tenantSnapshot(tenant);
      const keysRevoked = await this.transition(em, tenant, status);
      this.audit.record(em, ctx, {
        action: STATUS_ACTIONS[status],
        targetType: 'tenant',
        targetId: tenant.id,
        tenantId: tenant.id,
        before,
        after: { ...tenantSnapshot(tenant), ...keysRevoked },
      });
      await em.flush();
      return tenant;
    });
    this.feed.local({ kind: 'tenant', id: tenant.id });
    return tenant;
  }

  /**
   * The lifecycle: active <-> suspended, either -> deleted; deleted is final (until purged).
   * Returns what else changed, for the audit entry.
   */
  private async transition(em: EntityManager, tenant: Tenant, to: TenantStatus): Promise<Record<string, number>> {
    if (tenant.status === 'deleted') {
      throw conflict(`Tenant is deleted; it cannot become ${to}`);
    }
    tenant.status = to;
    // Cached verified keys carry the tenant's status: every instance drops them at commit.
    await this.feed.publish(em, { kind: 'tenant', id: tenant.id });
    if (to !== 'deleted') return {};
    const now = new Date();
    tenant.deletedAt = now;
    const keysRevoked = await em.nativeUpdate(ApiKey, { tenant: tenant.id, revokedAt: null }, { revokedAt: now });
    await this.webhooks.disableAll(em, tenant.id);
    return { keysRevoked };
  }

  /** A webhook URL that can only point inside is refused when saved (and again at delivery). */
  private checkWebhookUrl(url: string | null | undefined): void {
    const problem = url ? webhookUrlProblem(url, this.config.webhookAllowPrivate) : null;
    if (problem) throw badInput([{ field: 'settings.webhook_url', message: problem }]);
  }

  private refuseOperatorFields(
    data: { plan?: string; storageQuota?: number; status?: TenantStatus },
    current: Tenant | null,
  ): void {
    const changed = (
      [
        ['plan', data.plan, current?.plan ?? 'free'],
        ['storage_quota', data.storageQuota, current ? Number(current.storageQuota) : undefined],
        ['status', data.status, current?.status ?? 'active'],
      ] as const
    ).find(([, given, now]) => given !== undefined && given !== now);
    if (changed) throw forbidden(`Only platform operators can change ${changed[0]}`);
  }

  private async assertEmailFree(em: EntityManager, email: string | null | undefined): Promise<void> {
    if (!email) return;
    // em.execute, not the raw connection: it must run inside the caller's transaction.
    const [row] = await em.execute<{ n: number }[]>('select 1 as n from tenants where lower(email) = lower(?) limit 1', [email]);
    if (row) throw conflict('A tenant with this email already exists', 'email');
  }

  /** Two registrations racing for one email: the unique index decides, the loser gets a 409. */
  private translate(err: unknown): unknown {
    if (isUniqueViolation(err, 'tenants_email_lower_unique')) {
      return conflict('A tenant with this email already exists', 'email');
    }
    return err;
  }
}

