/**
 * Who may call each operation, declared once. GraphQL fields carry it as a directive
 * (`@RequiresScopes(OPERATIONS.x)`), REST routes name the operation; neither repeats the scopes.
 * Changing a line here is a permission change and shows in the `schema.graphql` diff.
 */
export type Access = { public: true } | { scopes: readonly (readonly string[])[] };

const scopes = (...all: string[]): Access => ({ scopes: [all] });
/** Any one of the scopes suffices. */
const anyOf = (...each: string[]): Access => ({ scopes: each.map((s) => [s]) });
const open: Access = { public: true };

export const OPERATIONS = {
  // Tenants. Reads and deletion of "a tenant by id" are open to its own keys; the service
  // answers NOT_FOUND for any other id unless the caller is an operator.
  registerTenant: open,
  getTenant: scopes('tenant:read'),
  updateTenant: scopes('tenant:admin'),
  listTenants: scopes('tenant:read'),
  getTenantById: scopes('tenant:read'),
  updateTenantById: scopes('tenant:admin'),
  deleteTenant: scopes('tenant:admin'),
  createTenant: scopes('platform:admin'),
  suspendTenant: scopes('platform:admin'),
  reactivateTenant: scopes('platform:admin'),
  purgeTenant: scopes('platform:admin'),

  // Free-form name/value settings.
  listTenantSettings: scopes('tenant:read'),
  setTenantSetting: scopes('tenant:admin'),
  deleteTenantSetting: scopes('tenant:admin'),

  // API keys.
  listApiKeys: scopes('tenant:admin'),
  createApiKey: scopes('tenant:admin'),
  renameApiKey: scopes('tenant:admin'),
  rotateApiKey: scopes('tenant:admin'),
  revokeApiKey: scopes('tenant:admin'),
  reportLeakedKey: open,

  // Gateway configuration, secrets, tenant info, audit.
  getTenantConfig: scopes('config:read'),
  saveTenantConfig: scopes('config:write'),
  rollbackTenantConfig: scopes('config:write'),
  listSecrets: anyOf('secrets:read', 'secrets:write'),
  readSecret: scopes('secrets:read'),
  storeSecret: scopes('secrets:write'),
  deleteSecret: scopes('secrets:write'),
  getTenantInfo: scopes('tenant:read'),
  listAuditEvents: scopes('audit:read'),

  // Roles of the tenant's end-users.
  getRbac: scopes('rbac:read'),
  updateRbacSettings: scopes('rbac:write'),
  createRole: scopes('rbac:write'),
  updateRole: scopes('rbac:write'),
  deleteRole: scopes('rbac:write'),
  getUserRoles: scopes('rbac:read'),
  setUserRoles: scopes('rbac:write'),
  checkPermission: anyOf('rbac:check', 'rbac:read'),

  // Resource limits and usage.
  getLimits: scopes('limits:read'),
  setResourceLimits: scopes('limits:write'),
  getLimitUsage: scopes('limits:read'),
  checkLimit: anyOf('usage:write', 'limits:read'),
  trackUsage: scopes('usage:write'),
  consumeLimit: scopes('usage:write'),
  getUsageSummary: scopes('usage:read'),
  getUsageHistory: scopes('usage:read'),
  setUsageGauges: scopes('usage:write'),

  // Events.
  eventCatalog: open,
  listEvents: scopes('events:read'),
  publishEvent: scopes('events:write'),

  // Webhook endpoints and their delivery log. Reading a signing secret is a write-level right:
  // whoever holds it can forge deliveries.
  listWebhooks: scopes('webhooks:read'),
  getWebhook: scopes('webhooks:read'),
  listWebhookDeliveries: scopes('webhooks:read'),
  createWebhook: scopes('webhooks:write'),
  updateWebhook: scopes('webhooks:write'),
  deleteWebhook: scopes('webhooks:write'),
  rotateWebhookSecret: scopes('webhooks:write'),
  getWebhookSecret: scopes('webhooks:write'),
  redeliverWebhook: scopes('webhooks:write'),

  // Operator keys.
  listOperatorKeys: scopes('platform:admin'),
  createOperatorKey: scopes('platform:admin'),
  revokeOperatorKey: scopes('platform:admin'),

  // Console logins (email + password for people; keys stay the machine credential).
  setOwnerPassword: scopes('tenant:admin'),
  setOperatorPassword: scopes('platform:admin'),
} as const satisfies Record<string, Access>;

export type OperationName = keyof typeof OPERATIONS;
