import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './config';
import { ChangeFeed } from './db/change-feed';
import { ApiKeyService } from './modules/api-keys/api-key.service';
import { LastUsedRecorder } from './modules/api-keys/last-used';
import { AuditService } from './modules/audit/audit.service';
import { EventService } from './modules/events/event.service';
import { ConfigService } from './modules/config/config.service';
import { RbacService } from './modules/rbac/rbac.service';
import { ApiCallMeter } from './modules/limits/api-call-meter';
import { LimitsService } from './modules/limits/limits.service';
import { TenantRateLimiter } from './modules/limits/rate-limiter';
import { UsageService } from './modules/limits/usage.service';
import { Redis } from 'ioredis';
import { Keyring, masterKeyFromFile } from './modules/secrets/envelope';
import { SecretService } from './modules/secrets/secret.service';
import { SessionService } from './modules/sessions/session.service';
import { TenantSettingService } from './modules/tenant-settings/tenant-setting.service';
import { TenantService } from './modules/tenants/tenant.service';
import { DeliveryWorker } from './modules/webhooks/delivery-worker';
import { WebhookSender } from './modules/webhooks/sender';
import { WebhookService } from './modules/webhooks/webhook.service';

/** The service singletons; each takes a ServiceContext per call and holds no request state. */
export interface Services {
  orm: MikroORM;
  config: Config;
  lastUsed: LastUsedRecorder;
  /** Cross-instance cache invalidation (LISTEN/NOTIFY); started by the server process. */
  feed: ChangeFeed;
  audit: AuditService;
  apiKeys: ApiKeyService;
  tenants: TenantService;
  tenantSettings: TenantSettingService;
  secrets: SecretService;
  configs: ConfigService;
  rbac: RbacService;
  limits: LimitsService;
  events: EventService;
  usage: UsageService;
  apiCalls: ApiCallMeter;
  rateLimiter: TenantRateLimiter;
  webhooks: WebhookService;
  /** Console logins and their sessions. */
  sessions: SessionService;
  /** Sends webhooks; started by the server process (main.ts), not by buildApp. */
  deliveries: DeliveryWorker;
  /** Flushes batched writes and closes connections other than the database's. */
  close(): Promise<void>;
}

export function createServices(orm: MikroORM, config: Config, onError: (err: unknown) => void): Services {
  const lastUsed = new LastUsedRecorder(orm, onError);
  const feed = new ChangeFeed(orm.config.getClientUrl(), onError);
  const events = new EventService();
  const audit = new AuditService(events);
  const apiKeys = new ApiKeyService(orm, config, lastUsed, audit, feed);
  const rbac = new RbacService(audit, feed);
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1 }) : undefined;
  redis?.on('error', onError);
  const rateLimiter = new TenantRateLimiter(config.rateLimitPerMinute, redis);
  const apiCalls = new ApiCallMeter(orm, onError);
  const keyring = new Keyring(config.masterKey ?? masterKeyFromFile(config.dataDir), config.previousMasterKeys);
  const secrets = new SecretService(keyring, audit, onError);
  const webhooks = new WebhookService(secrets, audit, config.webhookAllowPrivate);
  const tenants = new TenantService(config, apiKeys, audit, rbac, webhooks, feed);
  const sender = new WebhookSender(config.webhookAllowPrivate, config.webhookTimeoutSeconds * 1000);
  const deliveries = new DeliveryWorker(orm, secrets, audit, sender, onError, { timeoutSeconds: config.webhookTimeoutSeconds });
  return {
    orm,
    config,
    lastUsed,
    feed,
    audit,
    apiKeys,
    tenants,
    tenantSettings: new TenantSettingService(audit),
    secrets,
    configs: new ConfigService(audit, (tenantId) => rateLimiter.invalidate(tenantId), config.webhookAllowPrivate),
    rbac,
    limits: new LimitsService(audit, events, { feed, orm }),
    events,
    usage: new UsageService(),
    apiCalls,
    rateLimiter,
    webhooks,
    sessions: new SessionService(orm, config, audit, redis),
    deliveries,
    async close() {
      await deliveries.stop();
      sender.close();
      await feed.stop();
      await apiCalls.stop();
      await lastUsed.stop();
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
