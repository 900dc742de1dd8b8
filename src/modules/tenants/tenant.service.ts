import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { EmailAddressResolver } from 'graphql-scalars';
import { z } from 'zod';
import { TENANT_ADMIN } from '../../auth/scopes';
import type { Config } from '../../config';
import { requireTenant, type ServiceContext } from '../../context';
import { conflict, forbidden, isUniqueViolation, notFound } from '../../errors';
import { parseInput } from '../../validation';
import type { ApiKeyService, CreatedKey } from '../api-keys/api-key.service';
import { Tenant } from './tenant.entity';
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
  email: text(320)
    .refine(isEmailAddress, 'must be a valid email address')
    .nullish(),
  description: text(2000).nullish(),
  business: text(200).trim().nullish(),
  logo: httpUrl.nullish(),
  retrieverEngines: retrieverEngines.nullish(),
  settings: settingsPatchSchema.optional(),
};

const registerSchema = z.strictObject({ name, ...tenantFields });
const updateSchema = z.strictObject({ name: name.optional(), ...tenantFields });

export type RegisterTenantInput = z.input<typeof registerSchema>;
export type UpdateTenantInput = z.input<typeof updateSchema>;

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

export class TenantService {
  constructor(
    private readonly config: Config,
    private readonly apiKeys: ApiKeyService,
  ) {}

  /** Creates a tenant and its first key (`tenant:admin`) in one transaction. */
  async register(ctx: ServiceContext, input: unknown): Promise<Registration> {
    if (this.config.registration === 'closed' && !ctx.principal?.operator) {
      throw forbidden('Registration is closed: only platform operators can create tenants');
    }
    const data = parseInput(registerSchema, input);
    try {
      return await ctx.em.transactional(async (em) => {
        await this.assertEmailFree(em, data.email);
        const tenant = em.create(Tenant, {
          name: data.name,
          email: data.email ?? null,
          description: data.description ?? null,
          business: data.business ?? null,
          logo: data.logo ?? null,
          retrieverEngines: data.retrieverEngines ?? null,
          settings: mergeSettings(defaultSettings(), data.settings),
        });
        const created = this.apiKeys.issue(em, tenant, {
          name: 'Default admin key',
          scopes: [TENANT_ADMIN],
          environment: 'live',
        });
        await em.flush();
        return { tenant, created };
      });
    } catch (err) {
      throw this.translate(err);
    }
  }

  async get(ctx: ServiceContext): Promise<Tenant> {
    const tenantId = requireTenant(ctx);
    const tenant = await ctx.em.findOne(Tenant, { id: tenantId, deletedAt: null });
    if (!tenant) throw notFound('Tenant');
    return tenant;
  }

  /** Fields given replace what is stored; `settings` is merged key by key, not replaced. */
  async update(ctx: ServiceContext, input: unknown): Promise<Tenant> {
    const data = parseInput(updateSchema, input);
    try {
      return await ctx.em.transactional(async (em) => {
        const tenant = await em.findOne(Tenant, { id: requireTenant(ctx), deletedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!tenant) throw notFound('Tenant');
        if (data.email && data.email.toLowerCase() !== tenant.email?.toLowerCase()) {
          await this.assertEmailFree(em, data.email);
        }
        if (data.name !== undefined) tenant.name = data.name;
        if (data.email !== undefined) tenant.email = data.email;
        if (data.description !== undefined) tenant.description = data.description;
        if (data.business !== undefined) tenant.business = data.business;
        if (data.logo !== undefined) tenant.logo = data.logo;
        if (data.retrieverEngines !== undefined) tenant.retrieverEngines = data.retrieverEngines;
        if (data.settings !== undefined) tenant.settings = mergeSettings(tenant.settings, data.settings);
        await em.flush();
        return tenant;
      });
    } catch (err) {
      throw this.translate(err);
    }
  }

  /** Usage figures; zeros until usage metering lands, storage from the tenant's own counter. */
  stats(tenant: Tenant): TenantStats {
    return {
      user_count: 0,
      conversation_count: 0,
      total_interactions: 0,
      storage_bytes: Number(tenant.storageUsed),
    };
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
