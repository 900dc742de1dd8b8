import { apiKeyRoutes } from '../modules/api-keys/api-key.routes';
import { auditRoutes } from '../modules/audit/audit.routes';
import { gatewayRoutes } from '../modules/config/config.routes';
import { eventRoutes } from '../modules/events/event.routes';
import { limitRoutes } from '../modules/limits/limits.routes';
import { rbacRoutes } from '../modules/rbac/rbac.routes';
import { sessionRoutes } from '../modules/sessions/session.routes';
import { tenantSettingRoutes } from '../modules/tenant-settings/tenant-setting.routes';
import { tenantRoutes } from '../modules/tenants/tenant.routes';
import { webhookRoutes } from '../modules/webhooks/webhook.routes';
import type { RestRoute } from './route-table';

/** The whole REST compatibility layer; README's route table is this list. */
export const REST_ROUTES: RestRoute[] = [...tenantRoutes, ...apiKeyRoutes, ...tenantSettingRoutes, ...gatewayRoutes, ...rbacRoutes, ...limitRoutes, ...eventRoutes, ...webhookRoutes, ...auditRoutes, ...sessionRoutes];
