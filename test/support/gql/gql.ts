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
};
const documents: Documents = {
    "\n  mutation RegisterTenant($input: RegisterTenantInput!) {\n    registerTenant(input: $input) {\n      key\n      apiKey { id prefix scopes environment }\n      tenant {\n        id name email status plan storageQuota storageUsed\n        settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }\n      }\n    }\n  }\n": types.RegisterTenantDocument,
    "\n  query CurrentTenant {\n    tenant {\n      id name email description business logo plan status storageQuota storageUsed retrieverEngines createdAt updatedAt deletedAt\n      settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }\n      stats { user_count conversation_count total_interactions storage_bytes }\n    }\n  }\n": types.CurrentTenantDocument,
    "\n  mutation UpdateTenant($input: UpdateTenantInput!) {\n    updateTenant(input: $input) {\n      id name email description logo\n      settings { retention_days batch_size max_conversations_per_user max_users encryption_mode webhook_url webhook_events }\n    }\n  }\n": types.UpdateTenantDocument,
    "\n  query ApiKeys($includeRevoked: Boolean! = false) {\n    apiKeys(includeRevoked: $includeRevoked) { id name prefix scopes environment createdAt expiresAt lastUsedAt revokedAt }\n  }\n": types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      key\n      apiKey { id name prefix scopes environment createdAt expiresAt }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: UUID!) {\n    revokeApiKey(id: $id) { id revokedAt }\n  }\n": types.RevokeApiKeyDocument,
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

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;