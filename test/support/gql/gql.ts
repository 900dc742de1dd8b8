/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation RegisterTenant($input: RegisterTenantInput!) {\n    registerTenant(input: $input) {\n      key\n      apiKey { id prefix scopes environment }\n      tenant {\n        id name email status plan storageQuota storageUsed\n        settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }\n      }\n    }\n  }\n": typeof types.RegisterTenantDocument,
    "\n  query CurrentTenant {\n    tenant {\n      id name email description business logo plan status storageQuota storageUsed retrieverEngines createdAt updatedAt deletedAt\n      settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }\n      stats { user_count conversation_count total_interactions storage_bytes }\n    }\n  }\n": typeof types.CurrentTenantDocument,
    "\n  mutation UpdateTenant($input: UpdateTenantInput!) {\n    updateTenant(input: $input) {\n      id name email description logo\n      settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }\n    }\n  }\n": typeof types.UpdateTenantDocument,
    "\n  query ApiKeys($includeRevoked: Boolean! = false) {\n    apiKeys(includeRevoked: $includeRevoked) { id name prefix scopes environment createdAt expiresAt lastUsedAt revokedAt }\n  }\n": typeof types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      key\n      apiKey { id name prefix scopes environment createdAt expiresAt }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: UUID!) {\n    revokeApiKey(id: $id) { id revokedAt }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  query Tenants($first: Int! = 20, $after: String, $filter: TenantFilter) {\n    tenants(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id name email plan status deletedAt } }\n    }\n  }\n": typeof types.TenantsDocument,
    "\n  query TenantById($id: UUID!) {\n    tenantById(id: $id) { id name status plan storageQuota deletedAt }\n  }\n": typeof types.TenantByIdDocument,
    "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) { key apiKey { id scopes } tenant { id name plan storageQuota status } }\n  }\n": typeof types.CreateTenantDocument,
    "\n  mutation UpdateTenantById($id: UUID!, $input: UpdateTenantInput!) {\n    updateTenantById(id: $id, input: $input) { id name plan status storageQuota }\n  }\n": typeof types.UpdateTenantByIdDocument,
    "\n  mutation SuspendTenant($id: UUID!) { suspendTenant(id: $id) { id status } }\n": typeof types.SuspendTenantDocument,
    "\n  mutation ReactivateTenant($id: UUID!) { reactivateTenant(id: $id) { id status } }\n": typeof types.ReactivateTenantDocument,
    "\n  mutation DeleteTenant($id: UUID!) { deleteTenant(id: $id) { id status deletedAt } }\n": typeof types.DeleteTenantDocument,
    "\n  mutation PurgeTenant($id: UUID!) { purgeTenant(id: $id) }\n": typeof types.PurgeTenantDocument,
    "\n  query TenantSettings { tenantSettings { id name value updatedAt } }\n": typeof types.TenantSettingsDocument,
    "\n  mutation SetTenantSetting($name: String!, $value: String!) { setTenantSetting(name: $name, value: $value) { id name value } }\n": typeof types.SetTenantSettingDocument,
    "\n  mutation DeleteTenantSetting($name: String!) { deleteTenantSetting(name: $name) { id name } }\n": typeof types.DeleteTenantSettingDocument,
    "\n  mutation RenameApiKey($id: UUID!, $name: String!) { renameApiKey(id: $id, name: $name) { id name } }\n": typeof types.RenameApiKeyDocument,
    "\n  mutation RotateApiKey($id: UUID!, $graceSeconds: Int! = 0) {\n    rotateApiKey(id: $id, graceSeconds: $graceSeconds) {\n      key\n      apiKey { id name scopes expiresAt }\n      previous { id rotatedAt replacedById expiresAt revokedAt }\n    }\n  }\n": typeof types.RotateApiKeyDocument,
    "\n  mutation ReportLeakedKey($key: String!) { reportLeakedKey(key: $key) }\n": typeof types.ReportLeakedKeyDocument,
    "\n  query OperatorKeys { operatorKeys { id name scopes prefix } }\n": typeof types.OperatorKeysDocument,
    "\n  mutation CreateOperatorKey($input: CreateOperatorKeyInput!) { createOperatorKey(input: $input) { key apiKey { id scopes } } }\n": typeof types.CreateOperatorKeyDocument,
    "\n  mutation RevokeOperatorKey($id: UUID!) { revokeOperatorKey(id: $id) { id revokedAt } }\n": typeof types.RevokeOperatorKeyDocument,
    "\n  query AuditEvents($first: Int! = 50, $after: String, $filter: AuditFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id tenantId actorType actorKeyId action targetType targetId changes createdAt } }\n    }\n  }\n": typeof types.AuditEventsDocument,
    "\n  query TenantConfig {\n    tenantConfig {\n      version createdAt restoredFrom document credentials\n      routes { path method description target }\n      rateLimit { enabled default { max windowMs } routes }\n      cache { enabled ttlSeconds }\n      webhooks { url events secret enabled }\n    }\n  }\n": typeof types.TenantConfigDocument,
    "\n  query TenantConfigHistory($first: Int! = 20, $before: Int) {\n    tenantConfigHistory(first: $first, before: $before) { version restoredFrom document }\n  }\n": typeof types.TenantConfigHistoryDocument,
    "\n  mutation SaveTenantConfig($document: JSONObject!) { saveTenantConfig(document: $document) { version document } }\n": typeof types.SaveTenantConfigDocument,
    "\n  mutation RollbackTenantConfig($version: Int!) { rollbackTenantConfig(version: $version) { version restoredFrom document } }\n": typeof types.RollbackTenantConfigDocument,
    "\n  query Secrets { secrets { name createdAt updatedAt } }\n": typeof types.SecretsDocument,
    "\n  query SecretValue($name: String!) { secretValue(name: $name) }\n": typeof types.SecretValueDocument,
    "\n  mutation StoreSecret($name: String!, $value: String!) { storeSecret(name: $name, value: $value) { name createdAt } }\n": typeof types.StoreSecretDocument,
    "\n  mutation DeleteSecret($name: String!) { deleteSecret(name: $name) { name } }\n": typeof types.DeleteSecretDocument,
    "\n  query TenantLimits { tenant { id plan limits { apiCalls llmTokens storage } } }\n": typeof types.TenantLimitsDocument,
    "\n  query Rbac { rbac { enabled defaultRole roles { name description permissions inherits } } }\n": typeof types.RbacDocument,
    "\n  query UserRoles($userId: String!) { userRoles(userId: $userId) { userId roles defaultRole } }\n": typeof types.UserRolesDocument,
    "\n  query CheckPermission($userId: String!, $permission: String!) {\n    checkPermission(userId: $userId, permission: $permission) { allowed enabled role viaDefaultRole grantedBy via matched reason }\n  }\n": typeof types.CheckPermissionDocument,
    "\n  mutation UpdateRbacSettings($enabled: Boolean, $defaultRole: String) {\n    updateRbacSettings(enabled: $enabled, defaultRole: $defaultRole) { enabled defaultRole }\n  }\n": typeof types.UpdateRbacSettingsDocument,
    "\n  mutation CreateRole($input: CreateRoleInput!) { createRole(input: $input) { name description permissions inherits } }\n": typeof types.CreateRoleDocument,
    "\n  mutation UpdateRole($name: String!, $input: UpdateRoleInput!) { updateRole(name: $name, input: $input) { name permissions inherits } }\n": typeof types.UpdateRoleDocument,
    "\n  mutation DeleteRole($name: String!) { deleteRole(name: $name) }\n": typeof types.DeleteRoleDocument,
    "\n  mutation SetUserRoles($userId: String!, $roles: [String!]!) { setUserRoles(userId: $userId, roles: $roles) { userId roles defaultRole } }\n": typeof types.SetUserRolesDocument,
    "\n  query ResourceLimits { resourceLimits { resource metric period limit tiers gateAction scope } }\n": typeof types.ResourceLimitsDocument,
    "\n  query LimitUsage($userId: String) { limitUsage(userId: $userId) { resource metric period current limit percentage scope } }\n": typeof types.LimitUsageDocument,
    "\n  query CheckLimit($input: UsageInput!) { checkLimit(input: $input) { allowed gateAction usage { current limit } remaining rule { period } } }\n": typeof types.CheckLimitDocument,
    "\n  mutation SetResourceLimits($limits: [ResourceLimitInput!]!) { setResourceLimits(limits: $limits) { resource metric period limit gateAction scope } }\n": typeof types.SetResourceLimitsDocument,
    "\n  mutation TrackUsage($input: UsageInput!) { trackUsage(input: $input) { allowed usage { current limit } replayed } }\n": typeof types.TrackUsageDocument,
    "\n  mutation ConsumeLimit($input: UsageInput!) { consumeLimit(input: $input) { allowed usage { current limit } } }\n": typeof types.ConsumeLimitDocument,
    "\n  query UsageSummary($period: String) { usageSummary(period: $period) { period api_calls llm_tokens storage_bytes bandwidth_bytes } }\n": typeof types.UsageSummaryDocument,
    "\n  query UsageHistory($period: String) { usageHistory(period: $period) { date api_calls llm_tokens } }\n": typeof types.UsageHistoryDocument,
    "\n  query TenantsWithStats($first: Int!, $filter: TenantFilter) {\n    tenants(first: $first, filter: $filter) { edges { node { id stats { user_count conversation_count total_interactions storage_bytes } } } }\n  }\n": typeof types.TenantsWithStatsDocument,
    "\n  query EventCatalog { eventCatalog { type description } }\n": typeof types.EventCatalogDocument,
    "\n  query Events($first: Int! = 50, $type: String) { events(first: $first, type: $type) { events { id type tenant_id occurred_at data } nextCursor } }\n": typeof types.EventsDocument,
    "\n  mutation PublishEvent($type: String!, $data: JSONObject) { publishEvent(type: $type, data: $data) { id type tenant_id occurred_at data } }\n": typeof types.PublishEventDocument,
    "\n  query Webhooks { webhooks { id url description events source enabled status disabledReason failingSince previousSecretExpiresAt createdAt updatedAt } }\n": typeof types.WebhooksDocument,
    "\n  query Webhook($id: String!) { webhook(id: $id) { id url events source enabled status } }\n": typeof types.WebhookDocument,
    "\n  query WebhookSecret($id: String!) { webhookSecret(id: $id) }\n": typeof types.WebhookSecretDocument,
    "\n  query WebhookDeliveries($webhookId: String!, $first: Int, $after: String, $status: String) {\n    webhookDeliveries(webhookId: $webhookId, first: $first, after: $after, status: $status) {\n      deliveries {\n        id eventId eventType status attempts nextAttemptAt lastAttemptAt lastStatusCode lastLatencyMs lastError createdAt\n        log { attempt startedAt success statusCode latencyMs error responseBody }\n      }\n      nextCursor\n    }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) { secret webhook { id url description events source enabled status } }\n  }\n": typeof types.CreateWebhookDocument,
    "\n  mutation UpdateWebhook($id: String!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) { id url description events enabled status disabledReason }\n  }\n": typeof types.UpdateWebhookDocument,
    "\n  mutation DeleteWebhook($id: String!) { deleteWebhook(id: $id) { id } }\n": typeof types.DeleteWebhookDocument,
    "\n  mutation RotateWebhookSecret($id: String!, $graceSeconds: Int) {\n    rotateWebhookSecret(id: $id, graceSeconds: $graceSeconds) { secret webhook { id previousSecretExpiresAt } }\n  }\n": typeof types.RotateWebhookSecretDocument,
    "\n  mutation RedeliverWebhook($webhookId: String!, $deliveryId: String!) {\n    redeliverWebhook(webhookId: $webhookId, deliveryId: $deliveryId) { id eventId status }\n  }\n": typeof types.RedeliverWebhookDocument,
    "\n  mutation SetOwnerPassword($input: SetConsolePasswordInput!) {\n    setOwnerPassword(input: $input) { id email role tenantId passwordChangedAt createdAt }\n  }\n": typeof types.SetOwnerPasswordDocument,
    "\n  mutation SetOperatorPassword($input: SetConsolePasswordInput!) {\n    setOperatorPassword(input: $input) { id email role tenantId passwordChangedAt createdAt }\n  }\n": typeof types.SetOperatorPasswordDocument,
};
const documents: Documents = {
    "\n  mutation RegisterTenant($input: RegisterTenantInput!) {\n    registerTenant(input: $input) {\n      key\n      apiKey { id prefix scopes environment }\n      tenant {\n        id name email status plan storageQuota storageUsed\n        settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }\n      }\n    }\n  }\n": types.RegisterTenantDocument,
    "\n  query CurrentTenant {\n    tenant {\n      id name email description business logo plan status storageQuota storageUsed retrieverEngines createdAt updatedAt deletedAt\n      settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }\n      stats { user_count conversation_count total_interactions storage_bytes }\n    }\n  }\n": types.CurrentTenantDocument,
    "\n  mutation UpdateTenant($input: UpdateTenantInput!) {\n    updateTenant(input: $input) {\n      id name email description logo\n      settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }\n    }\n  }\n": types.UpdateTenantDocument,
    "\n  query ApiKeys($includeRevoked: Boolean! = false) {\n    apiKeys(includeRevoked: $includeRevoked) { id name prefix scopes environment createdAt expiresAt lastUsedAt revokedAt }\n  }\n": types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      key\n      apiKey { id name prefix scopes environment createdAt expiresAt }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: UUID!) {\n    revokeApiKey(id: $id) { id revokedAt }\n  }\n": types.RevokeApiKeyDocument,
    "\n  query Tenants($first: Int! = 20, $after: String, $filter: TenantFilter) {\n    tenants(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id name email plan status deletedAt } }\n    }\n  }\n": types.TenantsDocument,
    "\n  query TenantById($id: UUID!) {\n    tenantById(id: $id) { id name status plan storageQuota deletedAt }\n  }\n": types.TenantByIdDocument,
    "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) { key apiKey { id scopes } tenant { id name plan storageQuota status } }\n  }\n": types.CreateTenantDocument,
    "\n  mutation UpdateTenantById($id: UUID!, $input: UpdateTenantInput!) {\n    updateTenantById(id: $id, input: $input) { id name plan status storageQuota }\n  }\n": types.UpdateTenantByIdDocument,
    "\n  mutation SuspendTenant($id: UUID!) { suspendTenant(id: $id) { id status } }\n": types.SuspendTenantDocument,
    "\n  mutation ReactivateTenant($id: UUID!) { reactivateTenant(id: $id) { id status } }\n": types.ReactivateTenantDocument,
    "\n  mutation DeleteTenant($id: UUID!) { deleteTenant(id: $id) { id status deletedAt } }\n": types.DeleteTenantDocument,
    "\n  mutation PurgeTenant($id: UUID!) { purgeTenant(id: $id) }\n": types.PurgeTenantDocument,
    "\n  query TenantSettings { tenantSettings { id name value updatedAt } }\n": types.TenantSettingsDocument,
    "\n  mutation SetTenantSetting($name: String!, $value: String!) { setTenantSetting(name: $name, value: $value) { id name value } }\n": types.SetTenantSettingDocument,
    "\n  mutation DeleteTenantSetting($name: String!) { deleteTenantSetting(name: $name) { id name } }\n": types.DeleteTenantSettingDocument,
    "\n  mutation RenameApiKey($id: UUID!, $name: String!) { renameApiKey(id: $id, name: $name) { id name } }\n": types.RenameApiKeyDocument,
    "\n  mutation RotateApiKey($id: UUID!, $graceSeconds: Int! = 0) {\n    rotateApiKey(id: $id, graceSeconds: $graceSeconds) {\n      key\n      apiKey { id name scopes expiresAt }\n      previous { id rotatedAt replacedById expiresAt revokedAt }\n    }\n  }\n": types.RotateApiKeyDocument,
    "\n  mutation ReportLeakedKey($key: String!) { reportLeakedKey(key: $key) }\n": types.ReportLeakedKeyDocument,
    "\n  query OperatorKeys { operatorKeys { id name scopes prefix } }\n": types.OperatorKeysDocument,
    "\n  mutation CreateOperatorKey($input: CreateOperatorKeyInput!) { createOperatorKey(input: $input) { key apiKey { id scopes } } }\n": types.CreateOperatorKeyDocument,
    "\n  mutation RevokeOperatorKey($id: UUID!) { revokeOperatorKey(id: $id) { id revokedAt } }\n": types.RevokeOperatorKeyDocument,
    "\n  query AuditEvents($first: Int! = 50, $after: String, $filter: AuditFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id tenantId actorType actorKeyId action targetType targetId changes createdAt } }\n    }\n  }\n": types.AuditEventsDocument,
    "\n  query TenantConfig {\n    tenantConfig {\n      version createdAt restoredFrom document credentials\n      routes { path method description target }\n      rateLimit { enabled default { max windowMs } routes }\n      cache { enabled ttlSeconds }\n      webhooks { url events secret enabled }\n    }\n  }\n": types.TenantConfigDocument,
    "\n  query TenantConfigHistory($first: Int! = 20, $before: Int) {\n    tenantConfigHistory(first: $first, before: $before) { version restoredFrom document }\n  }\n": types.TenantConfigHistoryDocument,
    "\n  mutation SaveTenantConfig($document: JSONObject!) { saveTenantConfig(document: $document) { version document } }\n": types.SaveTenantConfigDocument,
    "\n  mutation RollbackTenantConfig($version: Int!) { rollbackTenantConfig(version: $version) { version restoredFrom document } }\n": types.RollbackTenantConfigDocument,
    "\n  query Secrets { secrets { name createdAt updatedAt } }\n": types.SecretsDocument,
    "\n  query SecretValue($name: String!) { secretValue(name: $name) }\n": types.SecretValueDocument,
    "\n  mutation StoreSecret($name: String!, $value: String!) { storeSecret(name: $name, value: $value) { name createdAt } }\n": types.StoreSecretDocument,
    "\n  mutation DeleteSecret($name: String!) { deleteSecret(name: $name) { name } }\n": types.DeleteSecretDocument,
    "\n  query TenantLimits { tenant { id plan limits { apiCalls llmTokens storage } } }\n": types.TenantLimitsDocument,
    "\n  query Rbac { rbac { enabled defaultRole roles { name description permissions inherits } } }\n": types.RbacDocument,
    "\n  query UserRoles($userId: String!) { userRoles(userId: $userId) { userId roles defaultRole } }\n": types.UserRolesDocument,
    "\n  query CheckPermission($userId: String!, $permission: String!) {\n    checkPermission(userId: $userId, permission: $permission) { allowed enabled role viaDefaultRole grantedBy via matched reason }\n  }\n": types.CheckPermissionDocument,
    "\n  mutation UpdateRbacSettings($enabled: Boolean, $defaultRole: String) {\n    updateRbacSettings(enabled: $enabled, defaultRole: $defaultRole) { enabled defaultRole }\n  }\n": types.UpdateRbacSettingsDocument,
    "\n  mutation CreateRole($input: CreateRoleInput!) { createRole(input: $input) { name description permissions inherits } }\n": types.CreateRoleDocument,
    "\n  mutation UpdateRole($name: String!, $input: UpdateRoleInput!) { updateRole(name: $name, input: $input) { name permissions inherits } }\n": types.UpdateRoleDocument,
    "\n  mutation DeleteRole($name: String!) { deleteRole(name: $name) }\n": types.DeleteRoleDocument,
    "\n  mutation SetUserRoles($userId: String!, $roles: [String!]!) { setUserRoles(userId: $userId, roles: $roles) { userId roles defaultRole } }\n": types.SetUserRolesDocument,
    "\n  query ResourceLimits { resourceLimits { resource metric period limit tiers gateAction scope } }\n": types.ResourceLimitsDocument,
    "\n  query LimitUsage($userId: String) { limitUsage(userId: $userId) { resource metric period current limit percentage scope } }\n": types.LimitUsageDocument,
    "\n  query CheckLimit($input: UsageInput!) { checkLimit(input: $input) { allowed gateAction usage { current limit } remaining rule { period } } }\n": types.CheckLimitDocument,
    "\n  mutation SetResourceLimits($limits: [ResourceLimitInput!]!) { setResourceLimits(limits: $limits) { resource metric period limit gateAction scope } }\n": types.SetResourceLimitsDocument,
    "\n  mutation TrackUsage($input: UsageInput!) { trackUsage(input: $input) { allowed usage { current limit } replayed } }\n": types.TrackUsageDocument,
    "\n  mutation ConsumeLimit($input: UsageInput!) { consumeLimit(input: $input) { allowed usage { current limit } } }\n": types.ConsumeLimitDocument,
    "\n  query UsageSummary($period: String) { usageSummary(period: $period) { period api_calls llm_tokens storage_bytes bandwidth_bytes } }\n": types.UsageSummaryDocument,
    "\n  query UsageHistory($period: String) { usageHistory(period: $period) { date api_calls llm_tokens } }\n": types.UsageHistoryDocument,
    "\n  query TenantsWithStats($first: Int!, $filter: TenantFilter) {\n    tenants(first: $first, filter: $filter) { edges { node { id stats { user_count conversation_count total_interactions storage_bytes } } } }\n  }\n": types.TenantsWithStatsDocument,
    "\n  query EventCatalog { eventCatalog { type description } }\n": types.EventCatalogDocument,
    "\n  query Events($first: Int! = 50, $type: String) { events(first: $first, type: $type) { events { id type tenant_id occurred_at data } nextCursor } }\n": types.EventsDocument,
    "\n  mutation PublishEvent($type: String!, $data: JSONObject) { publishEvent(type: $type, data: $data) { id type tenant_id occurred_at data } }\n": types.PublishEventDocument,
    "\n  query Webhooks { webhooks { id url description events source enabled status disabledReason failingSince previousSecretExpiresAt createdAt updatedAt } }\n": types.WebhooksDocument,
    "\n  query Webhook($id: String!) { webhook(id: $id) { id url events source enabled status } }\n": types.WebhookDocument,
    "\n  query WebhookSecret($id: String!) { webhookSecret(id: $id) }\n": types.WebhookSecretDocument,
    "\n  query WebhookDeliveries($webhookId: String!, $first: Int, $after: String, $status: String) {\n    webhookDeliveries(webhookId: $webhookId, first: $first, after: $after, status: $status) {\n      deliveries {\n        id eventId eventType status attempts nextAttemptAt lastAttemptAt lastStatusCode lastLatencyMs lastError createdAt\n        log { attempt startedAt success statusCode latencyMs error responseBody }\n      }\n      nextCursor\n    }\n  }\n": types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) { secret webhook { id url description events source enabled status } }\n  }\n": types.CreateWebhookDocument,
    "\n  mutation UpdateWebhook($id: String!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) { id url description events enabled status disabledReason }\n  }\n": types.UpdateWebhookDocument,
    "\n  mutation DeleteWebhook($id: String!) { deleteWebhook(id: $id) { id } }\n": types.DeleteWebhookDocument,
    "\n  mutation RotateWebhookSecret($id: String!, $graceSeconds: Int) {\n    rotateWebhookSecret(id: $id, graceSeconds: $graceSeconds) { secret webhook { id previousSecretExpiresAt } }\n  }\n": types.RotateWebhookSecretDocument,
    "\n  mutation RedeliverWebhook($webhookId: String!, $deliveryId: String!) {\n    redeliverWebhook(webhookId: $webhookId, deliveryId: $deliveryId) { id eventId status }\n  }\n": types.RedeliverWebhookDocument,
    "\n  mutation SetOwnerPassword($input: SetConsolePasswordInput!) {\n    setOwnerPassword(input: $input) { id email role tenantId passwordChangedAt createdAt }\n  }\n": types.SetOwnerPasswordDocument,
    "\n  mutation SetOperatorPassword($input: SetConsolePasswordInput!) {\n    setOperatorPassword(input: $input) { id email role tenantId passwordChangedAt createdAt }\n  }\n": types.SetOperatorPasswordDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RegisterTenant($input: RegisterTenantInput!) {\n    registerTenant(input: $input) {\n      key\n      apiKey { id prefix scopes environment }\n      tenant {\n        id name email status plan storageQuota storageUsed\n        settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RegisterTenant($input: RegisterTenantInput!) {\n    registerTenant(input: $input) {\n      key\n      apiKey { id prefix scopes environment }\n      tenant {\n        id name email status plan storageQuota storageUsed\n        settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CurrentTenant {\n    tenant {\n      id name email description business logo plan status storageQuota storageUsed retrieverEngines createdAt updatedAt deletedAt\n      settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }\n      stats { user_count conversation_count total_interactions storage_bytes }\n    }\n  }\n"): (typeof documents)["\n  query CurrentTenant {\n    tenant {\n      id name email description business logo plan status storageQuota storageUsed retrieverEngines createdAt updatedAt deletedAt\n      settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }\n      stats { user_count conversation_count total_interactions storage_bytes }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTenant($input: UpdateTenantInput!) {\n    updateTenant(input: $input) {\n      id name email description logo\n      settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateTenant($input: UpdateTenantInput!) {\n    updateTenant(input: $input) {\n      id name email description logo\n      settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys($includeRevoked: Boolean! = false) {\n    apiKeys(includeRevoked: $includeRevoked) { id name prefix scopes environment createdAt expiresAt lastUsedAt revokedAt }\n  }\n"): (typeof documents)["\n  query ApiKeys($includeRevoked: Boolean! = false) {\n    apiKeys(includeRevoked: $includeRevoked) { id name prefix scopes environment createdAt expiresAt lastUsedAt revokedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      key\n      apiKey { id name prefix scopes environment createdAt expiresAt }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      key\n      apiKey { id name prefix scopes environment createdAt expiresAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: UUID!) {\n    revokeApiKey(id: $id) { id revokedAt }\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($id: UUID!) {\n    revokeApiKey(id: $id) { id revokedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Tenants($first: Int! = 20, $after: String, $filter: TenantFilter) {\n    tenants(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id name email plan status deletedAt } }\n    }\n  }\n"): (typeof documents)["\n  query Tenants($first: Int! = 20, $after: String, $filter: TenantFilter) {\n    tenants(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id name email plan status deletedAt } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantById($id: UUID!) {\n    tenantById(id: $id) { id name status plan storageQuota deletedAt }\n  }\n"): (typeof documents)["\n  query TenantById($id: UUID!) {\n    tenantById(id: $id) { id name status plan storageQuota deletedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) { key apiKey { id scopes } tenant { id name plan storageQuota status } }\n  }\n"): (typeof documents)["\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) { key apiKey { id scopes } tenant { id name plan storageQuota status } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTenantById($id: UUID!, $input: UpdateTenantInput!) {\n    updateTenantById(id: $id, input: $input) { id name plan status storageQuota }\n  }\n"): (typeof documents)["\n  mutation UpdateTenantById($id: UUID!, $input: UpdateTenantInput!) {\n    updateTenantById(id: $id, input: $input) { id name plan status storageQuota }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SuspendTenant($id: UUID!) { suspendTenant(id: $id) { id status } }\n"): (typeof documents)["\n  mutation SuspendTenant($id: UUID!) { suspendTenant(id: $id) { id status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReactivateTenant($id: UUID!) { reactivateTenant(id: $id) { id status } }\n"): (typeof documents)["\n  mutation ReactivateTenant($id: UUID!) { reactivateTenant(id: $id) { id status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteTenant($id: UUID!) { deleteTenant(id: $id) { id status deletedAt } }\n"): (typeof documents)["\n  mutation DeleteTenant($id: UUID!) { deleteTenant(id: $id) { id status deletedAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PurgeTenant($id: UUID!) { purgeTenant(id: $id) }\n"): (typeof documents)["\n  mutation PurgeTenant($id: UUID!) { purgeTenant(id: $id) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantSettings { tenantSettings { id name value updatedAt } }\n"): (typeof documents)["\n  query TenantSettings { tenantSettings { id name value updatedAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetTenantSetting($name: String!, $value: String!) { setTenantSetting(name: $name, value: $value) { id name value } }\n"): (typeof documents)["\n  mutation SetTenantSetting($name: String!, $value: String!) { setTenantSetting(name: $name, value: $value) { id name value } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteTenantSetting($name: String!) { deleteTenantSetting(name: $name) { id name } }\n"): (typeof documents)["\n  mutation DeleteTenantSetting($name: String!) { deleteTenantSetting(name: $name) { id name } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RenameApiKey($id: UUID!, $name: String!) { renameApiKey(id: $id, name: $name) { id name } }\n"): (typeof documents)["\n  mutation RenameApiKey($id: UUID!, $name: String!) { renameApiKey(id: $id, name: $name) { id name } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateApiKey($id: UUID!, $graceSeconds: Int! = 0) {\n    rotateApiKey(id: $id, graceSeconds: $graceSeconds) {\n      key\n      apiKey { id name scopes expiresAt }\n      previous { id rotatedAt replacedById expiresAt revokedAt }\n    }\n  }\n"): (typeof documents)["\n  mutation RotateApiKey($id: UUID!, $graceSeconds: Int! = 0) {\n    rotateApiKey(id: $id, graceSeconds: $graceSeconds) {\n      key\n      apiKey { id name scopes expiresAt }\n      previous { id rotatedAt replacedById expiresAt revokedAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReportLeakedKey($key: String!) { reportLeakedKey(key: $key) }\n"): (typeof documents)["\n  mutation ReportLeakedKey($key: String!) { reportLeakedKey(key: $key) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OperatorKeys { operatorKeys { id name scopes prefix } }\n"): (typeof documents)["\n  query OperatorKeys { operatorKeys { id name scopes prefix } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateOperatorKey($input: CreateOperatorKeyInput!) { createOperatorKey(input: $input) { key apiKey { id scopes } } }\n"): (typeof documents)["\n  mutation CreateOperatorKey($input: CreateOperatorKeyInput!) { createOperatorKey(input: $input) { key apiKey { id scopes } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeOperatorKey($id: UUID!) { revokeOperatorKey(id: $id) { id revokedAt } }\n"): (typeof documents)["\n  mutation RevokeOperatorKey($id: UUID!) { revokeOperatorKey(id: $id) { id revokedAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditEvents($first: Int! = 50, $after: String, $filter: AuditFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id tenantId actorType actorKeyId action targetType targetId changes createdAt } }\n    }\n  }\n"): (typeof documents)["\n  query AuditEvents($first: Int! = 50, $after: String, $filter: AuditFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { id tenantId actorType actorKeyId action targetType targetId changes createdAt } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantConfig {\n    tenantConfig {\n      version createdAt restoredFrom document credentials\n      routes { path method description target }\n      rateLimit { enabled default { max windowMs } routes }\n      cache { enabled ttlSeconds }\n      webhooks { url events secret enabled }\n    }\n  }\n"): (typeof documents)["\n  query TenantConfig {\n    tenantConfig {\n      version createdAt restoredFrom document credentials\n      routes { path method description target }\n      rateLimit { enabled default { max windowMs } routes }\n      cache { enabled ttlSeconds }\n      webhooks { url events secret enabled }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantConfigHistory($first: Int! = 20, $before: Int) {\n    tenantConfigHistory(first: $first, before: $before) { version restoredFrom document }\n  }\n"): (typeof documents)["\n  query TenantConfigHistory($first: Int! = 20, $before: Int) {\n    tenantConfigHistory(first: $first, before: $before) { version restoredFrom document }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SaveTenantConfig($document: JSONObject!) { saveTenantConfig(document: $document) { version document } }\n"): (typeof documents)["\n  mutation SaveTenantConfig($document: JSONObject!) { saveTenantConfig(document: $document) { version document } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RollbackTenantConfig($version: Int!) { rollbackTenantConfig(version: $version) { version restoredFrom document } }\n"): (typeof documents)["\n  mutation RollbackTenantConfig($version: Int!) { rollbackTenantConfig(version: $version) { version restoredFrom document } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Secrets { secrets { name createdAt updatedAt } }\n"): (typeof documents)["\n  query Secrets { secrets { name createdAt updatedAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SecretValue($name: String!) { secretValue(name: $name) }\n"): (typeof documents)["\n  query SecretValue($name: String!) { secretValue(name: $name) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StoreSecret($name: String!, $value: String!) { storeSecret(name: $name, value: $value) { name createdAt } }\n"): (typeof documents)["\n  mutation StoreSecret($name: String!, $value: String!) { storeSecret(name: $name, value: $value) { name createdAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteSecret($name: String!) { deleteSecret(name: $name) { name } }\n"): (typeof documents)["\n  mutation DeleteSecret($name: String!) { deleteSecret(name: $name) { name } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantLimits { tenant { id plan limits { apiCalls llmTokens storage } } }\n"): (typeof documents)["\n  query TenantLimits { tenant { id plan limits { apiCalls llmTokens storage } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Rbac { rbac { enabled defaultRole roles { name description permissions inherits } } }\n"): (typeof documents)["\n  query Rbac { rbac { enabled defaultRole roles { name description permissions inherits } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserRoles($userId: String!) { userRoles(userId: $userId) { userId roles defaultRole } }\n"): (typeof documents)["\n  query UserRoles($userId: String!) { userRoles(userId: $userId) { userId roles defaultRole } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CheckPermission($userId: String!, $permission: String!) {\n    checkPermission(userId: $userId, permission: $permission) { allowed enabled role viaDefaultRole grantedBy via matched reason }\n  }\n"): (typeof documents)["\n  query CheckPermission($userId: String!, $permission: String!) {\n    checkPermission(userId: $userId, permission: $permission) { allowed enabled role viaDefaultRole grantedBy via matched reason }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateRbacSettings($enabled: Boolean, $defaultRole: String) {\n    updateRbacSettings(enabled: $enabled, defaultRole: $defaultRole) { enabled defaultRole }\n  }\n"): (typeof documents)["\n  mutation UpdateRbacSettings($enabled: Boolean, $defaultRole: String) {\n    updateRbacSettings(enabled: $enabled, defaultRole: $defaultRole) { enabled defaultRole }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateRole($input: CreateRoleInput!) { createRole(input: $input) { name description permissions inherits } }\n"): (typeof documents)["\n  mutation CreateRole($input: CreateRoleInput!) { createRole(input: $input) { name description permissions inherits } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateRole($name: String!, $input: UpdateRoleInput!) { updateRole(name: $name, input: $input) { name permissions inherits } }\n"): (typeof documents)["\n  mutation UpdateRole($name: String!, $input: UpdateRoleInput!) { updateRole(name: $name, input: $input) { name permissions inherits } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteRole($name: String!) { deleteRole(name: $name) }\n"): (typeof documents)["\n  mutation DeleteRole($name: String!) { deleteRole(name: $name) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetUserRoles($userId: String!, $roles: [String!]!) { setUserRoles(userId: $userId, roles: $roles) { userId roles defaultRole } }\n"): (typeof documents)["\n  mutation SetUserRoles($userId: String!, $roles: [String!]!) { setUserRoles(userId: $userId, roles: $roles) { userId roles defaultRole } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ResourceLimits { resourceLimits { resource metric period limit tiers gateAction scope } }\n"): (typeof documents)["\n  query ResourceLimits { resourceLimits { resource metric period limit tiers gateAction scope } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LimitUsage($userId: String) { limitUsage(userId: $userId) { resource metric period current limit percentage scope } }\n"): (typeof documents)["\n  query LimitUsage($userId: String) { limitUsage(userId: $userId) { resource metric period current limit percentage scope } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CheckLimit($input: UsageInput!) { checkLimit(input: $input) { allowed gateAction usage { current limit } remaining rule { period } } }\n"): (typeof documents)["\n  query CheckLimit($input: UsageInput!) { checkLimit(input: $input) { allowed gateAction usage { current limit } remaining rule { period } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetResourceLimits($limits: [ResourceLimitInput!]!) { setResourceLimits(limits: $limits) { resource metric period limit gateAction scope } }\n"): (typeof documents)["\n  mutation SetResourceLimits($limits: [ResourceLimitInput!]!) { setResourceLimits(limits: $limits) { resource metric period limit gateAction scope } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TrackUsage($input: UsageInput!) { trackUsage(input: $input) { allowed usage { current limit } replayed } }\n"): (typeof documents)["\n  mutation TrackUsage($input: UsageInput!) { trackUsage(input: $input) { allowed usage { current limit } replayed } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsumeLimit($input: UsageInput!) { consumeLimit(input: $input) { allowed usage { current limit } } }\n"): (typeof documents)["\n  mutation ConsumeLimit($input: UsageInput!) { consumeLimit(input: $input) { allowed usage { current limit } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsageSummary($period: String) { usageSummary(period: $period) { period api_calls llm_tokens storage_bytes bandwidth_bytes } }\n"): (typeof documents)["\n  query UsageSummary($period: String) { usageSummary(period: $period) { period api_calls llm_tokens storage_bytes bandwidth_bytes } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsageHistory($period: String) { usageHistory(period: $period) { date api_calls llm_tokens } }\n"): (typeof documents)["\n  query UsageHistory($period: String) { usageHistory(period: $period) { date api_calls llm_tokens } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantsWithStats($first: Int!, $filter: TenantFilter) {\n    tenants(first: $first, filter: $filter) { edges { node { id stats { user_count conversation_count total_interactions storage_bytes } } } }\n  }\n"): (typeof documents)["\n  query TenantsWithStats($first: Int!, $filter: TenantFilter) {\n    tenants(first: $first, filter: $filter) { edges { node { id stats { user_count conversation_count total_interactions storage_bytes } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EventCatalog { eventCatalog { type description } }\n"): (typeof documents)["\n  query EventCatalog { eventCatalog { type description } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Events($first: Int! = 50, $type: String) { events(first: $first, type: $type) { events { id type tenant_id occurred_at data } nextCursor } }\n"): (typeof documents)["\n  query Events($first: Int! = 50, $type: String) { events(first: $first, type: $type) { events { id type tenant_id occurred_at data } nextCursor } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PublishEvent($type: String!, $data: JSONObject) { publishEvent(type: $type, data: $data) { id type tenant_id occurred_at data } }\n"): (typeof documents)["\n  mutation PublishEvent($type: String!, $data: JSONObject) { publishEvent(type: $type, data: $data) { id type tenant_id occurred_at data } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Webhooks { webhooks { id url description events source enabled status disabledReason failingSince previousSecretExpiresAt createdAt updatedAt } }\n"): (typeof documents)["\n  query Webhooks { webhooks { id url description events source enabled status disabledReason failingSince previousSecretExpiresAt createdAt updatedAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Webhook($id: String!) { webhook(id: $id) { id url events source enabled status } }\n"): (typeof documents)["\n  query Webhook($id: String!) { webhook(id: $id) { id url events source enabled status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookSecret($id: String!) { webhookSecret(id: $id) }\n"): (typeof documents)["\n  query WebhookSecret($id: String!) { webhookSecret(id: $id) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($webhookId: String!, $first: Int, $after: String, $status: String) {\n    webhookDeliveries(webhookId: $webhookId, first: $first, after: $after, status: $status) {\n      deliveries {\n        id eventId eventType status attempts nextAttemptAt lastAttemptAt lastStatusCode lastLatencyMs lastError createdAt\n        log { attempt startedAt success statusCode latencyMs error responseBody }\n      }\n      nextCursor\n    }\n  }\n"): (typeof documents)["\n  query WebhookDeliveries($webhookId: String!, $first: Int, $after: String, $status: String) {\n    webhookDeliveries(webhookId: $webhookId, first: $first, after: $after, status: $status) {\n      deliveries {\n        id eventId eventType status attempts nextAttemptAt lastAttemptAt lastStatusCode lastLatencyMs lastError createdAt\n        log { attempt startedAt success statusCode latencyMs error responseBody }\n      }\n      nextCursor\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) { secret webhook { id url description events source enabled status } }\n  }\n"): (typeof documents)["\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) { secret webhook { id url description events source enabled status } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateWebhook($id: String!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) { id url description events enabled status disabledReason }\n  }\n"): (typeof documents)["\n  mutation UpdateWebhook($id: String!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) { id url description events enabled status disabledReason }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhook($id: String!) { deleteWebhook(id: $id) { id } }\n"): (typeof documents)["\n  mutation DeleteWebhook($id: String!) { deleteWebhook(id: $id) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateWebhookSecret($id: String!, $graceSeconds: Int) {\n    rotateWebhookSecret(id: $id, graceSeconds: $graceSeconds) { secret webhook { id previousSecretExpiresAt } }\n  }\n"): (typeof documents)["\n  mutation RotateWebhookSecret($id: String!, $graceSeconds: Int) {\n    rotateWebhookSecret(id: $id, graceSeconds: $graceSeconds) { secret webhook { id previousSecretExpiresAt } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RedeliverWebhook($webhookId: String!, $deliveryId: String!) {\n    redeliverWebhook(webhookId: $webhookId, deliveryId: $deliveryId) { id eventId status }\n  }\n"): (typeof documents)["\n  mutation RedeliverWebhook($webhookId: String!, $deliveryId: String!) {\n    redeliverWebhook(webhookId: $webhookId, deliveryId: $deliveryId) { id eventId status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetOwnerPassword($input: SetConsolePasswordInput!) {\n    setOwnerPassword(input: $input) { id email role tenantId passwordChangedAt createdAt }\n  }\n"): (typeof documents)["\n  mutation SetOwnerPassword($input: SetConsolePasswordInput!) {\n    setOwnerPassword(input: $input) { id email role tenantId passwordChangedAt createdAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetOperatorPassword($input: SetConsolePasswordInput!) {\n    setOperatorPassword(input: $input) { id email role tenantId passwordChangedAt createdAt }\n  }\n"): (typeof documents)["\n  mutation SetOperatorPassword($input: SetConsolePasswordInput!) {\n    setOperatorPassword(input: $input) { id email role tenantId passwordChangedAt createdAt }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;