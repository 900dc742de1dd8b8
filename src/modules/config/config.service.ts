import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { requireTenant, type ServiceContext } from '../../context';
import { badInput, notFound } from '../../errors';
import { webhookUrlProblem } from '../webhooks/address-guard';
import { parseInput } from '../../validation';
import type { AuditService } from '../audit/audit.service';
import { Tenant } from '../tenants/tenant.entity';
import { configSchema, type TenantConfigDocument } from './config.schema';
import { TenantConfig } from './tenant-config.entity';
import { lockTenant } from '../tenants/tenant-lock';

const historySchema = z.strictObject({
  first: z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(1, 'must be at least 1').max(100, 'must be at most 100').default(20),
  before: z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(1, 'must be at least 1').nullish(),
});

const versionSchema = z.coerce.number({ error: 'must be a version number' }).int('must be an integer').min(1, 'must be at least 1');

/** The gateway configuration document, versioned: every save and every rollback is a new version. */
export class ConfigService {
  constructor(
    private readonly audit: AuditService,
    private readonly onSaved: (tenantId: string) => void = () => {},
    private readonly webhookAllowPrivate = false,
  ) {}

  async current(ctx: ServiceContext): Promise<TenantConfig | null> {
    const tenantId = requireTenant(ctx);
    await this.activeTenant(ctx.em, tenantId);
    return ctx.em.findOne(TenantConfig, { tenant: tenantId }, { orderBy: { version: 'desc' } });
  }

  /** Versions newest first; `before` pages back from a version. */
  async history(ctx: ServiceContext, input: unknown): Promise<TenantConfig[]> {
    const { first, before } = parseInput(historySchema, input);
    const tenantId = requireTenant(ctx);
    await this.activeTenant(ctx.em, tenantId);
    return ctx.em.find(TenantConfig, { tenant: tenantId, ...(before ? { version: { $lt: before } } : {}) }, { orderBy: { version: 'desc' }, limit: first });
  }

  async save(ctx: ServiceContext, input: unknown): Promise<TenantConfig> {
    const document = parseInput(configSchema, input);
    // Webhook targets that can only point inside are refused when saved (and again at delivery).
    const problems = (document.webhooks ?? []).flatMap((w, i) => {
      const problem = webhookUrlProblem(w.url, this.webhookAllowPrivate);
      return problem ? [{ field: `webhooks.${i}.url`, message: problem }] : [];
    });
    if (problems.length) throw badInput(problems);
    return this.append(ctx, document, null);
  }

  /** Restores an earlier version's document as a new version; the history keeps both. */
  async rollback(ctx: ServiceContext, version: unknown): Promise<TenantConfig> {
    const target = parseInput(z.strictObject({ version: versionSchema }), { version }).version;
    const tenantId = requireTenant(ctx);
    const earlier = await ctx.em.findOne(TenantConfig, { tenant: { id: tenantId, deletedAt: null }, version: target });
    if (!earlier) throw notFound(`Configuration version ${target}`);
    return this.append(ctx, earlier.document, target);
  }

  private async append(ctx: ServiceContext, document: TenantConfigDocument, restoredFrom: number | null): Promise<TenantConfig> {
    const tenantId = requireTenant(ctx);
    return ctx.em.transactional(async (em) => {
      // The tenant row lock serialises saves, so versions are gapless and never collide.
      const tenant = await lockTenant(em, tenantId);
      const latest = await em.findOne(TenantConfig, { tenant: tenantId }, { orderBy: { version: 'desc' } });
      const saved = em.create(TenantConfig, {
        tenant,
        version: (latest?.version ?? 0) + 1,
        document,
        restoredFrom,
        createdByKeyId: ctx.principal?.keyId ?? null,
      });
      this.audit.record(em, ctx, {
        action: restoredFrom ? 'config.rolled_back' : 'config.saved',
        targetType: 'config',
        targetId: String(saved.version),
        before: latest ? { ...latest.document } : {},
        after: { ...document },
        // Saving an unchanged document still makes a version, and so an entry.
        always: true,
      });
      await em.flush();
      return saved;
    }).finally(() => this.onSaved(tenantId));
  }

  private async activeTenant(em: EntityManager, tenantId: string): Promise<void> {
    if (!(await em.count(Tenant, { id: tenantId, deletedAt: null }))) throw notFound('Tenant');
  }
}
