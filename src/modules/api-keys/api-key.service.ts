import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { digestKey, digestsEqual, generateKey, parseKey, type KeyEnvironment } from '../../auth/key-format';
import { holdsScope, PLATFORM_ADMIN, scopeProblem } from '../../auth/scopes';
import type { Config } from '../../config';
import { requireTenant, type Principal, type ServiceContext } from '../../context';
import { AppError, badInput, conflict, forbidden, notFound, unauthenticated } from '../../errors';
import { parseInput } from '../../validation';
import { Tenant } from '../tenants/tenant.entity';
import { ApiKey } from './api-key.entity';
import type { LastUsedRecorder } from './last-used';

export const MAX_SCOPES_PER_KEY = 64;
/** Active keys a tenant may hold; a bound on what one leaked admin key can mint. */
export const MAX_ACTIVE_KEYS_PER_TENANT = 100;

const createKeySchema = z.strictObject({
  name: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters'),
  scopes: z
    .array(z.string({ error: 'must be a string' }), { error: 'must be an array of scopes' })
    .min(1, 'must name at least one scope')
    .max(MAX_SCOPES_PER_KEY, `at most ${MAX_SCOPES_PER_KEY} scopes`),
  expiresAt: z
    .union([z.date(), z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' })])
    .transform((v) => new Date(v))
    .refine((d) => d.getTime() > Date.now(), 'must be in the future')
    .nullish(),
  environment: z.enum(['live', 'test'], { error: 'must be "live" or "test"' }).optional(),
});

export type CreateKeyInput = z.input<typeof createKeySchema>;

export interface CreatedKey {
  /** The full key: returned exactly once, never stored. */
  key: string;
  apiKey: ApiKey;
}

interface KeyRow {
  id: string;
  tenant_id: string | null;
  scopes: string[];
  environment: KeyEnvironment;
  digest: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  tenant_status: string | null;
  tenant_deleted_at: Date | null;
}

export class ApiKeyService {
  constructor(
    private readonly orm: MikroORM,
    private readonly config: Config,
    private readonly lastUsed: LastUsedRecorder,
  ) {}

  /**
   * Verifies a presented key. Malformed keys (bad shape or checksum) are refused without a query.
   * One indexed query by digest otherwise.
   */
  async authenticate(rawKey: string): Promise<Principal> {
    const parsed = parseKey(rawKey);
    if (!parsed) throw unauthenticated();
    const digest = digestKey(rawKey);
    const [row] = await this.orm.em.getConnection().execute<KeyRow[]>(
      `select k.id, k.tenant_id, k.scopes, k.environment, k.digest, k.expires_at, k.revoked_at,
              t.status as tenant_status, t.deleted_at as tenant_deleted_at
         from api_keys k left join tenants t on t.id = k.tenant_id
        where k.digest = ?`,
      [digest],
    );
    if (!row || !digestsEqual(row.digest, digest)) throw unauthenticated();
    if (row.revoked_at) throw unauthenticated();
    if (row.expires_at && new Date(row.expires_at).getTime() <= Date.now()) throw unauthenticated();
    if (row.tenant_id) {
      if (row.tenant_status === 'deleted' || row.tenant_deleted_at) throw unauthenticated();
      if (row.tenant_status === 'suspended') throw forbidden('Tenant is suspended');
    }
    this.lastUsed.mark(row.id);
    const operator = row.tenant_id === null && row.scopes.includes(PLATFORM_ADMIN);
    return {
      keyId: row.id,
      keyTenantId: row.tenant_id,
      scopes: row.scopes,
      environment: row.environment,
      expiresAt: row.expires_at ? new Date(row.expires_at) : null,
      operator,
    };
  }

  /** Validates scopes for a new key of a tenant: known, well-formed, and held by the creator. */
  private checkScopes(scopes: string[], creator: Principal | null): string[] {
    const problems = scopes.flatMap((s, i) => {
      const problem = scopeProblem(s);
      if (problem) return [{ field: `scopes.${i}`, message: problem }];
      if (s === PLATFORM_ADMIN) return [{ field: `scopes.${i}`, message: 'platform:admin cannot be granted to a tenant key' }];
      return [];
    });
    if (problems.length) throw badInput(problems);
    if (creator) {
      const notHeld = scopes.find((s) => !holdsScope(creator.scopes, s));
      if (notHeld) throw forbidden(`API key cannot grant a scope it does not hold: ${notHeld}`);
    }
    return [...new Set(scopes)];
  }

  /** Builds (does not flush) a key for a tenant, inside the caller's unit of work. */
  issue(
    em: EntityManager,
    tenant: Tenant | null,
    fields: { name: string; scopes: string[]; environment: KeyEnvironment; expiresAt?: Date | null },
  ): CreatedKey {
    const { key, parsed } = generateKey(this.config.keyPrefix, fields.environment);
    const apiKey = em.create(ApiKey, {
      tenant: tenant ? em.getReference(Tenant, tenant.id) : null,
      name: fields.name,
      scopes: fields.scopes,
      prefix: parsed.displayPrefix,
      digest: digestKey(key),
      environment: fields.environment,
      expiresAt: fields.expiresAt ?? null,
    });
    return { key, apiKey };
  }

  async create(ctx: ServiceContext, input: unknown): Promise<CreatedKey> {
    const tenantId = requireTenant(ctx);
    const data = parseInput(createKeySchema, input);
    const scopes = this.checkScopes(data.scopes, ctx.principal);
    const creator = ctx.principal;
    const environment = data.environment ?? creator?.environment ?? 'live';
    if (creator && !creator.operator && creator.environment === 'test' && environment === 'live') {
      throw forbidden('A test key cannot create live keys');
    }
    // A key never mints one that outlives it: an expiring key's children expire no later.
    const expiresAt = data.expiresAt ?? creator?.expiresAt ?? null;
    if (creator?.expiresAt && expiresAt && expiresAt > creator.expiresAt) {
      throw badInput([{ field: 'expiresAt', message: `must not be later than the creating key's expiry (${creator.expiresAt.toISOString()})` }]);
    }
    return ctx.em.transactional(async (em) => {
      // Locking the tenant row serialises concurrent creations, so the cap below holds exactly.
      const tenant = await em.findOne(Tenant, { id: tenantId, deletedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!tenant) throw notFound('Tenant');
      const active = await em.count(ApiKey, { tenant: tenantId, revokedAt: null });
      if (active >= MAX_ACTIVE_KEYS_PER_TENANT) {
        throw conflict(`A tenant may hold at most ${MAX_ACTIVE_KEYS_PER_TENANT} active API keys; revoke one first`);
      }
      const created = this.issue(em, tenant, { name: data.name, scopes, environment, expiresAt });
      await em.flush();
      return created;
    });
  }

  async list(ctx: ServiceContext, options: { includeRevoked?: boolean } = {}): Promise<ApiKey[]> {
    const tenantId = requireTenant(ctx);
    await this.activeTenant(ctx.em, tenantId);
    return ctx.em.find(
      ApiKey,
      { tenant: tenantId, ...(options.includeRevoked ? {} : { revokedAt: null }) },
      { orderBy: { createdAt: 'desc', id: 'asc' } },
    );
  }

  /** Revoking is idempotent: revoking a revoked key answers it unchanged. */
  async revoke(ctx: ServiceContext, id: string): Promise<ApiKey> {
    const tenantId = requireTenant(ctx);
    if (!z.uuid().safeParse(id).success) throw badInput([{ field: 'id', message: 'must be a UUID' }]);
    // Another tenant's key is "not found", exactly like a missing one.
    const key = await ctx.em.findOne(ApiKey, { id, tenant: tenantId });
    if (!key) throw notFound('API key');
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await ctx.em.flush();
    }
    return key;
  }

  private async activeTenant(em: EntityManager, tenantId: string): Promise<Tenant> {
    const tenant = await em.findOne(Tenant, { id: tenantId, deletedAt: null });
    if (!tenant) throw notFound('Tenant');
    return tenant;
  }

  /**
   * First start: with no usable operator key, create one and return it to be printed once.
   * With TENANTRY_ADMIN_KEY, make sure that key exists instead and return nothing.
   * An advisory lock keeps two instances starting together from both creating one.
   */
  async ensurePlatformKey(): Promise<string | null> {
    const supplied = this.config.adminKey;
    if (supplied !== undefined && !parseKey(supplied)) {
      throw new AppError(
        'BAD_USER_INPUT',
        'TENANTRY_ADMIN_KEY is not a well-formed key (generate one with `npm run keygen`)',
      );
    }
    return this.orm.em.fork().transactional(async (em) => {
      await em.execute(`select pg_advisory_xact_lock(hashtext('tenantry.platform_key'))`);
      if (supplied !== undefined) {
        const existing = await em.findOne(ApiKey, { digest: digestKey(supplied) });
        if (existing && (existing.tenant || !existing.scopes.includes(PLATFORM_ADMIN))) {
          throw new Error('TENANTRY_ADMIN_KEY is already in use as a tenant key; generate a new one');
        }
        if (existing?.revokedAt) throw new Error('TENANTRY_ADMIN_KEY names a revoked key');
        if (existing?.expiresAt && existing.expiresAt <= new Date()) throw new Error('TENANTRY_ADMIN_KEY names an expired key');
        if (!existing) {
          const parsed = parseKey(supplied)!;
          em.create(ApiKey, {
            tenant: null,
            name: 'Platform admin key (TENANTRY_ADMIN_KEY)',
            scopes: [PLATFORM_ADMIN],
            prefix: parsed.displayPrefix,
            digest: digestKey(supplied),
            environment: parsed.environment,
          });
        }
        return null;
      }
      const usable = await em.count(ApiKey, { tenant: null, revokedAt: null, scopes: { $contains: [PLATFORM_ADMIN] } });
      if (usable > 0) return null;
      const { key } = this.issue(em, null, { name: 'Platform admin key', scopes: [PLATFORM_ADMIN], environment: 'live' });
      return key;
    });
  }
}
