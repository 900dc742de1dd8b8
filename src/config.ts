import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { projectRoot } from './paths';

const isValidCidr = (range: string) => {
  try {
    ipaddr.parseCIDR(range);
    return true;
  } catch {
    return false;
  }
};

/**
 * Every environment variable Tenantry reads, parsed once at start-up.
 * Defaults are safe for a laptop; production refuses the ones that would be unsafe there.
 */
const masterKey = z
  .string()
  .transform((v) => Buffer.from(v, 'base64'))
  .refine((b) => b.length === 32, 'must be base64 of exactly 32 bytes (openssl rand -base64 32)');

/** A yes/no variable: true, false, 1 or 0. */
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .default(fallback);

const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: postgresUrl.optional(),
  // The application's own login (tenantry_app or a member of it), so it never holds the owner's
  // credentials; DATABASE_URL is then used for migrations only.
  TENANTRY_APP_DATABASE_URL: postgresUrl.optional(),
  TENANTRY_DATA_DIR: z.string().min(1).default('./.tenantry'),
  TENANTRY_ADMIN_KEY: z.string().min(1).optional(),
  // The word before `_live_` / `_test_` in every key this deployment issues.
  TENANTRY_KEY_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9]{0,15}$/, 'must be 1-16 lowercase letters or digits, starting with a letter')
    .default('rk'),
  TENANTRY_REGISTRATION: z.enum(['open', 'closed']).default('open'),
  TENANTRY_REGISTRATIONS_PER_HOUR: z.coerce.number().int().min(0).default(20),
  // Behind a load balancer, the client address comes from X-Forwarded-For only when this is set.
  // true trusts every hop (the client then chooses its own address); a list of the proxies'
  // addresses or CIDR ranges trusts only those, and the client address is the first hop not in it.
  TENANTRY_TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx) => {
      if (['true', '1'].includes(v)) return true;
      if (['false', '0'].includes(v)) return false;
      const list = v.split(',').map((p) => p.trim()).filter(Boolean);
      const bad = list.find((p) => !(p.includes('/') ? isValidCidr(p) : ipaddr.isValid(p)));
      if (bad !== undefined || !list.length) {
        ctx.addIssue({ code: 'custom', message: `must be true, false, or a comma-separated list of proxy addresses or CIDR ranges${bad ? ` ("${bad}" is neither)` : ''}` });
        return z.NEVER;
      }
      return list;
    }),
  TENANTRY_PURGE_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(3600),
  TENANTRY_EVENT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36500).default(30),
  TENANTRY_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36500).default(0),
  TENANTRY_MASTER_KEY: masterKey.optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  TENANTRY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(6000),
  TENANTRY_WEBHOOK_ALLOW_PRIVATE: flag(false),
  // Instances that should not deliver webhooks (e.g. a read replica's API tier) set this to false.
  TENANTRY_WEBHOOK_WORKER: flag(true),
  TENANTRY_WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(60).default(10),
  // Prometheus metrics at /metrics (no tenant data; keep it off the public network).
  TENANTRY_METRICS: flag(true),
  // One log line per request costs every request; errors are logged either way.
  TENANTRY_LOG_REQUESTS: flag(false),
  TENANTRY_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(15_000),
  TENANTRY_POOL_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  // Under an orchestrator's grace period (Kubernetes: 30 s) with room for the rest of shutdown.
  TENANTRY_SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  // During a master-key rotation: the keys being replaced, comma-separated.
  TENANTRY_PREVIOUS_MASTER_KEYS: z
    .string()
    .transform((v, ctx) =>
      v.split(',').map((part) => {
        const parsed = masterKey.safeParse(part.trim());
        if (!parsed.success) ctx.addIssue({ code: 'custom', message: 'each key must be base64 of 32 bytes' });
        return parsed.success ? parsed.data : Buffer.alloc(0);
      }),
    )
    .optional(),
  // The admin console (/console): the built assets, human passwords and their sessions.
  TENANTRY_CONSOLE: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .default(true),
  TENANTRY_CONSOLE_DIR: z.string().min(1).optional(),
  TENANTRY_BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  TENANTRY_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 24 * 3600).default(12 * 3600),
  TENANTRY_LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(0).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  production: boolean;
  port: number;
  host: string;
  databaseUrl?: string;
  /** Where the application connects when it is not the owner's DATABASE_URL. */
  appDatabaseUrl?: string;
  dataDir: string;
  adminKey?: string;
  keyPrefix: string;
  registration: 'open' | 'closed';
  /** Public registrations per client address per hour; 0 turns the limit off. */
  registrationsPerHour: number;
  /** true: every hop; a list: only those proxies (addresses or CIDR ranges). */
  trustProxy: boolean | string[];
  /** How often housekeeping runs (purges, retention); 0 turns the job off. */
  purgeIntervalSeconds: number;
  /** Days an event (with its webhook deliveries) is kept once delivered; 0 keeps events forever. */
  eventRetentionDays: number;
  /** Days an audit entry is kept; 0 (the default) keeps the trail for as long as its tenant. */
  auditRetentionDays: number;
  /** Encrypts tenants' data keys; unset outside production means a generated key file. */
  masterKey?: Buffer;
  /** Shared rate-limit state across instances; unset means in process. */
  redisUrl?: string;
  /** Each tenant's requests per minute when its configuration sets none; 0 turns limiting off. */
  rateLimitPerMinute: number;
  /** Development and tests only: webhooks may target loopback and private addresses. */
  webhookAllowPrivate: boolean;
  /** Whether this instance runs the webhook delivery worker. */
  webhookWorker: boolean;
  /** How long a receiver has to answer one delivery attempt. */
  webhookTimeoutSeconds: number;
  /** Serve Prometheus metrics at /metrics. */
  metrics: boolean;
  /** Log every request (Fastify's "incoming request" and "request completed" lines). */
  logRequests: boolean;
  /** Longest a statement may run (0: no limit); past it the request answers 503. */
  statementTimeoutMs: number;
  /** Longest a request waits for a database connection; past it, 503. */
  poolTimeoutMs: number;
  /**
   * On SIGTERM/SIGINT, how long in-flight requests may still run before their connections are
   * closed; the rest of shutdown gets as long again before the process gives up and exits 1.
   */
  shutdownTimeoutSeconds: number;
  previousMasterKeys: Buffer[];
  /** Serve the admin console at /console. */
  console: boolean;
  /** Where the built console is (dist/console unless set). */
  consoleDir: string;
  /** bcrypt cost of console passwords. */
  bcryptCost: number;
  /** How long a console session lasts after sign-in. */
  sessionTtlSeconds: number;
  /** Console sign-in attempts per client address per minute; 0 turns the limit off. */
  loginAttemptsPerMinute: number;
  logLevel: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`FOO=`) means "not set", as in most shells' and orchestrators' usage.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.TENANTRY_MASTER_KEY) {
    // A generated key file next to the data is fine on a laptop, never in production.
    throw new ConfigError('Invalid configuration:\n  TENANTRY_MASTER_KEY: is required when NODE_ENV=production');
  }
  if (e.NODE_ENV === 'production' && e.TENANTRY_BCRYPT_COST < 10) {
    // Low costs exist so tests run fast; in production they make stolen hashes cheap to crack.
    throw new ConfigError('Invalid configuration:\n  TENANTRY_BCRYPT_COST: must be at least 10 when NODE_ENV=production');
  }
  return {
    env: e.NODE_ENV,
    production: e.NODE_ENV === 'production',
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    appDatabaseUrl: e.TENANTRY_APP_DATABASE_URL,
    dataDir: path.resolve(e.TENANTRY_DATA_DIR),
    adminKey: e.TENANTRY_ADMIN_KEY,
    keyPrefix: e.TENANTRY_KEY_PREFIX,
    registration: e.TENANTRY_REGISTRATION,
    registrationsPerHour: e.TENANTRY_REGISTRATIONS_PER_HOUR,
    trustProxy: e.TENANTRY_TRUST_PROXY,
    purgeIntervalSeconds: e.TENANTRY_PURGE_INTERVAL_SECONDS,
    eventRetentionDays: e.TENANTRY_EVENT_RETENTION_DAYS,
    auditRetentionDays: e.TENANTRY_AUDIT_RETENTION_DAYS,
    masterKey: e.TENANTRY_MASTER_KEY,
    redisUrl: e.REDIS_URL,
    rateLimitPerMinute: e.TENANTRY_RATE_LIMIT_PER_MINUTE,
    webhookAllowPrivate: e.TENANTRY_WEBHOOK_ALLOW_PRIVATE,
    webhookWorker: e.TENANTRY_WEBHOOK_WORKER,
    webhookTimeoutSeconds: e.TENANTRY_WEBHOOK_TIMEOUT_SECONDS,
    metrics: e.TENANTRY_METRICS,
    logRequests: e.TENANTRY_LOG_REQUESTS,
    statementTimeoutMs: e.TENANTRY_STATEMENT_TIMEOUT_MS,
    poolTimeoutMs: e.TENANTRY_POOL_TIMEOUT_MS,
    shutdownTimeoutSeconds: e.TENANTRY_SHUTDOWN_TIMEOUT_SECONDS,
    previousMasterKeys: e.TENANTRY_PREVIOUS_MASTER_KEYS ?? [],
    console: e.TENANTRY_CONSOLE,
    consoleDir: path.resolve(e.TENANTRY_CONSOLE_DIR ?? path.join(projectRoot(), 'dist', 'console')),
    bcryptCost: e.TENANTRY_BCRYPT_COST,
    sessionTtlSeconds: e.TENANTRY_SESSION_TTL_SECONDS,
    loginAttemptsPerMinute: e.TENANTRY_LOGIN_ATTEMPTS_PER_MINUTE,
    logLevel: e.LOG_LEVEL,
  };
}
