import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { FeedCache, type ChangeFeed } from '../../db/change-feed';
import { digestKey, digestsEqual, generateKey, MAX_KEY_LENGTH, parseKey, type KeyEnvironment } from '../../auth/key-format';
import { holdsScope, PLATFORM_ADMIN, scopeProblem, TENANT_ADMIN } from '../../auth/scopes';
import type { Config } from '../../config';
import { requireTenant, type Principal, type ServiceContext } from '../../context';
import { asPlatform } from '../../db/tenant-scope';
import { AppError, badInput, conflict, forbidden, notFound, unauthenticated } from '../../errors';
import { Limit } from '../../rate-limit';
import { parseInput } from '../../validation';
import type { AuditService } from '../audit/audit.service';
import { Tenant } from '../tenants/tenant.entity';
import { ApiKey } from './api-key.entity';
import type { LastUsedRecorder } from './last-used';
import { lockTenant } from '../tenants/tenant-lock';
import { andThen, type MaybePromise } from '../../maybe';

export const MAX_SCOPES_PER_KEY = 64;
/** Active keys a tenant may hold; a bound on what one leaked admin key can mint. */
export const MAX_ACTIVE_KEYS_PER_TENANT = 100;

/** Keys in a rotation's grace period keep working this long at most: one week. */
export const MAX_GRACE_SECONDS = 7 * 24 * 3600;

const keyName = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters');

