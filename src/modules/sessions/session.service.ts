import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import bcrypt from 'bcryptjs';
import { EmailAddressResolver } from 'graphql-scalars';
import type { Redis } from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from 'zod';
import { PLATFORM_ADMIN, TENANT_ADMIN } from '../../auth/scopes';
import type { Config } from '../../config';
import { requireTenant, type Principal, type RequestInfo, type ServiceContext } from '../../context';
import { asPlatform } from '../../db/tenant-scope';
import { AppError, conflict, forbidden, isUniqueViolation } from '../../errors';
import { parseInput } from '../../validation';
import type { AuditService } from '../audit/audit.service';
import { lockTenant } from '../tenants/tenant-lock';
import { Tenant } from '../tenants/tenant.entity';
import { ConsoleLogin, ConsoleSession } from './session.entity';

/**
 * The console's request header. A session cookie counts only on requests that carry it: a
 * custom header cannot be sent cross-site without a CORS preflight (which Tenantry never
 * grants), so no other site can ride a signed-in browser, on top of SameSite=Strict.
 */
export const CONSOLE_HEADER = 'x-tenantry-console';

/** `__Host-` (Secure, Path=/, no Domain) where the cookie is Secure, so no subdomain can plant one. */
export const cookieName = (secure: boolean) => (secure ? '__Host-tenantry_session' : 'tenantry_session');

/** bcrypt reads at most 72 bytes: a longer password would be silently truncated, so it is refused. */
const MAX_PASSWORD_BYTES = 72;
export const MIN_PASSWORD_LENGTH = 12;

/** Failed sign-ins per email, from any address, before that email is refused for a while. */
export const FAILURES_PER_EMAIL = 10;
const FAILURE_WINDOW_SECONDS = 15 * 60;

function isEmailAddress(value: string): boolean {
  try {
    EmailAddressResolver.parseValue(value);
    return true;
  } catch {
    return false;
  }
}

const email = z
  .string({ error: 'must be a string' })
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .refine(isEmailAddress, 'must be a valid email address');

const password = z
  .string({ error: 'must be a string' })
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .refine((p) => Buffer.byteLength(p, 'utf8') <= MAX_PASSWORD_BYTES, `must be at most ${MAX_PASSWORD_BYTES} bytes`);

export const setPasswordSchema = z.strictObject({ email, password });

// Sign-in input is only bounded, not judged: a rule here would tell an attacker which emails exist.
const signInSchema = z.strictObject({
  email: z.string({ error: 'must be a string' }).trim().toLowerCase().min(1, 'is required').max(254, 'must be at most 254 characters'),
  password: z.string({ error: 'must be a string' }).min(1, 'is required').max(1024, 'must be at most 1024 characters'),
});

export interface SignedIn {
  /** The session token: goes into the cookie, never stored. */
  token: string;
  expiresAt: Date;
  principal: Principal;
}

export interface ConsoleIdentity {
  email: string;
  role: 'operator' | 'owner';
  tenantId: string | null;
}

interface SessionRow {
  id: string;
  expires_at: Date;
  login_id: string;
  email: string;
  tenant_id: string | null;
  tenant_status: string | null;
  tenant_deleted_at: Date | null;
}

