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
