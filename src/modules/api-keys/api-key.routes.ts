import type { ApiKey } from './api-key.entity';
import { iso, queryFlag, type RestRoute } from '../../rest/route-table';

export const KEY_SHOWN_ONCE = 'Save your API key securely. It will not be shown again.';

/** An API key as the memory API documents it (never the key itself). */
export function apiKeyJson(key: ApiKey) {
  return {
    key_id: key.id,
    api_key_prefix: key.prefix,
    name: key.name,
    scopes: key.scopes,
    environment: key.environment,
    created_at: iso(key.createdAt),
    expires_at: iso(key.expiresAt),
    last_used_at: iso(key.lastUsedAt),
    revoked_at: iso(key.revokedAt),
  };
}

export const apiKeyRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/api/v1/api-keys',
    operation: 'createApiKey',
    status: 201,
    source: 'memory API 000/001 (+ expiresAt of the business platform 004)',
    body: { name: 'name', scopes: 'scopes', expires_at: 'expiresAt', expiresAt: 'expiresAt', environment: 'environment' },
    async handle(s, ctx, req) {
      const { key, apiKey } = await s.apiKeys.create(ctx, req.input);
      return { ...apiKeyJson(apiKey), api_key: key, message: KEY_SHOWN_ONCE };
    },
  },
  {
    method: 'GET',
    path: '/api/v1/api-keys',
    operation: 'listApiKeys',
    source: 'memory API 000 (listing added)',
    async handle(s, ctx, req) {
      const keys = await s.apiKeys.list(ctx, { includeRevoked: queryFlag(req.query.include_revoked, 'include_revoked') });
      return { api_keys: keys.map(apiKeyJson) };
    },
  },
  {
    method: 'DELETE',
    path: '/api/v1/api-keys/:id',
    operation: 'revokeApiKey',
    source: 'memory API 000 (revocation added)',
    async handle(s, ctx, req) {
      const key = await s.apiKeys.revoke(ctx, req.params.id);
      return { ...apiKeyJson(key), success: true, message: 'API key revoked' };
    },
  },
];
