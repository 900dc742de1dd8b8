import { z } from 'zod';

/**
 * The REST layer's answers, one schema per shape. They document each route in /openapi.json,
 * Fastify serializes answers with them (fast-json-stringify), and outside production every
 * answer is checked against its schema, so a field added to a handler but not here fails a test
 * instead of silently vanishing from the answer.
 */
const time = z.string().describe('ISO 8601 timestamp');
const nullableTime = time.nullable();
const uuid = z.string().describe('UUID');
const json = z.unknown();
const object = z.record(z.string(), json);

export const ok = (message: string) => z.strictObject({ success: z.literal(true), message: z.string().describe(message) });

// Tenants.
const settings = z.looseObject({}).describe('tenant settings, in the documented key order');
const stats = z.strictObject({ user_count: z.number(), conversation_count: z.number(), total_interactions: z.number(), storage_bytes: z.number() });
const status = z.enum(['active', 'suspended', 'deleted']);
export const knowledgeBaseTenant = z.strictObject({
  id: uuid,
  name: z.string(),
  description: z.string().nullable(),
  api_key: z.string().nullable().describe('null: only the registration answer shows the key'),
  status,
  retriever_engines: json.describe('as stored'),
  business: json.describe('as stored'),
  storage_quota: z.number(),
  storage_used: z.number(),
  created_at: nullableTime,
  updated_at: nullableTime,
  deleted_at: nullableTime,
});
export const tenant = z.strictObject({
  tenant_id: uuid,
  ...knowledgeBaseTenant.shape,
  email: z.string().nullable(),
  logo: z.string().nullable(),
  plan: z.string(),
  settings,
  stats,
});
export const businessTenant = z.strictObject({
  id: uuid,
  name: z.string(),
  logo: z.string().nullable(),
  status,
  plan: z.string(),
  createdAt: nullableTime,
  updatedAt: nullableTime,
});
export const envelope = <T extends z.ZodType>(data: T) => z.strictObject({ data, success: z.literal(true) });
export const tenantPage = envelope(z.strictObject({ items: z.array(knowledgeBaseTenant), total: z.number(), next_cursor: z.string().nullable() }));
export const registration = z.strictObject({
  tenant_id: uuid,
  api_key: z.string().describe('shown once'),
  api_key_prefix: z.string(),
  message: z.string(),
  data: knowledgeBaseTenant,
  success: z.literal(true),
});
export const businessRegistration = z.strictObject({ ...businessTenant.shape, apiKey: z.string().describe('shown once'), apiKeyPrefix: z.string(), message: z.string() });
export const businessDeleted = z.strictObject({ ...businessTenant.shape, deletedAt: nullableTime, message: z.string() });
export const purged = z.strictObject({ id: uuid, message: z.string(), success: z.literal(true) });

// API keys.
export const apiKey = z.strictObject({
  key_id: uuid,
  api_key_prefix: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  environment: z.enum(['live', 'test']),
  created_at: nullableTime,
  expires_at: nullableTime,
  last_used_at: nullableTime,
  revoked_at: nullableTime,
  rotated_at: nullableTime,
  replaced_by: uuid.nullable(),
});
export const createdKey = z.strictObject({ ...apiKey.shape, api_key: z.string().describe('shown once'), message: z.string() });
export const rotatedKey = z.strictObject({ ...createdKey.shape, previous: apiKey });
export const revokedKey = z.strictObject({ ...apiKey.shape, success: z.literal(true), message: z.string() });
export const keyList = z.strictObject({ api_keys: z.array(apiKey) });
export const businessKey = z.strictObject({
  id: uuid,
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  tenantId: uuid.nullable(),
  expiresAt: nullableTime,
  lastUsedAt: nullableTime,
  revokedAt: nullableTime,
  createdAt: nullableTime,
});
export const businessCreatedKey = z.strictObject({ ...businessKey.shape, apiKey: z.string().describe('shown once'), message: z.string() });

// Settings (business platform).
export const setting = z.strictObject({ id: uuid, name: z.string(), value: z.string(), tenantId: uuid, createdAt: nullableTime, updatedAt: nullableTime });

// Gateway configuration, secrets, info.
export const configDocument = object.describe('the stored configuration document, as saved');
export const configSaved = z.strictObject({ success: z.literal(true), message: z.string(), version: z.number() });
export const secretNames = z.strictObject({ secrets: z.array(z.string()) });
export const secretValue = z.strictObject({ key: z.string(), value: z.string() });
export const tenantInfo = z.strictObject({
  id: uuid,
  name: z.string(),
  plan: z.string(),
  createdAt: nullableTime,
  limits: z.strictObject({ apiCalls: z.number(), llmTokens: z.number(), storage: z.number() }),
});

// RBAC.
const role = z.strictObject({ name: z.string(), description: z.string().nullable(), permissions: z.array(z.string()), inherits: z.string().nullable() });
export const rbac = z.strictObject({ enabled: z.boolean(), defaultRole: z.string(), roles: z.array(role) });
export { role };
export const userRoles = z.strictObject({ userId: z.string(), roles: z.array(z.string()), defaultRole: z.boolean() });
export const rbacCheck = z.strictObject({
  allowed: z.boolean(),
  enabled: z.boolean(),
  userId: z.string(),
  permission: z.string(),
  role: z.string().nullable(),
  viaDefaultRole: z.boolean(),
  grantedBy: z.string().nullable(),
  via: z.array(z.string()),
  matched: z.string().nullable(),
  reason: z.string(),
});

