import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Access } from './auth/operations';
import { ALL_TENANTS, type DbScope } from './db/tenant-scope';
import { missingScopeFor } from './auth/scopes';
import { AppError, badInput, forbidden, missingScope, unauthenticated } from './errors';
import type { RateInfo } from './modules/limits/rate-limiter';
import type { Services } from './services';
import { andThen, type MaybePromise } from './maybe';

/** Who is calling: an authenticated key, resolved once per request. */
export interface Principal {
  keyId: string;
  /** The key's display prefix, for audit entries. */
  prefix: string;
  /** The key's own tenant; null for an operator key. */
  keyTenantId: string | null;
  scopes: readonly string[];
  environment: 'live' | 'test';
  /** Keys it creates may not outlive it. */
  expiresAt: Date | null;
  operator: boolean;
  /** A person signed in to the console (by its session cookie) rather than a key. */
  login?: { id: string; email: string; sessionId: string };
}

/** What services receive: the request's EntityManager and the caller, already authorized. */
export interface ServiceContext {
  em: EntityManager;
  requestId: string;
  /** The client's address (X-Forwarded-For only with TENANTRY_TRUST_PROXY). */
  ip: string;
  principal: Principal | null;
  /** The tenant being acted on: the key's own, or for operators the one named by X-Tenant-ID. */
  tenantId: string | null;
  /** Per-request batching (absent outside a request, e.g. in jobs). */
  loaders?: Loaders;
}

export interface Loaders {
  usageTotals: DataLoader<string, Record<string, number>>;
}

