import { z } from 'zod';
import { requireTenant, type ServiceContext } from '../../context';
import { conflict, notFound } from '../../errors';
import { parseInput } from '../../validation';
import type { AuditService } from '../audit/audit.service';
import { TenantSetting } from './tenant-setting.entity';
import { lockTenant } from '../tenants/tenant-lock';

export const MAX_SETTINGS_PER_TENANT = 500;
export const MAX_SETTING_VALUE_LENGTH = 4096;

const settingName = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,127}$/, 'must start with a letter and use letters, digits, _ . - (at most 128)');

export const setSchema = z.strictObject({
  name: settingName,
  // Values are stored as text, as the business platform does; numbers and booleans are accepted
  // and kept in their JSON spelling.
  value: z
    .union([z.string(), z.number(), z.boolean()], { error: 'must be a string, number or boolean' })
    .transform(String)
    .refine((v) => v.length <= MAX_SETTING_VALUE_LENGTH, `must be at most ${MAX_SETTING_VALUE_LENGTH} characters`),
});

// A name is checked before it reaches a query: PostgreSQL takes a NUL in a parameter for a
// protocol violation, which would read as an unreachable database.
const deleteSchema = z.strictObject({ name: settingName });

/** Free-form name/value settings of a tenant (the business platform's tenant-setting API). */
export class TenantSettingService {
  constructor(private readonly audit: AuditService) {}

  async list(ctx: ServiceContext): Promise<TenantSetting[]> {
    const tenantId = requireTenant(ctx);
    return ctx.em.find(TenantSetting, { tenant: { id: tenantId, deletedAt: null } }, { orderBy: { name: 'asc' } });
  }

  /** Creates the setting or replaces its value. */
  async set(ctx: ServiceContext, input: unknown): Promise<TenantSetting> {
    const { name, value } = parseInput(setSchema, input);
    const tenantId = requireTenant(ctx);
    return ctx.em.transactional(async (em) => {
      // The tenant row lock serialises writers, so the cap and the upsert are exact.
      const tenant = await lockTenant(em, tenantId);
      let setting = await em.findOne(TenantSetting, { tenant: tenantId, name });
      const before = setting ? { value: setting.value } : null;
      if (setting) {
        setting.value = value;
      } else {
        if ((await em.count(TenantSetting, { tenant: tenantId })) >= MAX_SETTINGS_PER_TENANT) {
          throw conflict(`A tenant may hold at most ${MAX_SETTINGS_PER_TENANT} settings`);
        }
        setting = em.create(TenantSetting, { tenant, name, value });
      }
      // Values may be anything a tenant chose to store: the entry says that it changed, not to what.
      this.audit.record(em, ctx, { action: 'tenant_setting.set', targetType: 'tenant_setting', targetId: name, before, after: { value } });
      await em.flush();
      return setting;
    });
  }

  async delete(ctx: ServiceContext, input: string): Promise<TenantSetting> {
    const { name } = parseInput(deleteSchema, { name: input });
    const tenantId = requireTenant(ctx);
    return ctx.em.transactional(async (em) => {
      // The tenant row lock orders this against a concurrent set of the same name.
      await lockTenant(em, tenantId);
      const setting = await em.findOne(TenantSetting, { tenant: tenantId, name });
      if (!setting) throw notFound('Setting');
      em.remove(setting);
      this.audit.record(em, ctx, { action: 'tenant_setting.deleted', targetType: 'tenant_setting', targetId: setting.name, before: { value: setting.value }, after: null });
      return setting;
    });
  }
}