// Limits and usage.
const limit = z.number().describe('-1: unlimited');
export const definitions = z.array(
  z.strictObject({
    resource: z.string(),
    metric: z.string(),
    period: z.string(),
    limit,
    tiers: z.record(z.string(), limit).optional(),
    gateAction: z.string(),
    scope: z.enum(['tenant', 'user']),
  }),
);
export const limitUsage = z.array(
  z.strictObject({
    resource: z.string(),
    metric: z.string(),
    period: z.string(),
    current: z.number(),
    limit,
    percentage: z.number(),
    scope: z.enum(['tenant', 'user']),
    resetAt: nullableTime,
  }),
);
export const limitAnswer = z.strictObject({
  allowed: z.boolean(),
  gateAction: z.string(),
  usage: z.strictObject({ current: z.number(), limit: z.number().nullable() }),
  remaining: z.number().nullable(),
  resetAt: nullableTime,
  rule: z.strictObject({ resource: z.string(), metric: z.string(), period: z.string(), scope: z.string() }).nullable(),
  rules: z.array(
    z.strictObject({
      resource: z.string(),
      metric: z.string(),
      period: z.string(),
      scope: z.enum(['tenant', 'user']),
      gateAction: z.string(),
      current: z.number(),
      limit,
      remaining: z.number().nullable(),
      exceeded: z.boolean(),
      resetAt: nullableTime,
    }),
  ),
  replayed: z.boolean().optional().describe('track and consume with an idempotency key: this answer is a replay'),
});
export const usageSummary = z.strictObject({
  tenant_id: uuid,
  period: z.string(),
  api_calls: z.number(),
  llm_tokens: z.number(),
  storage_bytes: z.number(),
  bandwidth_bytes: z.number(),
});
export const gauges = z.strictObject({ storage_bytes: z.number().optional(), user_count: z.number().optional() });
export const usageHistory = z.strictObject({
  history: z.array(z.strictObject({ date: z.string(), api_calls: z.number(), llm_tokens: z.number(), bandwidth_bytes: z.number() })),
});

// Events and audit.
export const event = z.strictObject({ type: z.string(), id: uuid, tenant_id: uuid, occurred_at: time, data: object });
export const eventPage = z.strictObject({ events: z.array(event), next_cursor: z.string().nullable() });
export const eventCatalog = z.strictObject({ events: z.array(z.strictObject({ type: z.string(), description: z.string() })) });
export const auditPage = z.strictObject({
  events: z.array(
    z.strictObject({
      id: uuid,
      tenant_id: uuid.nullable(),
      actor: z.strictObject({ type: z.string(), key_id: uuid.nullable(), key_prefix: z.string().nullable() }),
      action: z.string(),
      target: z.strictObject({ type: z.string(), id: z.string().nullable() }),
      changes: json.describe('before and after, secrets never shown'),
      ip: z.string().nullable(),
      request_id: z.string().nullable(),
      created_at: nullableTime,
    }),
  ),
  next_cursor: z.string().nullable(),
});

// Console sign-in (never the password or its hash).
export const consoleLogin = z.strictObject({
  id: uuid,
  email: z.string(),
  role: z.enum(['owner', 'operator']),
  tenant_id: uuid.nullable(),
  password_changed_at: nullableTime,
  created_at: nullableTime,
});

// Webhooks.
export const webhook = z.strictObject({
  id: uuid,
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.string()),
  source: z.enum(['api', 'settings']),
  enabled: z.boolean(),
  status: z.string(),
  disabled_reason: z.string().nullable(),
  failing_since: nullableTime,
  previous_secret_expires_at: nullableTime,
  created_at: nullableTime,
  updated_at: nullableTime,
});
export const webhookWithSecret = z.strictObject({ ...webhook.shape, secret: z.string().describe('whsec_..., shown here and to webhooks:write') });
export const webhookList = z.strictObject({ webhooks: z.array(webhook) });
export const webhookSecret = z.strictObject({ secret: z.string() });
export const delivery = z.strictObject({
  id: uuid,
  event_id: uuid,
  event_type: z.string(),
  status: z.string(),
  attempts: z.number(),
  next_attempt_at: nullableTime,
  last_attempt_at: nullableTime,
  last_status_code: z.number().nullable(),
  last_latency_ms: z.number().nullable(),
  last_error: z.string().nullable(),
  created_at: nullableTime,
  log: z.array(
    z.strictObject({
      attempt: z.number(),
      started_at: nullableTime,
      success: z.boolean(),
      status_code: z.number().nullable(),
      latency_ms: z.number().nullable(),
      error: z.string().nullable(),
      response_body: z.string().nullable(),
    }),
  ),
});
export const deliveryPage = z.strictObject({ deliveries: z.array(delivery), next_cursor: z.string().nullable() });

/** Every error answer, REST-wide. */
export const error = z.looseObject({
  error: z.string().describe('the HTTP reason phrase'),
  message: z.string(),
  field: z.string().optional().describe('the input field at fault, when one is'),
  problems: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
  requiredScope: z.string().optional(),
  retryAfter: z.number().optional(),
  request_id: z.string().optional(),
});