const futureDate = z
  .union([z.date(), z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' })])
  .transform((v) => new Date(v))
  .refine((d) => d.getTime() > Date.now(), 'must be in the future');

export const createKeySchema = z.strictObject({
  name: keyName,
  scopes: z
    .array(z.string({ error: 'must be a string' }), { error: 'must be an array of scopes' })
    .min(1, 'must name at least one scope')
    .max(MAX_SCOPES_PER_KEY, `at most ${MAX_SCOPES_PER_KEY} scopes`)
    .optional(),
  expiresAt: futureDate.nullish(),
  environment: z.enum(['live', 'test'], { error: 'must be "live" or "test"' }).optional(),
});

export const renameSchema = z.strictObject({ name: keyName });

export const rotateSchema = z.strictObject({
  graceSeconds: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must not be negative')
    .max(MAX_GRACE_SECONDS, `must be at most ${MAX_GRACE_SECONDS} (one week)`)
    .default(0),
});

export const leakedSchema = z.strictObject({ key: z.string({ error: 'must be a string' }).max(200, 'is too long') });

export const operatorKeySchema = z.strictObject({ name: keyName, expiresAt: futureDate.nullish() });

export type CreateKeyInput = z.input<typeof createKeySchema>;

/** What an audit entry shows of a key: never the key, never its digest. */
export function keySnapshot(k: ApiKey): Record<string, unknown> {
  return {
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    environment: k.environment,
    expiresAt: k.expiresAt ?? null,
    revokedAt: k.revokedAt ?? null,
    rotatedAt: k.rotatedAt ?? null,
    replacedById: k.replacedById ?? null,
  };
}

export interface CreatedKey {
  /** The full key: returned exactly once, never stored. */
  key: string;
  apiKey: ApiKey;
}

interface KeyRow {
  id: string;
  prefix: string;
  tenant_id: string | null;
  scopes: string[];
  environment: KeyEnvironment;
  digest: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  tenant_status: string | null;
  tenant_deleted_at: Date | null;
}

/**
 * A key as the cache keeps it: its row, and what every request presenting it is told, worked out
 * when the row is loaded rather than on every request (the digest comparison, the principal).
 */
interface KnownKey {
  row: KeyRow;
  principal: Principal;
  /** Infinity for a key that does not expire. */
  expiresAtMs: number;
}

function knownKey(row: KeyRow): KnownKey {
  const expiresAt = row.expires_at ? new Date(row.expires_at) : null;
  // Shared by every request with this key while it is cached: frozen, so none can change it for the others.
  const principal: Principal = Object.freeze({
    keyId: row.id,
    prefix: row.prefix,
    keyTenantId: row.tenant_id,
    scopes: Object.freeze([...row.scopes]),
    environment: row.environment,
    expiresAt,
    operator: row.tenant_id === null && row.scopes.includes(PLATFORM_ADMIN),
  });
  return { row, principal, expiresAtMs: expiresAt ? expiresAt.getTime() : Infinity };
}

const KEY_CACHE_TTL_MS = 5000;

export class ApiKeyService {
  /** Leak reports are public: bounded per client address. */
  private readonly leakReports = new Limit(60, 60, 'leaked-key reports');

  /**
   * Verified keys by digest, for a few seconds, while the change feed listens: a revocation,
   * rotation, suspension or deletion anywhere evicts them within milliseconds.
   */
  private readonly cache: FeedCache<KnownKey>;

  constructor(
    private readonly orm: MikroORM,
    private readonly config: Config,
    private readonly lastUsed: LastUsedRecorder,
    private readonly audit: AuditService,
    private readonly feed: ChangeFeed,
  ) {
    this.cache = new FeedCache<KnownKey>(feed, KEY_CACHE_TTL_MS, (m, _digest, { row }) => (m.kind === 'key' ? row.id === m.id : m.kind === 'tenant' && row.tenant_id === m.id));
  }

  /** `wellFormed` is asked only on a miss, before the database: see authenticate. */
  private lookup(digest: string, wellFormed: () => boolean): MaybePromise<KnownKey | undefined> {
    // Before the key is known, so is its tenant: this one lookup by digest runs as the platform.
    return this.cache.get(digest, () => (!wellFormed() ? Promise.resolve(undefined) : asPlatform(async () => {
      const [row] = await this.orm.em.getConnection().execute<KeyRow[]>(
        `select k.id, k.tenant_id, k.prefix, k.scopes, k.environment, k.digest, k.expires_at, k.revoked_at,
                t.status as tenant_status, t.deleted_at as tenant_deleted_at
           from api_keys k left join tenants t on t.id = k.tenant_id
          where k.digest = ?`,
        [digest],
      );
      // Compared once, here: a cached entry is found by this very digest.
      return row && digestsEqual(row.digest, digest) ? knownKey(row) : undefined;
    })));
  }

  /** After a key's change commits: every instance (this one at once) forgets it. */
  private async keyChanged<T>(id: string, work: Promise<T>): Promise<T> {
    const result = await work;
    this.feed.local({ kind: 'key', id });
    return result;
  }

  /**
   * Verifies a presented key. Malformed keys (bad shape or checksum) are refused without a query.
   * One indexed query by digest otherwise, none for a key verified in the last few seconds
   * (answered without a promise then). A refusal is thrown, synchronously when it can be.
   */
  authenticate(rawKey: string): MaybePromise<Principal> {
    if (rawKey.length > MAX_KEY_LENGTH) throw unauthenticated();
    const digest = digestKey(rawKey);
    // The format and checksum are checked before the database is asked, so a made-up key never
    // reaches it; not on a cache hit, where the digest alone proves this is the key verified
    // moments ago (parsing it again cost a REST read about 3 µs).
    return andThen(this.lookup(digest, () => parseKey(rawKey) !== null), (known) => this.verified(known));
  }

  /** What changes with the time of the request is checked on every one; the rest was worked out on load. */
  private verified(known: KnownKey | undefined): Principal {
    if (!known) throw unauthenticated();
    const { row } = known;
    if (row.revoked_at) throw unauthenticated();
    if (known.expiresAtMs <= Date.now()) throw unauthenticated();
    if (row.tenant_id) {
      if (row.tenant_status === 'deleted' || row.tenant_deleted_at) throw unauthenticated();
      if (row.tenant_status === 'suspended') throw forbidden('Tenant is suspended');
    }
    this.lastUsed.mark(row.id);
    return known.principal;
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
    const creator = ctx.principal;
    // Without scopes (the business platform's body has none) a key gets its creator's.
    const requested = data.scopes ?? creator?.scopes.filter((s) => s !== PLATFORM_ADMIN) ?? [];
    const scopes = this.checkScopes(requested.length ? requested : [TENANT_ADMIN], creator);
    const environment = data.environment ?? creator?.environment ?? 'live';
    if (creator && !creator.operator && creator.environment === 'test' && environment === 'live') {
      throw forbidden('A test key cannot create live keys');
    }
    // A key never mints one that outlives it: an expiring key's children expire no later.
    // A copy: the creator's Date is shared by every request with that key while it is cached.
    const expiresAt = data.expiresAt ?? (creator?.expiresAt ? new Date(creator.expiresAt) : null);
    if (creator?.expiresAt && expiresAt && expiresAt > creator.expiresAt) {
      throw badInput([{ field: 'expiresAt', message: `must not be later than the creating key's expiry (${creator.expiresAt.toISOString()})` }]);
    }
    return ctx.em.transactional(async (em) => {
      const tenant = await lockTenant(em, tenantId);
      await this.assertUnderCap(em, tenant.id);
      const created = this.issue(em, tenant, { name: data.name, scopes, environment, expiresAt });
      this.audit.record(em, ctx, { action: 'api_key.created', targetType: 'api_key', targetId: created.apiKey.id, before: null, after: keySnapshot(created.apiKey) });
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
    return this.keyChanged(id, ctx.em.transactional(async (em) => {
      // Locked, so two revocations racing record one event between them.
      const key = await this.findOwn(ctx, em, id, true);
      if (!key.revokedAt) {
        const before = keySnapshot(key);
        key.revokedAt = new Date();
        this.audit.record(em, ctx, { action: 'api_key.revoked', targetType: 'api_key', targetId: key.id, before, after: keySnapshot(key) });
        await this.feed.publish(em, { kind: 'key', id: key.id });
      }
      return key;
    }));
  }

  async rename(ctx: ServiceContext, id: string, input: unknown): Promise<ApiKey> {
    const { name } = parseInput(renameSchema, input);
    const key = await this.findOwn(ctx, ctx.em, id);
    if (key.revokedAt) throw conflict('API key is revoked');
    const before = keySnapshot(key);
    key.name = name;
    this.audit.record(ctx.em, ctx, { action: 'api_key.renamed', targetType: 'api_key', targetId: key.id, before, after: keySnapshot(key) });
    await ctx.em.flush();
    return key;
  }

  /**
   * Replaces a key with a new one of the same name, scopes, environment and expiry. The old key
   * keeps working for `graceSeconds` (0: stops at once) so deployments can roll over to the new
   * one; it cannot be rotated twice.
   */
  async rotate(ctx: ServiceContext, id: string, input: unknown): Promise<CreatedKey & { previous: ApiKey }> {
    const { graceSeconds } = parseInput(rotateSchema, input);
    return this.keyChanged(id, ctx.em.transactional(async (em) => {
      const tenantId = requireTenant(ctx);
      await lockTenant(em, tenantId);
      const old = await this.findOwn(ctx, em, id);
      const now = new Date();
      if (old.revokedAt || (old.expiresAt && old.expiresAt <= now)) throw conflict('API key is revoked or expired');
      if (old.rotatedAt) throw conflict('API key was already rotated; rotate its replacement instead');
      const created = this.issue(em, old.tenant ? em.getReference(Tenant, tenantId) : null, {
        name: old.name,
        scopes: old.scopes,
        environment: old.environment,
        expiresAt: old.expiresAt,
      });
      const graceEnd = new Date(now.getTime() + graceSeconds * 1000);
      const before = keySnapshot(old);
      old.rotatedAt = now;
      old.replacedById = created.apiKey.id;
      if (graceSeconds === 0) old.revokedAt = now;
      else if (!old.expiresAt || old.expiresAt > graceEnd) old.expiresAt = graceEnd;
      this.audit.record(em, ctx, { action: 'api_key.rotated', targetType: 'api_key', targetId: old.id, before, after: keySnapshot(old) });
      await this.feed.publish(em, { kind: 'key', id: old.id });
      await em.flush();
      return { ...created, previous: old };
    }));
  }

  /**
   * A full key found where it should not be (a secret scanner's report): if it is a key of this
   * deployment it is revoked at once. The answer is the same whether or not it existed, so the
   * endpoint cannot be used to test keys.
   */
  async reportLeaked(ctx: ServiceContext, input: unknown): Promise<void> {
    const { key } = parseInput(leakedSchema, input);
    if (!parseKey(key)) throw badInput([{ field: 'key', message: 'is not a well-formed API key' }]);
    await this.leakReports.consume(ctx.ip);
    // Any key of the deployment, whoever reports it: run as the platform.
    const revoked = await asPlatform(() => ctx.em.transactional(async (em) => {
      const found = await em.findOne(ApiKey, { digest: digestKey(key), revokedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!found) return null;
      const before = keySnapshot(found);
      found.revokedAt = new Date();
      this.audit.record(em, ctx, {
        action: 'api_key.leak_revoked',
        targetType: found.tenant ? 'api_key' : 'operator_key',
        targetId: found.id,
        tenantId: found.tenant?.id ?? null,
        before,
        after: keySnapshot(found),
      });
      await this.feed.publish(em, { kind: 'key', id: found.id });
      return found.id;
    }));
    if (revoked) this.feed.local({ kind: 'key', id: revoked });
  }

  /** Operator keys (`platform:admin`, no tenant): operators only, by the operation's scope. */
  async createOperatorKey(ctx: ServiceContext, input: unknown): Promise<CreatedKey> {
    const data = parseInput(operatorKeySchema, input);
    const created = this.issue(ctx.em, null, {
      name: data.name,
      scopes: [PLATFORM_ADMIN],
      environment: 'live',
      expiresAt: data.expiresAt,
    });
    this.audit.record(ctx.em, ctx, { action: 'operator_key.created', targetType: 'operator_key', targetId: created.apiKey.id, tenantId: null, before: null, after: keySnapshot(created.apiKey) });
    await ctx.em.flush();
    return created;
  }

  async listOperatorKeys(ctx: ServiceContext, options: { includeRevoked?: boolean } = {}): Promise<ApiKey[]> {
    return ctx.em.find(
      ApiKey,
      { tenant: null, ...(options.includeRevoked ? {} : { revokedAt: null }) },
      { orderBy: { createdAt: 'desc', id: 'asc' } },
    );
  }

  async revokeOperatorKey(ctx: ServiceContext, id: string): Promise<ApiKey> {
    if (!z.uuid().safeParse(id).success) throw badInput([{ field: 'id', message: 'must be a UUID' }]);
    return this.keyChanged(id, ctx.em.transactional(async (em) => {
      const key = await em.findOne(ApiKey, { id, tenant: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!key) throw notFound('Operator key');
      if (!key.revokedAt) {
        const before = keySnapshot(key);
        key.revokedAt = new Date();
        this.audit.record(em, ctx, { action: 'operator_key.revoked', targetType: 'operator_key', targetId: key.id, tenantId: null, before, after: keySnapshot(key) });
        await this.feed.publish(em, { kind: 'key', id: key.id });
      }
      return key;
    }));
  }

  /** A key of the acting tenant; another tenant's key is "not found", exactly like a missing one. */
  private async findOwn(ctx: ServiceContext, em: EntityManager, id: string, lock = false): Promise<ApiKey> {
    const tenantId = requireTenant(ctx);
    if (!z.uuid().safeParse(id).success) throw badInput([{ field: 'id', message: 'must be a UUID' }]);
    const key = await em.findOne(ApiKey, { id, tenant: tenantId }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
    if (!key) throw notFound('API key');
    return key;
  }

  /** Locking the tenant row serialises key creation per tenant, so the cap holds exactly. */
  /** Keys in a rotation's grace period do not count: rotation must work at the cap. */
  private async assertUnderCap(em: EntityManager, tenantId: string): Promise<void> {
    const active = await em.count(ApiKey, { tenant: tenantId, revokedAt: null, rotatedAt: null });
    if (active >= MAX_ACTIVE_KEYS_PER_TENANT) {
      throw conflict(`A tenant may hold at most ${MAX_ACTIVE_KEYS_PER_TENANT} active API keys; revoke one first`);
    }
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
          const installed = em.create(ApiKey, {
            tenant: null,
            name: 'Platform admin key (TENANTRY_ADMIN_KEY)',
            scopes: [PLATFORM_ADMIN],
            prefix: parsed.displayPrefix,
            digest: digestKey(supplied),
            environment: parsed.environment,
          });
          this.audit.record(em, null, { action: 'operator_key.created', targetType: 'operator_key', targetId: installed.id, tenantId: null, before: null, after: keySnapshot(installed) });
        }
        return null;
      }
      const usable = await em.count(ApiKey, { tenant: null, revokedAt: null, scopes: { $contains: [PLATFORM_ADMIN] } });
      if (usable > 0) return null;
      const { key, apiKey } = this.issue(em, null, { name: 'Platform admin key', scopes: [PLATFORM_ADMIN], environment: 'live' });
      this.audit.record(em, null, { action: 'operator_key.created', targetType: 'operator_key', targetId: apiKey.id, tenantId: null, before: null, after: keySnapshot(apiKey) });
      return key;
    });
  }
}
