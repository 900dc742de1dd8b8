import { graphql } from './gql';

export const RegisterTenant = graphql(`
  mutation RegisterTenant($input: RegisterTenantInput!) {
    registerTenant(input: $input) {
      key
      apiKey { id prefix scopes environment }
      tenant {
        id name email status plan storageQuota storageUsed
        settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }
      }
    }
  }
`);

export const CurrentTenant = graphql(`
  query CurrentTenant {
    tenant {
      id name email description business logo plan status storageQuota storageUsed retrieverEngines createdAt updatedAt deletedAt
      settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }
      stats { user_count conversation_count total_interactions storage_bytes }
    }
  }
`);

export const UpdateTenant = graphql(`
  mutation UpdateTenant($input: UpdateTenantInput!) {
    updateTenant(input: $input) {
      id name email description logo
      settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }
    }
  }
`);

export const ApiKeys = graphql(`
  query ApiKeys($includeRevoked: Boolean! = false) {
    apiKeys(includeRevoked: $includeRevoked) { id name prefix scopes environment createdAt expiresAt lastUsedAt revokedAt }
  }
`);

export const CreateApiKey = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      key
      apiKey { id name prefix scopes environment createdAt expiresAt }
    }
  }
`);

export const RevokeApiKey = graphql(`
  mutation RevokeApiKey($id: UUID!) {
    revokeApiKey(id: $id) { id revokedAt }
  }
`);

export const Tenants = graphql(`
  query Tenants($first: Int! = 20, $after: String, $filter: TenantFilter) {
    tenants(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id name email plan status deletedAt } }
    }
  }
`);

export const TenantById = graphql(`
  query TenantById($id: UUID!) {
    tenantById(id: $id) { id name status plan storageQuota deletedAt }
  }
`);

export const CreateTenant = graphql(`
  mutation CreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) { key apiKey { id scopes } tenant { id name plan storageQuota status } }
  }
`);

export const UpdateTenantById = graphql(`
  mutation UpdateTenantById($id: UUID!, $input: UpdateTenantInput!) {
    updateTenantById(id: $id, input: $input) { id name plan status storageQuota }
  }
`);

export const SuspendTenant = graphql(`
  mutation SuspendTenant($id: UUID!) { suspendTenant(id: $id) { id status } }
`);

export const ReactivateTenant = graphql(`
  mutation ReactivateTenant($id: UUID!) { reactivateTenant(id: $id) { id status } }
`);

export const DeleteTenant = graphql(`
  mutation DeleteTenant($id: UUID!) { deleteTenant(id: $id) { id status deletedAt } }
`);

export const PurgeTenant = graphql(`
  mutation PurgeTenant($id: UUID!) { purgeTenant(id: $id) }
`);

export const TenantSettings = graphql(`
  query TenantSettings { tenantSettings { id name value updatedAt } }
`);

export const SetTenantSetting = graphql(`
  mutation SetTenantSetting($name: String!, $value: String!) { setTenantSetting(name: $name, value: $value) { id name value } }
`);

export const DeleteTenantSetting = graphql(`
  mutation DeleteTenantSetting($name: String!) { deleteTenantSetting(name: $name) { id name } }
`);

export const RenameApiKey = graphql(`
  mutation RenameApiKey($id: UUID!, $name: String!) { renameApiKey(id: $id, name: $name) { id name } }
`);

export const RotateApiKey = graphql(`
  mutation RotateApiKey($id: UUID!, $graceSeconds: Int! = 0) {
    rotateApiKey(id: $id, graceSeconds: $graceSeconds) {
      key
      apiKey { id name scopes expiresAt }
      previous { id rotatedAt replacedById expiresAt revokedAt }
    }
  }
`);

export const ReportLeakedKey = graphql(`
  mutation ReportLeakedKey($key: String!) { reportLeakedKey(key: $key) }
`);

export const OperatorKeys = graphql(`
  query OperatorKeys { operatorKeys { id name scopes prefix } }