export interface RequestInfo {
  requestId: string;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
  /** The request's row-level scope, confined here once the key is verified. */
  scope?: DbScope;
  /** Told who the caller is once the key is verified (the request's log lines name them). */
  onPrincipal?: (principal: Principal) => void;
  /** Told the tenant's rate-limit state once this request is counted (the RateLimit-* headers). */
  onRateLimit?: (info: RateInfo) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function header(headers: RequestInfo['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The key presented as `Authorization: Bearer <key>` or `X-API-Key: <key>`, if any. */
export function presentedKey(headers: RequestInfo['headers']): string | undefined {
  const auth = header(headers, 'authorization');
  const bearer = auth === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (bearer) return bearer[1];
  const key = header(headers, 'x-api-key');
  if (key !== undefined) return key.trim();
  // An Authorization header of another scheme (e.g. Basic, added by a proxy) is no API key,
  // but presenting it alone still means the caller meant to authenticate.
  return auth === undefined ? undefined : '';
}

/**
 * One request context for both doors: GraphQL and REST create it the same way, authenticate the
 * same way and hand services the same ServiceContext.
 */
export class RequestContext {
  private principalState?: MaybePromise<Principal | null>;
  private refusal?: unknown;
  private forked?: EntityManager;
  private loaderSet?: Loaders;

  constructor(
    readonly services: Services,
    readonly info: RequestInfo,
  ) {}

  /** The request's unit of work, forked on first use: a request served from caches needs none. */
  get em(): EntityManager {
    return (this.forked ??= this.services.orm.em.fork() as EntityManager);
  }

  /** One set per request, so a list of 100 tenants loads their stats in one query. */
  get loaders(): Loaders {
    return (this.loaderSet ??= { usageTotals: new DataLoader((ids: readonly string[]) => this.services.tenants.usageTotals(this.em, ids)) });
  }

  get requestId(): string {
    return this.info.requestId;
  }

  /**
   * The caller's key, verified once; null when none was presented. A bad key is a 401 (thrown
   * at once when known at once). A key verified moments ago is answered without a promise.
   */
  principal(): MaybePromise<Principal | null> {
    if (this.refusal) throw this.refusal;
    if (this.principalState === undefined) {
      try {
        this.principalState = this.verify();
      } catch (err) {
        this.refusal = err;
        throw err;
      }
    }
    return this.principalState;
  }

  private verify(): MaybePromise<Principal | null> {
    const key = presentedKey(this.info.headers);
    // Without a key, a console session's cookie may stand in for one (see SessionService).
    const found = key === undefined ? this.services.sessions.authenticate(this.info.headers) : this.services.apiKeys.authenticate(key);
    return andThen(found, (principal) => {
      if (!principal) return (this.principalState = null);
      if (principal.operator) this.info.scope?.confine(ALL_TENANTS);
      else if (principal.keyTenantId) this.info.scope?.confine(principal.keyTenantId);
      this.info.onPrincipal?.(principal);
      const tenantId = principal.operator ? null : principal.keyTenantId;
      if (!tenantId) return (this.principalState = principal);
      // Once per request, for both doors: the tenant's rate limit, then its API-call count.
      return andThen(this.services.rateLimiter.consume(() => this.em, tenantId), (info) => {
        if (info) this.info.onRateLimit?.(info);
        this.services.apiCalls.count(tenantId);
        return (this.principalState = principal);
      });
    });
  }

  /** Checks `access` and returns the context a service needs, or throws 401/403/400. */
  authorize(access: Access): MaybePromise<ServiceContext> {
    return andThen(this.principal(), (principal) => {
      if (!('public' in access)) {
        if (!principal) throw unauthenticated();
        const missing = missingScopeFor(principal.scopes, access.scopes);
        if (missing) throw missingScope(missing);
      }
      // Open operations are open to anyone; a key, if presented, must still be valid.
      return this.contextFor(principal);
    });
  }

  /**
   * The caller's identity for services, without a scope check: GraphQL resolvers use it after
   * the schema's scope directive has authorized the field.
   */
  serviceContext(): MaybePromise<ServiceContext> {
    return andThen(this.principal(), (principal) => this.contextFor(principal));
  }

  private contextFor(principal: Principal | null): ServiceContext {
    return new RequestServiceContext(this, principal, principal ? this.actingTenant(principal) : null);
  }

  private actingTenant(principal: Principal): string | null {
    const named = header(this.info.headers, 'x-tenant-id')?.trim();
    if (named === undefined || named === '') return principal.keyTenantId;
    if (principal.operator) {
      if (!UUID.test(named)) throw badInput([{ field: 'X-Tenant-ID', message: 'must be a tenant id (UUID)' }]);
      return named.toLowerCase();
    }
    // A tenant key naming another tenant learns nothing about it: same answer whether it exists or not.
    if (named.toLowerCase() !== principal.keyTenantId) {
      throw forbidden("X-Tenant-ID does not match the API key's tenant");
    }
    return principal.keyTenantId;
  }
}

/**
 * A request's ServiceContext: the fork and the loaders are made only if a service uses them.
 * Prototype getters, not an object literal with getters. V8 makes such a literal a
 * dictionary-mode object with new accessor pairs each time, and with it every request's objects
 * (headers, logger, reply) outlived young-generation collections and were promoted, ~4 KB per
 * request, until the next full collection: measured with --trace-gc-nvp, not explained. With
 * a class, what is promoted is what is in flight (README: Performance).
 */
class RequestServiceContext implements ServiceContext {
  readonly requestId: string;
  readonly ip: string;

  constructor(
    private readonly request: RequestContext,
    readonly principal: Principal | null,
    readonly tenantId: string | null,
  ) {
    this.requestId = request.requestId;
    this.ip = request.info.ip;
  }

  get em(): EntityManager {
    return this.request.em;
  }

  get loaders(): Loaders {
    return this.request.loaders;
  }
}

/** For operations on "the current tenant": operators must say which one. */
export function requireTenant(ctx: ServiceContext): string {
  if (ctx.tenantId) return ctx.tenantId;
  throw new AppError('BAD_USER_INPUT', 'Platform keys must name a tenant with the X-Tenant-ID header', {
    field: 'X-Tenant-ID',
  });
}
