import { createKeySchema, leakedSchema, operatorKeySchema, renameSchema, rotateSchema } from './api-key.service';
import { z } from 'zod';
import * as R from '../../rest/responses';
import { iso, queryFlag, type RestRoute } from '../../rest/route-table';
import type { ApiKey } from './api-key.entity';

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
    rotated_at: iso(key.rotatedAt),
    replaced_by: key.replacedById ?? null,
  };
}

/** The business platform's tenant API key (camelCase); `apiKey` only in the creation answer. */
export function businessKeyJson(key: ApiKey) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    tenantId: key.tenant?.id ?? null,
    expiresAt: iso(key.expiresAt),
    lastUsedAt: iso(key.lastUsedAt),
    revokedAt: iso(key.revokedAt),
    createdAt: iso(key.createdAt),
  };
}

const CREATE_FIELDS = { name: 'name', scopes: 'scopes', expires_at: 'expiresAt', expiresAt: 'expiresAt', environment: 'environment' };

export const apiKeyRoutes: RestRoute[] = [
  // The memory API (000/001).
  {
    method: 'POST',
    path: '/api/v1/api-keys',
    input: createKeySchema,
    response: R.createdKey,
    operation: 'createApiKey',
    status: 201,
    source: 'memory API 000/001',
    body: CREATE_FIELDS,
    async handle(s, ctx, req) {
      const { key, apiKey } = await s.apiKeys.create(ctx, req.input);
      return { ...apiKeyJson(apiKey), api_key: key, message: KEY_SHOWN_ONCE };
    },
  },
  {
    method: 'GET',
    path: '/api/v1/api-keys',
    response: R.keyList,
    flags: { include_revoked: 'also list revoked keys' },
    operation: 'listApiKeys',
    source: 'added',
    async handle(s, ctx, req) {
      const keys = await s.apiKeys.list(ctx, { includeRevoked: queryFlag(req.query.include_revoked, 'include_revoked') });
      return { api_keys: keys.map(apiKeyJson) };
    },
  },
  {
    method: 'PATCH',
    path: '/api/v1/api-keys/:id',
    input: renameSchema,
    response: R.apiKey,
    operation: 'renameApiKey',
    source: 'added',
    body: { name: 'name' },
    handle: async (s, ctx, req) => apiKeyJson(await s.apiKeys.rename(ctx, req.params.id, req.input)),
  },
  {
    method: 'POST',
    path: '/api/v1/api-keys/:id/rotate',
    input: rotateSchema,
    response: R.rotatedKey,
    operation: 'rotateApiKey',
    status: 201,
    source: 'added',
    body: { grace_seconds: 'graceSeconds', graceSeconds: 'graceSeconds' },
    async handle(s, ctx, req) {
      const { key, apiKey, previous } = await s.apiKeys.rotate(ctx, req.params.id, req.input);
      return { ...apiKeyJson(apiKey), api_key: key, message: KEY_SHOWN_ONCE, previous: apiKeyJson(previous) };
    },
  },
  {
    method: 'DELETE',
    path: '/api/v1/api-keys/:id',
    response: R.revokedKey,
    operation: 'revokeApiKey',
    source: 'added',
    async handle(s, ctx, req) {
      const key = await s.apiKeys.revoke(ctx, req.params.id);
      return { ...apiKeyJson(key), success: true, message: 'API key revoked' };
    },
  },
  {
    method: 'POST',
    path: '/api/v1/api-keys/leaked',
    input: leakedSchema,
    response: R.ok('Report received'),
    operation: 'reportLeakedKey',
    status: 202,
    source: 'added (for secret scanners)',
    body: { key: 'key' },
    async handle(s, ctx, req) {
      await s.apiKeys.reportLeaked(ctx, req.input);
      return { success: true, message: 'Report received; a matching key is revoked' };
    },
  },

  // The business platform (004).
  {
    method: 'GET',
    path: '/api/tenant-api-key',
    response: z.array(R.businessKey),
    operation: 'listApiKeys',
    source: 'business platform 004',
    handle: async (s, ctx) => (await s.apiKeys.list(ctx)).map(businessKeyJson),
  },
  {
    method: 'POST',
    path: '/api/tenant-api-key',
    input: createKeySchema,
    response: R.businessCreatedKey,
    operation: 'createApiKey',
    status: 201,
    source: 'business platform 004',
    body: CREATE_FIELDS,
    async handle(s, ctx, req) {
      const { key, apiKey } = await s.apiKeys.create(ctx, req.input);
      return { ...businessKeyJson(apiKey), apiKey: key, message: KEY_SHOWN_ONCE };
    },
  },
  {
    method: 'DELETE',
    path: '/api/tenant-api-key/:id',
    response: R.businessKey,
    operation: 'revokeApiKey',
    source: 'business platform 004',
    handle: async (s, ctx, req) => businessKeyJson(await s.apiKeys.revoke(ctx, req.params.id)),
  },

  // Operator keys.
  {
    method: 'GET',
    path: '/api/v1/operator-keys',
    response: R.keyList,
    flags: { include_revoked: 'also list revoked keys' },
    operation: 'listOperatorKeys',
    source: 'added (operators)',
    async handle(s, ctx, req) {
      const keys = await s.apiKeys.listOperatorKeys(ctx, { includeRevoked: queryFlag(req.query.include_revoked, 'include_revoked') });
      return { api_keys: keys.map(apiKeyJson) };
    },
  },
  {
    method: 'POST',
    path: '/api/v1/operator-keys',
    input: operatorKeySchema,
    response: R.createdKey,
    operation: 'createOperatorKey',
    status: 201,
    source: 'added (operators)',
    body: { name: 'name', expires_at: 'expiresAt', expiresAt: 'expiresAt' },
    async handle(s, ctx, req) {
      const { key, apiKey } = await s.apiKeys.createOperatorKey(ctx, req.input);
      return { ...apiKeyJson(apiKey), api_key: key, message: KEY_SHOWN_ONCE };
    },
  },
  {
    method: 'DELETE',
    path: '/api/v1/operator-keys/:id',
    response: R.apiKey,
    operation: 'revokeOperatorKey',
    source: 'added (operators)',
    handle: async (s, ctx, req) => apiKeyJson(await s.apiKeys.revokeOperatorKey(ctx, req.params.id)),
  },
];