`);

export const CreateOperatorKey = graphql(`
  mutation CreateOperatorKey($input: CreateOperatorKeyInput!) { createOperatorKey(input: $input) { key apiKey { id scopes } } }
`);

export const RevokeOperatorKey = graphql(`
  mutation RevokeOperatorKey($id: UUID!) { revokeOperatorKey(id: $id) { id revokedAt } }
`);

export const AuditEvents = graphql(`
  query AuditEvents($first: Int! = 50, $after: String, $filter: AuditFilter) {
    auditEvents(first: $first, after: $after, filter: $filter) {
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id tenantId actorType actorKeyId action targetType targetId changes createdAt } }
    }
  }
`);

export const TenantConfigQuery = graphql(`
  query TenantConfig {
    tenantConfig {
      version createdAt restoredFrom document credentials
      routes { path method description target }
      rateLimit { enabled default { max windowMs } routes }
      cache { enabled ttlSeconds }
      webhooks { url events secret enabled }
    }
  }
`);

export const TenantConfigHistory = graphql(`
  query TenantConfigHistory($first: Int! = 20, $before: Int) {
    tenantConfigHistory(first: $first, before: $before) { version restoredFrom document }
  }
`);

export const SaveTenantConfig = graphql(`
  mutation SaveTenantConfig($document: JSONObject!) { saveTenantConfig(document: $document) { version document } }
`);

export const RollbackTenantConfig = graphql(`
  mutation RollbackTenantConfig($version: Int!) { rollbackTenantConfig(version: $version) { version restoredFrom document } }
`);

export const Secrets = graphql(`
  query Secrets { secrets { name createdAt updatedAt } }
`);

export const SecretValue = graphql(`
  query SecretValue($name: String!) { secretValue(name: $name) }
`);

export const StoreSecret = graphql(`
  mutation StoreSecret($name: String!, $value: String!) { storeSecret(name: $name, value: $value) { name createdAt } }
`);

export const DeleteSecret = graphql(`
  mutation DeleteSecret($name: String!) { deleteSecret(name: $name) { name } }
`);

export const TenantLimits = graphql(`
  query TenantLimits { tenant { id plan limits { apiCalls llmTokens storage } } }
`);

export const RbacQuery = graphql(`
  query Rbac { rbac { enabled defaultRole roles { name description permissions inherits } } }
`);

export const UserRolesQuery = graphql(`
  query UserRoles($userId: String!) { userRoles(userId: $userId) { userId roles defaultRole } }
`);

export const CheckPermission = graphql(`
  query CheckPermission($userId: String!, $permission: String!) {
    checkPermission(userId: $userId, permission: $permission) { allowed enabled role viaDefaultRole grantedBy via matched reason }
  }
`);

export const UpdateRbacSettings = graphql(`
  mutation UpdateRbacSettings($enabled: Boolean, $defaultRole: String) {
    updateRbacSettings(enabled: $enabled, defaultRole: $defaultRole) { enabled defaultRole }
  }
`);

export const CreateRole = graphql(`
  mutation CreateRole($input: CreateRoleInput!) { createRole(input: $input) { name description permissions inherits } }
`);

export const UpdateRole = graphql(`
  mutation UpdateRole($name: String!, $input: UpdateRoleInput!) { updateRole(name: $name, input: $input) { name permissions inherits } }
`);

export const DeleteRole = graphql(`
  mutation DeleteRole($name: String!) { deleteRole(name: $name) }
`);

export const SetUserRoles = graphql(`
  mutation SetUserRoles($userId: String!, $roles: [String!]!) { setUserRoles(userId: $userId, roles: $roles) { userId roles defaultRole } }
`);

export const ResourceLimits = graphql(`
  query ResourceLimits { resourceLimits { resource metric period limit tiers gateAction scope } }
`);

export const LimitUsage = graphql(`
  query LimitUsage($userId: String) { limitUsage(userId: $userId) { resource metric period current limit percentage scope } }
`);

export const CheckLimit = graphql(`
  query CheckLimit($input: UsageInput!) { checkLimit(input: $input) { allowed gateAction usage { current limit } remaining rule { period } } }
