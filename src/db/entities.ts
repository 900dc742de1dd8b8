import { ApiKey } from '../modules/api-keys/api-key.entity';
import { AuditEvent } from '../modules/audit/audit-event.entity';
import { TenantConfig } from '../modules/config/tenant-config.entity';
import { LimitAlert, OutboxEvent } from '../modules/events/event.entity';
import { TenantLimitSet, UsageCounter, UsageDaily, UsageGauge, UsageIdempotency } from '../modules/limits/limits.entity';
import { RbacConfig, Role, RoleAssignment } from '../modules/rbac/rbac.entity';
import { MasterKeyPin, Secret, TenantDataKey } from '../modules/secrets/secret.entity';
import { ConsoleLogin, ConsoleSession } from '../modules/sessions/session.entity';
import { TenantSetting } from '../modules/tenant-settings/tenant-setting.entity';
import { Tenant } from '../modules/tenants/tenant.entity';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '../modules/webhooks/webhook.entity';

/** Every entity, listed explicitly: no folder scanning, so builds and tests see the same set. */
export const ENTITIES = [Tenant, ApiKey, TenantSetting, AuditEvent, TenantDataKey, MasterKeyPin, Secret, TenantConfig, Role, RoleAssignment, RbacConfig, TenantLimitSet, UsageCounter, UsageDaily, UsageIdempotency, UsageGauge, OutboxEvent, LimitAlert, WebhookEndpoint, WebhookDelivery, WebhookAttempt, ConsoleLogin, ConsoleSession];
