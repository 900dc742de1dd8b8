/**
 * The scope catalog. The first eight are the memory API's own; `tenant:admin` implies every
 * tenant-level scope (catalog and custom); `platform:admin` belongs to the operator running
 * Tenantry and can never be granted by a tenant's key.
 */
export const SCOPE_CATALOG = {
  'memory:read': 'Query and retrieve memory context',
  'memory:write': 'Ingest and store memory',
  'users:read': 'List and view users',
  'users:write': 'Create and update users',
  'conversations:read': 'List and view conversations',
  'conversations:write': 'Create and update conversations',
  'tenant:read': 'View tenant information',
  'tenant:admin': 'Full tenant administration (implies every tenant-level scope)',
  'config:read': "Read the tenant's gateway configuration and its history",
  'config:write': 'Save and roll back the gateway configuration',
  'secrets:read': "Read secret values (every read is audited)",
  'secrets:write': 'Store and delete secrets',
  'audit:read': "Read the tenant's audit trail",
  'rbac:read': "Read the tenant's end-user roles and assignments",
  'rbac:write': 'Change roles, assignments and RBAC settings',
  'rbac:check': "Check an end-user's permission (data-plane services)",
  'limits:read': 'Read resource-limit definitions and their usage',
  'limits:write': 'Change resource-limit definitions',
  'usage:read': 'Read usage summaries and history',
  'usage:write': 'Check, track and consume usage against limits (data-plane services)',
  'events:read': "Read the tenant's events",
  'events:write': 'Publish data-plane events (memory.ingested, ...) for delivery',
  'webhooks:read': "Read the tenant's webhook endpoints and their delivery log",
  'webhooks:write': 'Manage webhook endpoints, read and rotate their signing secrets, redeliver',
  'platform:admin': 'Operate Tenantry itself: every tenant, operator keys',
} as const;

export type CatalogScope = keyof typeof SCOPE_CATALOG;

export const TENANT_ADMIN = 'tenant:admin';
export const PLATFORM_ADMIN = 'platform:admin';

const CATALOG_NAMESPACES = new Set(Object.keys(SCOPE_CATALOG).map((s) => s.split(':')[0]));

/** Custom scopes for data-plane services: `namespace:action`, lowercase. */
export const CUSTOM_SCOPE_PATTERN = /^[a-z][a-z0-9_-]{0,31}:[a-z][a-z0-9_.-]{0,63}$/;

/** Null when `scope` may be put on a key; otherwise why not. */
export function scopeProblem(scope: string): string | null {
  if (Object.hasOwn(SCOPE_CATALOG, scope)) return null;
  if (!CUSTOM_SCOPE_PATTERN.test(scope)) {
    return `"${scope}" is not a valid scope (expected namespace:action, lowercase, e.g. "reports:read")`;
  }
  // A catalog namespace is reserved: `tenant:foo` is a typo, not a custom scope.
  if (CATALOG_NAMESPACES.has(scope.split(':')[0])) return `"${scope}" is not a known scope`;
  return null;
}

/** Does a key holding `held` satisfy `required`? */
export function holdsScope(held: readonly string[], required: string): boolean {
  if (held.includes(PLATFORM_ADMIN)) return true;
  if (held.includes(required)) return true;
  return required !== PLATFORM_ADMIN && held.includes(TENANT_ADMIN);
}

/**
 * `anyOf` lists alternatives, each a list of scopes that must all be held (the
 * `@requiresScopes(scopes: [[String!]!]!)` convention). Returns the first missing scope of the
 * closest alternative, or null when satisfied.
 */
export function missingScopeFor(held: readonly string[], anyOf: readonly (readonly string[])[]): string | null {
  let firstMissing: string | null = null;
  for (const all of anyOf) {
    const missing = all.find((s) => !holdsScope(held, s));
    if (missing === undefined) return null;
    firstMissing ??= missing;
  }
  return firstMissing;
}