`);

export const SetResourceLimits = graphql(`
  mutation SetResourceLimits($limits: [ResourceLimitInput!]!) { setResourceLimits(limits: $limits) { resource metric period limit gateAction scope } }
`);

export const TrackUsage = graphql(`
  mutation TrackUsage($input: UsageInput!) { trackUsage(input: $input) { allowed usage { current limit } replayed } }
`);

export const ConsumeLimit = graphql(`
  mutation ConsumeLimit($input: UsageInput!) { consumeLimit(input: $input) { allowed usage { current limit } } }
`);

export const UsageSummary = graphql(`
  query UsageSummary($period: String) { usageSummary(period: $period) { period api_calls llm_tokens storage_bytes bandwidth_bytes } }
`);

export const UsageHistory = graphql(`
  query UsageHistory($period: String) { usageHistory(period: $period) { date api_calls llm_tokens } }
`);

export const TenantsWithStats = graphql(`
  query TenantsWithStats($first: Int!, $filter: TenantFilter) {
    tenants(first: $first, filter: $filter) { edges { node { id stats { user_count conversation_count total_interactions storage_bytes } } } }
  }
`);

export const EventCatalog = graphql(`
  query EventCatalog { eventCatalog { type description } }
`);

export const Events = graphql(`
  query Events($first: Int! = 50, $type: String) { events(first: $first, type: $type) { events { id type tenant_id occurred_at data } nextCursor } }
`);

export const PublishEvent = graphql(`
  mutation PublishEvent($type: String!, $data: JSONObject) { publishEvent(type: $type, data: $data) { id type tenant_id occurred_at data } }
`);

export const Webhooks = graphql(`
  query Webhooks { webhooks { id url description events source enabled status disabledReason failingSince previousSecretExpiresAt createdAt updatedAt } }
`);

export const Webhook = graphql(`
  query Webhook($id: String!) { webhook(id: $id) { id url events source enabled status } }
`);

export const WebhookSecret = graphql(`
  query WebhookSecret($id: String!) { webhookSecret(id: $id) }
`);

export const WebhookDeliveries = graphql(`
  query WebhookDeliveries($webhookId: String!, $first: Int, $after: String, $status: String) {
    webhookDeliveries(webhookId: $webhookId, first: $first, after: $after, status: $status) {
      deliveries {
        id eventId eventType status attempts nextAttemptAt lastAttemptAt lastStatusCode lastLatencyMs lastError createdAt
        log { attempt startedAt success statusCode latencyMs error responseBody }
      }
      nextCursor
    }
  }
`);

export const CreateWebhook = graphql(`
  mutation CreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) { secret webhook { id url description events source enabled status } }
  }
`);

export const UpdateWebhook = graphql(`
  mutation UpdateWebhook($id: String!, $input: UpdateWebhookInput!) {
    updateWebhook(id: $id, input: $input) { id url description events enabled status disabledReason }
  }
`);

export const DeleteWebhook = graphql(`
  mutation DeleteWebhook($id: String!) { deleteWebhook(id: $id) { id } }
`);

export const RotateWebhookSecret = graphql(`
  mutation RotateWebhookSecret($id: String!, $graceSeconds: Int) {
    rotateWebhookSecret(id: $id, graceSeconds: $graceSeconds) { secret webhook { id previousSecretExpiresAt } }
  }
`);

export const RedeliverWebhook = graphql(`
  mutation RedeliverWebhook($webhookId: String!, $deliveryId: String!) {
    redeliverWebhook(webhookId: $webhookId, deliveryId: $deliveryId) { id eventId status }
  }
`);

export const SetOwnerPassword = graphql(`
  mutation SetOwnerPassword($input: SetConsolePasswordInput!) {
    setOwnerPassword(input: $input) { id email role tenantId passwordChangedAt createdAt }
  }
`);

export const SetOperatorPassword = graphql(`
  mutation SetOperatorPassword($input: SetConsolePasswordInput!) {
    setOperatorPassword(input: $input) { id email role tenantId passwordChangedAt createdAt }
  }
`);