interface LoginRow {
  id: string;
  email: string;
  password_hash: string;
  tenant_id: string | null;
  tenant_status: string | null;
  tenant_deleted_at: Date | null;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

const sessionExpired = () => new AppError('UNAUTHENTICATED', 'Session expired or signed out; sign in again');
const wrongCredentials = () => new AppError('UNAUTHENTICATED', 'Wrong email or password');

function header(headers: RequestInfo['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The value of one cookie from a Cookie header; the first wins, as browsers send the most specific first. */
export function readCookie(headers: RequestInfo['headers'], name: string): string | undefined {
  for (const part of (header(headers, 'cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** What an audit entry shows of a login: never the hash. */
function loginSnapshot(l: ConsoleLogin): Record<string, unknown> {
  return { email: l.email, role: l.tenant ? 'owner' : 'operator', passwordChangedAt: l.passwordChangedAt };
}

/**
 * Console sign-in: email + password (bcrypt) for tenant owners and operators, sessions in
 * PostgreSQL keyed by the SHA-256 digest of a random token held in an HttpOnly cookie. A session
 * becomes a Principal like a key does: an owner's acts as its tenant with `tenant:admin`, an
 * operator's with `platform:admin`.
 */
export class SessionService {
  private readonly attempts?: RateLimiterAbstract;
  private readonly failures: RateLimiterAbstract;
  /** Compared against when the email is unknown, so a miss costs what a hit does. */
  private decoyHash?: Promise<string>;

  constructor(
    private readonly orm: MikroORM,
    private readonly config: Config,
    private readonly audit: AuditService,
    redis?: Redis,
  ) {
    const limiter = (options: { points: number; duration: number; keyPrefix: string }) =>
      redis
        ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) })
        : new RateLimiterMemory(options);
    if (config.loginAttemptsPerMinute > 0) {
      this.attempts = limiter({ points: config.loginAttemptsPerMinute, duration: 60, keyPrefix: 'tenantry:login:ip' });
    }
    this.failures = limiter({ points: FAILURES_PER_EMAIL, duration: FAILURE_WINDOW_SECONDS, keyPrefix: 'tenantry:login:email' });
  }

  get secureCookie(): boolean {
    return this.config.production;
  }

  get ttlSeconds(): number {
    return this.config.sessionTtlSeconds;
  }

  /** A tenant owner's console login (created, or its password replaced): `tenant:admin`. */
  async setOwnerPassword(ctx: ServiceContext, input: unknown): Promise<ConsoleLogin> {
    const tenantId = requireTenant(ctx);
    return this.setPassword(ctx, input, tenantId);
  }

  /** An operator's console login: `platform:admin`. */
  async setOperatorPassword(ctx: ServiceContext, input: unknown): Promise<ConsoleLogin> {
    return this.setPassword(ctx, input, null);
  }

  private async setPassword(ctx: ServiceContext, input: unknown, tenantId: string | null): Promise<ConsoleLogin> {
    // A session is a live credential that does not expire and outlives the key that made it:
    // only a key that is all of that itself may make one (a test or expiring key may not mint
    // what it could not mint as a key).
    if (ctx.principal && (ctx.principal.environment !== 'live' || ctx.principal.expiresAt !== null)) {
      throw forbidden('Console logins are set with a live API key that does not expire');
    }
    const data = parseInput(setPasswordSchema, input);
    const passwordHash = await bcrypt.hash(data.password, this.config.bcryptCost);
    try {
      return await ctx.em.transactional(async (em) => {
        // Serialises with the tenant's other exact changes, and refuses a deleted tenant.
        if (tenantId) await lockTenant(em, tenantId);
        const existing = await em.findOne(ConsoleLogin, { email: data.email }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        // An owner's scope cannot see another tenant's login (row-level security): that case
        // reaches the unique index below. An operator sees every login and is told plainly.
        if (existing && (existing.tenant?.id ?? null) !== tenantId) throw this.emailTaken();
        const login = existing ?? em.create(ConsoleLogin, { tenant: tenantId ? em.getReference(Tenant, tenantId) : null, email: data.email, passwordHash });
        const before = existing ? loginSnapshot(existing) : null;
        login.passwordHash = passwordHash;
        login.passwordChangedAt = new Date();
        // A new password ends every session signed in with the old one.
        if (existing) await em.nativeDelete(ConsoleSession, { login: existing.id });
        this.audit.record(em, ctx, {
          action: 'console_login.password_set',
          targetType: 'console_login',
          targetId: login.id,
          tenantId,
          before,
          after: loginSnapshot(login),
        });
        await em.flush();
        return login;
      });
    } catch (err) {
      if (isUniqueViolation(err, 'console_logins_email_unique')) throw this.emailTaken();
      throw err;
    }
  }

  private emailTaken(): AppError {
    return conflict('This email already signs in to the console for another account', 'email');
  }

  /**
   * Verifies an email and password and opens a session. Every attempt counts against the client
   * address's limit, failures also against the email's, before any hash is computed.
   */
  async signIn(info: { ip: string; requestId: string }, input: unknown): Promise<SignedIn> {
    const data = parseInput(signInSchema, input);
    await this.consume(this.attempts, info.ip, 'sign-in attempts from this address');
    // Every guess takes its point before its hash is compared (a success gives them back), so
    // guesses sent at once cannot all pass a check made before any of them failed.
    await this.consume(this.failures, data.email, 'failed sign-ins for this email');

    // Before the session exists its tenant is unknown: the lookup by email runs as the platform.
    const login = await asPlatform(async () => {
      const [row] = await this.orm.em.getConnection().execute<LoginRow[]>(
        `select l.id, l.email, l.password_hash, l.tenant_id, t.status as tenant_status, t.deleted_at as tenant_deleted_at
           from console_logins l left join tenants t on t.id = l.tenant_id
          where l.email = ?`,
        [data.email],
      );
      return row;
    });
    const matches = await bcrypt.compare(data.password, login?.password_hash ?? (await (this.decoyHash ??= bcrypt.hash(randomBytes(16).toString('hex'), this.config.bcryptCost))));
    if (!login || !matches) throw wrongCredentials();
    await this.failures.delete(data.email);
    if (login.tenant_id) {
      if (login.tenant_status === 'deleted' || login.tenant_deleted_at) throw wrongCredentials();
      if (login.tenant_status === 'suspended') throw forbidden('Tenant is suspended');
    }

    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.sessionTtlSeconds * 1000);
    return asPlatform(() =>
      this.orm.em.fork().transactional(async (em) => {
        // The password may have changed since it was checked: a session opened with the old one
        // must not survive the change (which locks the row and ends the sessions it finds).
        const [current] = await em.execute<{ password_hash: string }[]>('select password_hash from console_logins where id = ? for share', [login.id]);
        if (current?.password_hash !== login.password_hash) throw wrongCredentials();
        // Expired sessions go as new ones come: no job needed, and the index makes it cheap.
        await em.nativeDelete(ConsoleSession, { expiresAt: { $lt: new Date() } });
        const session = em.create(ConsoleSession, {
          login: em.getReference(ConsoleLogin, login.id),
          tenant: login.tenant_id ? em.getReference(Tenant, login.tenant_id) : null,
          digest: digest(token),
          expiresAt,
          ip: isIP(info.ip) ? info.ip : null,
        });
        const principal = this.principalOf({ id: session.id, login_id: login.id, email: login.email, tenant_id: login.tenant_id });
        this.audit.record(em, this.actorContext(em, principal, info), {
          action: 'console.signed_in',
          targetType: 'console_session',
          targetId: session.id,
          tenantId: login.tenant_id,
          always: true,
        });
        await em.flush();
        return { token, expiresAt, principal };
      }),
    );
  }

  /** Ends the session of this token, if any; signing out twice is not an error. */
  async signOut(info: { ip: string; requestId: string }, token: string | undefined): Promise<void> {
    if (!token) return;
    await asPlatform(() =>
      this.orm.em.fork().transactional(async (em) => {
        const row = await this.find(em, token);
        if (!row) return;
        await em.nativeDelete(ConsoleSession, { id: row.id });
        this.audit.record(em, this.actorContext(em, this.principalOf(row), info), {
          action: 'console.signed_out',
          targetType: 'console_session',
          targetId: row.id,
          tenantId: row.tenant_id,
          always: true,
        });
        await em.flush();
      }),
    );
  }

  /**
   * The principal of a request's session cookie: null without one (or without the console
   * header, see CONSOLE_HEADER); a cookie naming no live session is a 401.
   */
  async authenticate(headers: RequestInfo['headers']): Promise<Principal | null> {
    // With the console turned off, a session made before counts for nothing.
    if (!this.config.console || header(headers, CONSOLE_HEADER) === undefined) return null;
    const token = readCookie(headers, cookieName(this.secureCookie));
    if (!token) return null;
    const row = await asPlatform(() => this.find(this.orm.em.fork(), token));
    if (!row || new Date(row.expires_at).getTime() <= Date.now()) throw sessionExpired();
    if (row.tenant_id) {
      if (row.tenant_status === 'deleted' || row.tenant_deleted_at) throw sessionExpired();
      if (row.tenant_status === 'suspended') throw forbidden('Tenant is suspended');
    }
    return this.principalOf(row);
  }

  /** Who a session's principal is, for the console's header bar. */
  identity(principal: Principal): ConsoleIdentity {
    return { email: principal.login?.email ?? '', role: principal.operator ? 'operator' : 'owner', tenantId: principal.keyTenantId };
  }

  private async find(em: EntityManager, token: string): Promise<SessionRow | undefined> {
    // Tokens are 32 random bytes: anything else is no token of ours, and costs no query.
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const [row] = await em.getConnection().execute<SessionRow[]>(
      `select s.id, s.expires_at, l.id as login_id, l.email, l.tenant_id,
              t.status as tenant_status, t.deleted_at as tenant_deleted_at
         from console_sessions s
         join console_logins l on l.id = s.login_id
         left join tenants t on t.id = l.tenant_id
        where s.digest = ?`,
      [digest(token)],
    );
    return row;
  }

  private principalOf(row: Pick<SessionRow, 'id' | 'login_id' | 'email' | 'tenant_id'>): Principal {
    const operator = row.tenant_id === null;
    return {
      // The login, not the session: the audit trail then names the person across sessions.
      keyId: row.login_id,
      prefix: 'console',
      keyTenantId: row.tenant_id,
      scopes: [operator ? PLATFORM_ADMIN : TENANT_ADMIN],
      environment: 'live',
      // Keys created in the console are the tenant's, not the session's: they do not expire with it.
      expiresAt: null,
      operator,
      login: { id: row.login_id, email: row.email, sessionId: row.id },
    };
  }

  private actorContext(em: EntityManager, principal: Principal, info: { ip: string; requestId: string }): ServiceContext {
    return { em, requestId: info.requestId, ip: info.ip, principal, tenantId: principal.keyTenantId };
  }

  private async consume(limiter: RateLimiterAbstract | undefined, key: string, what: string): Promise<void> {
    if (!limiter) return;
    try {
      await limiter.consume(key);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      throw this.limited(res, what);
    }
  }

  private limited(res: RateLimiterRes, what: string): AppError {
    const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return new AppError('RATE_LIMITED', `Too many ${what}; retry in ${retryAfter} s`, { retryAfter });
  }
}
