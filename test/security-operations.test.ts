import { expect } from 'vitest';
import { useHarness, type Harness, type Registered } from './support/harness';
import {
  AuditEvents,
  Events,
  PublishEvent,
  CheckLimit,
  ConsumeLimit,
  LimitUsage,
  ResourceLimits,
  SetResourceLimits,
  TrackUsage,
  UsageHistory,
  UsageSummary,
  CheckPermission,
  CreateRole,
  DeleteRole,
  RbacQuery,
  SetUserRoles,
  UpdateRbacSettings,
  UpdateRole,
  UserRolesQuery,
  DeleteSecret,
  RollbackTenantConfig,
  SaveTenantConfig,
  Secrets,
  SecretValue,
  StoreSecret,
  TenantConfigQuery,
  CreateOperatorKey,
  CreateTenant,
  DeleteTenant,
  DeleteTenantSetting,
  OperatorKeys,
  PurgeTenant,
  ReactivateTenant,
  RenameApiKey,
  RevokeOperatorKey,
  RotateApiKey,
  SetTenantSetting,
  SuspendTenant,
  TenantById,
  Tenants,
  TenantSettings,
  UpdateTenantById,
} from './support/operations';
import { securityTests } from './support/security';

/** The four security tests for every operation of the operator, lifecycle and key-lifecycle work. */
const h = useHarness();

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
// Every number in a JSON answer: a figure searched for as text would also match
// inside the random UUIDs the same answer carries.
const numbersIn = (value: unknown): number[] =>
  typeof value === 'number' ? [value]
  : value && typeof value === 'object' ? Object.values(value).flatMap(numbersIn)
  : [];
const statusOf = async (h: Harness, t: Registered) =>
  (await h.sql('select status, deleted_at from tenants where id = ?', [t.tenantId]))[0];
const keyIdsOf = async (h: Harness, t: Registered) =>
  (await h.sql<{ id: string }>('select id from api_keys where tenant_id = ? order by id', [t.tenantId])).map((r) => r.id);
const settingsOf = async (h: Harness, t: Registered) => h.sql('select name, value from tenant_settings where tenant_id = ? order by name', [t.tenantId]);

async function spareKey(h: Harness, t: Registered): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(t.key), payload: { name: 'spare', scopes: ['memory:read'] } });
  return res.json().key_id;
}

async function deleted(h: Harness, t: Registered): Promise<Registered> {
  await h.sql(`update tenants set status = 'deleted', deleted_at = now() where id = ?`, [t.tenantId]);
  return t;
}

/** Operations on "a tenant by id": another tenant's key must learn nothing and change nothing. */
function byIdCrossTenant(method: string, suffix = '') {
  return async (h: Harness, attacker: Registered, victim: Registered) => {
    const before = await statusOf(h, victim);
    const res = await h.app.inject({ method: method as any, url: `/api/v1/tenants/${victim.tenantId}${suffix}`, headers: auth(attacker.key), payload: method === 'PUT' ? { name: 'x' } : undefined });
    expect([403, 404]).toContain(res.statusCode);
    expect(res.body).not.toContain(victim.tenantId);
    expect(await statusOf(h, victim)).toEqual(before);
  };
}

securityTests(h, {
  name: 'listTenants',
  scope: 'tenant:read',
  rest: () => ({ method: 'GET', url: '/api/v1/tenants' }),
  graphql: () => ({ doc: Tenants }),
  verify: (_h, target, body) => expect(body.data.items.map((t: any) => t.id)).toEqual([target.tenantId]),
  verifyGraphql: (_h, target, data) => expect(data.tenants.edges.map((e: any) => e.node.id)).toEqual([target.tenantId]),
  async crossTenant(h, attacker, victim) {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/tenants?search=Test', headers: auth(attacker.key) });
    expect(res.json().data.items.map((t: any) => t.id)).toEqual([attacker.tenantId]);
    const gql = await h.gql(Tenants, { first: 100 }, attacker.key);
    expect(JSON.stringify(gql.data)).not.toContain(victim.tenantId);
    expect(gql.data!.tenants.totalCount).toBe(1);
  },
});

securityTests(h, {
  name: 'getTenantById',
  scope: 'tenant:read',
  rest: (t) => ({ method: 'GET', url: `/api/v1/tenants/${t.tenantId}` }),
  graphql: (t) => ({ doc: TenantById, variables: { id: t.tenantId } }),
  verify: (_h, t, body) => expect(body).toMatchObject({ data: { id: t.tenantId }, success: true }),
  async crossTenant(h, attacker, victim) {
    await byIdCrossTenant('GET')(h, attacker, victim);
    const gql = await h.gql(TenantById, { id: victim.tenantId }, attacker.key);
    expect(gql.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  },
});

securityTests(h, {
  name: 'updateTenantById',
  scope: 'tenant:admin',
  rest: (t) => ({ method: 'PUT', url: `/api/v1/tenants/${t.tenantId}`, payload: { name: 'weknora new' } }),
  graphql: (t) => ({ doc: UpdateTenantById, variables: { id: t.tenantId, input: { name: 'weknora new' } } }),
  verify: (_h, _t, body) => expect(body.data.name).toBe('weknora new'),
  async crossTenant(h, attacker, victim) {
    await byIdCrossTenant('PUT')(h, attacker, victim);
    const gql = await h.gql(UpdateTenantById, { id: victim.tenantId, input: { name: 'pwned' } }, attacker.key);
    expect(gql.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await h.sql('select name from tenants where id = ?', [victim.tenantId]))[0].name).toBe('Test Tenant');
  },
});

securityTests(h, {
  name: 'deleteTenant',
  scope: 'tenant:admin',
  rest: (t) => ({ method: 'DELETE', url: `/api/v1/tenants/${t.tenantId}` }),
  graphql: (t) => ({ doc: DeleteTenant, variables: { id: t.tenantId } }),
  verify: async (h, t, body) => {
    expect(body).toEqual({ message: 'Tenant deleted successfully', success: true });
    expect((await statusOf(h, t)).status).toBe('deleted');
  },
  async crossTenant(h, attacker, victim) {
    await byIdCrossTenant('DELETE')(h, attacker, victim);
    const gql = await h.gql(DeleteTenant, { id: victim.tenantId }, attacker.key);
    expect(gql.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const business = await h.app.inject({ method: 'DELETE', url: '/api/tenant', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId } });
    expect(business.statusCode).toBe(403);
    expect((await statusOf(h, victim)).status).toBe('active');
  },
});

for (const [name, suffix, doc, from] of [
  ['suspendTenant', '/suspend', SuspendTenant, 'active'],
  ['reactivateTenant', '/reactivate', ReactivateTenant, 'suspended'],
] as const) {
  securityTests(h, {
    name,
    scope: 'platform:admin',
    rest: async (t, h) => {
      await h.sql('update tenants set status = ? where id = ?', [from, t.tenantId]);
      return { method: 'POST', url: `/api/v1/tenants/${t.tenantId}${suffix}` };
    },
    graphql: async (t, h) => {
      await h.sql('update tenants set status = ? where id = ?', [from, t.tenantId]);
      return { doc, variables: { id: t.tenantId } };
    },
    verify: async (h, t) => expect((await statusOf(h, t)).status).toBe(from === 'active' ? 'suspended' : 'active'),
    async crossTenant(h, attacker, victim) {
      await byIdCrossTenant('POST', suffix)(h, attacker, victim);
      const gql = await h.gql(doc, { id: victim.tenantId }, attacker.key);
      expect(gql.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    },
  });
}

securityTests(h, {
  name: 'purgeTenant',
  scope: 'platform:admin',
  rest: async (t, h) => ({ method: 'POST', url: `/api/v1/tenants/${(await deleted(h, t)).tenantId}/purge` }),
  graphql: async (t, h) => ({ doc: PurgeTenant, variables: { id: (await deleted(h, t)).tenantId } }),
  verify: async (h, t) => expect(await h.sql('select id from tenants where id = ?', [t.tenantId])).toEqual([]),
  async crossTenant(h, attacker, victim) {
    await deleted(h, victim);
    await byIdCrossTenant('POST', '/purge')(h, attacker, victim);
    expect(await h.sql('select id from tenants where id = ?', [victim.tenantId])).toHaveLength(1);
  },
});

securityTests(h, {
  name: 'createTenant',
  scope: 'platform:admin',
  graphql: () => ({ doc: CreateTenant, variables: { input: { name: 'Enterprise Co', plan: 'enterprise', storageQuota: 0 } } }),
  verifyGraphql: (_h, _t, data) => expect(data.createTenant.tenant).toMatchObject({ plan: 'enterprise', storageQuota: 0 }),
  async crossTenant(h, attacker) {
    const before = (await h.sql('select count(*)::int as n from tenants'))[0].n;
    const gql = await h.gql(CreateTenant, { input: { name: 'x', plan: 'enterprise' } }, attacker.key);
    expect(gql.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await h.sql('select count(*)::int as n from tenants'))[0].n).toBe(before);
  },
});

securityTests(h, {
  name: 'listTenantSettings',
  scope: 'tenant:read',
  rest: () => ({ method: 'GET', url: '/api/tenant-setting' }),
  graphql: () => ({ doc: TenantSettings }),
  async crossTenant(h, attacker, victim) {
    await h.app.inject({ method: 'POST', url: '/api/tenant-setting', headers: auth(victim.key), payload: { name: 'SECRET_PLAN', value: 'v' } });
    const res = await h.app.inject({ method: 'GET', url: '/api/tenant-setting', headers: auth(attacker.key) });
    expect(res.json()).toEqual([]);
    const named = await h.app.inject({ method: 'GET', url: '/api/tenant-setting', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId } });
    expect(named.statusCode).toBe(403);
  },
});

securityTests(h, {
  name: 'setTenantSetting',
  scope: 'tenant:admin',
  okStatus: 201,
  rest: () => ({ method: 'POST', url: '/api/tenant-setting', payload: { name: 'DATE_FORMAT', value: 'YYYY-MM-DD' } }),
  graphql: () => ({ doc: SetTenantSetting, variables: { name: 'DATE_FORMAT', value: 'YYYY-MM-DD' } }),
  verify: async (h, t) => expect(await settingsOf(h, t)).toEqual([{ name: 'DATE_FORMAT', value: 'YYYY-MM-DD' }]),
  async crossTenant(h, attacker, victim) {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/tenant-setting',
      headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId },
      payload: { name: 'CURRENCY', value: 'XXX' },
    });
    expect(res.statusCode).toBe(403);
    expect(await settingsOf(h, victim)).toEqual([]);
  },
});

securityTests(h, {
  name: 'deleteTenantSetting',
  scope: 'tenant:admin',
  rest: async (t, h) => {
    await h.app.inject({ method: 'POST', url: '/api/tenant-setting', headers: auth(t.key), payload: { name: 'X', value: '1' } });
    return { method: 'DELETE', url: '/api/tenant-setting/X' };
  },
  graphql: async (t, h) => {
    await h.app.inject({ method: 'POST', url: '/api/tenant-setting', headers: auth(t.key), payload: { name: 'X', value: '1' } });
    return { doc: DeleteTenantSetting, variables: { name: 'X' } };
  },
  async crossTenant(h, attacker, victim) {
    await h.app.inject({ method: 'POST', url: '/api/tenant-setting', headers: auth(victim.key), payload: { name: 'KEEP', value: '1' } });
    const res = await h.app.inject({ method: 'DELETE', url: '/api/tenant-setting/KEEP', headers: auth(attacker.key) });
    expect(res.statusCode).toBe(404);
    expect(await settingsOf(h, victim)).toEqual([{ name: 'KEEP', value: '1' }]);
  },
});

securityTests(h, {
  name: 'renameApiKey',
  scope: 'tenant:admin',
  rest: async (t, h) => ({ method: 'PATCH', url: `/api/v1/api-keys/${await spareKey(h, t)}`, payload: { name: 'renamed' } }),
  graphql: async (t, h) => ({ doc: RenameApiKey, variables: { id: await spareKey(h, t), name: 'renamed' } }),
  verify: (_h, _t, body) => expect(body.name).toBe('renamed'),
  async crossTenant(h, attacker, victim) {
    const [id] = await keyIdsOf(h, victim);
    const res = await h.app.inject({ method: 'PATCH', url: `/api/v1/api-keys/${id}`, headers: auth(attacker.key), payload: { name: 'pwned' } });
    expect(res.statusCode).toBe(404);
    expect((await h.sql('select name from api_keys where id = ?', [id]))[0].name).toBe('Default admin key');
  },
});

securityTests(h, {
  name: 'rotateApiKey',
  scope: 'tenant:admin',
  okStatus: 201,
  rest: async (t, h) => ({ method: 'POST', url: `/api/v1/api-keys/${await spareKey(h, t)}/rotate`, payload: {} }),
  graphql: async (t, h) => ({ doc: RotateApiKey, variables: { id: await spareKey(h, t) } }),
  async crossTenant(h, attacker, victim) {
    const before = await keyIdsOf(h, victim);
    const res = await h.app.inject({ method: 'POST', url: `/api/v1/api-keys/${before[0]}/rotate`, headers: auth(attacker.key), payload: {} });
    expect(res.statusCode).toBe(404);
    expect(await keyIdsOf(h, victim)).toEqual(before);
    expect((await h.app.inject({ url: '/api/v1/tenant', headers: auth(victim.key) })).statusCode).toBe(200);
  },
});

securityTests(h, {
  name: 'listOperatorKeys',
  scope: 'platform:admin',
  rest: () => ({ method: 'GET', url: '/api/v1/operator-keys' }),
  graphql: () => ({ doc: OperatorKeys }),
  async crossTenant(h, attacker) {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/operator-keys', headers: auth(attacker.key) });
    expect(res.statusCode).toBe(403);
  },
});

securityTests(h, {
  name: 'createOperatorKey',
  scope: 'platform:admin',
  okStatus: 201,
  rest: () => ({ method: 'POST', url: '/api/v1/operator-keys', payload: { name: 'ops' } }),
  graphql: () => ({ doc: CreateOperatorKey, variables: { input: { name: 'ops' } } }),
  verify: (_h, _t, body) => expect(body).toMatchObject({ scopes: ['platform:admin'], api_key: expect.stringMatching(/^rk_live_/) }),
  async crossTenant(h, attacker) {
    const before = (await h.sql('select count(*)::int as n from api_keys where tenant_id is null'))[0].n;
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/operator-keys', headers: auth(attacker.key), payload: { name: 'x' } });
    expect(res.statusCode).toBe(403);
    expect((await h.sql('select count(*)::int as n from api_keys where tenant_id is null'))[0].n).toBe(before);
  },
});

securityTests(h, {
  name: 'revokeOperatorKey',
  scope: 'platform:admin',
  rest: async (_t, h) => {
    await h.operatorKey();
    const [row] = await h.sql(`select id from api_keys where tenant_id is null and revoked_at is null limit 1`);
    return { method: 'DELETE', url: `/api/v1/operator-keys/${row.id}` };
  },
  graphql: async (_t, h) => {
    await h.operatorKey();
    const [row] = await h.sql(`select id from api_keys where tenant_id is null and revoked_at is null order by created_at limit 1`);
    return { doc: RevokeOperatorKey, variables: { id: row.id } };
  },
  async crossTenant(h, attacker, victim) {
    // A tenant key can no more revoke an operator key than another tenant's key.
    await h.operatorKey();
    const [row] = await h.sql(`select id from api_keys where tenant_id is null and revoked_at is null limit 1`);
    const res = await h.app.inject({ method: 'DELETE', url: `/api/v1/operator-keys/${row.id}`, headers: auth(attacker.key) });
    expect(res.statusCode).toBe(403);
    const [victimKey] = await keyIdsOf(h, victim);
    const viaTenantRoute = await h.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${row.id}`, headers: auth(victim.key) });
    expect(viaTenantRoute.statusCode).toBe(404);
    expect(victimKey).toBeTruthy();
  },
});

securityTests(h, {
  name: 'listAuditEvents',
  scope: 'audit:read',
  rest: () => ({ method: 'GET', url: '/api/v1/tenant/audit' }),
  graphql: () => ({ doc: AuditEvents }),
  verify: (_h, t, body) => expect(body.events.map((e: any) => e.tenant_id)).toEqual([t.tenantId, t.tenantId]),
  async crossTenant(h, attacker, victim) {
    const res = await h.app.inject({ url: '/api/v1/tenant/audit?limit=200', headers: auth(attacker.key) });
    expect(JSON.stringify(res.json())).not.toContain(victim.tenantId);
    const named = await h.app.inject({ url: `/api/v1/tenant/audit?tenant_id=${victim.tenantId}`, headers: auth(attacker.key) });
    expect(JSON.stringify(named.json())).not.toContain(victim.tenantId);
    const gql = await h.gql(AuditEvents, { filter: { tenantId: victim.tenantId } }, attacker.key);
    expect(JSON.stringify(gql.data)).not.toContain(victim.tenantId);
  },
});

const storedSecret = async (h: Harness, t: Registered, name = 'API_TOKEN', value = 'token-value') => {
  await h.app.inject({ method: 'POST', url: '/tenant/secrets', headers: auth(t.key), payload: { key: name, value } });
};
const configVersions = async (h: Harness, t: Registered) =>
  (await h.sql('select version from tenant_configs where tenant_id = ?', [t.tenantId])).length;

securityTests(h, {
  name: 'getTenantConfig',
  scope: 'config:read',
  rest: () => ({ method: 'GET', url: '/tenant/config' }),
  graphql: () => ({ doc: TenantConfigQuery }),
  async crossTenant(h, attacker, victim) {
    await h.app.inject({ method: 'POST', url: '/tenant/config', headers: auth(victim.key), payload: { cache: { enabled: true, ttlSeconds: 42 } } });
    const own = await h.app.inject({ url: '/tenant/config', headers: auth(attacker.key) });
    expect(own.json()).toEqual({});
    const named = await h.app.inject({ url: '/api/v1/tenant/config', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId } });
    expect(named.statusCode).toBe(403);
    expect(numbersIn(named.json())).not.toContain(42);
    expect(named.body).not.toContain('ttlSeconds');
  },
});

securityTests(h, {
  name: 'saveTenantConfig',
  scope: 'config:write',
  rest: () => ({ method: 'POST', url: '/tenant/config', payload: { cache: { enabled: true } } }),
  graphql: () => ({ doc: SaveTenantConfig, variables: { document: { cache: { enabled: true } } } }),
  verify: async (h, t) => expect(await configVersions(h, t)).toBe(1),
  async crossTenant(h, attacker, victim) {
    const res = await h.app.inject({ method: 'POST', url: '/tenant/config', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId }, payload: { cache: { enabled: true } } });
    expect(res.statusCode).toBe(403);
    expect(await configVersions(h, victim)).toBe(0);
  },
});

securityTests(h, {
  name: 'rollbackTenantConfig',
  scope: 'config:write',
  graphql: async (t, h) => {
    await h.app.inject({ method: 'POST', url: '/tenant/config', headers: auth(t.key), payload: { cache: { enabled: true } } });
    return { doc: RollbackTenantConfig, variables: { version: 1 } };
  },
  async crossTenant(h, attacker, victim) {
    await h.app.inject({ method: 'POST', url: '/tenant/config', headers: auth(victim.key), payload: { cache: { enabled: true } } });
    const gql = await h.gql(RollbackTenantConfig, { version: 1 }, attacker.key, { 'x-tenant-id': victim.tenantId });
    expect(gql.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const own = await h.gql(RollbackTenantConfig, { version: 1 }, attacker.key);
    expect(own.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await configVersions(h, victim)).toBe(1);
  },
});

securityTests(h, {
  name: 'listSecrets',
  scope: 'secrets:read',
  rest: () => ({ method: 'GET', url: '/tenant/secrets' }),
  graphql: () => ({ doc: Secrets }),
  async crossTenant(h, attacker, victim) {
    await storedSecret(h, victim, 'VICTIM_ONLY');
    const res = await h.app.inject({ url: '/api/v1/tenant/secrets', headers: auth(attacker.key) });
    expect(res.json()).toEqual({ secrets: [] });
    const named = await h.app.inject({ url: '/tenant/secrets', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId } });
    expect(named.statusCode).toBe(403);
  },
});

securityTests(h, {
  name: 'readSecret',
  scope: 'secrets:read',
  rest: async (t, h) => {
    await storedSecret(h, t);
    return { method: 'GET', url: '/tenant/secrets/API_TOKEN' };
  },
  graphql: async (t, h) => {
    await storedSecret(h, t);
    return { doc: SecretValue, variables: { name: 'API_TOKEN' } };
  },
  verify: (_h, _t, body) => expect(body).toEqual({ key: 'API_TOKEN', value: 'token-value' }),
  async crossTenant(h, attacker, victim) {
    await storedSecret(h, victim, 'API_TOKEN', 'victim-token');
    const res = await h.app.inject({ url: '/tenant/secrets/API_TOKEN', headers: auth(attacker.key) });
    expect(res.statusCode).toBe(404);
    const gql = await h.gql(SecretValue, { name: 'API_TOKEN' }, attacker.key, { 'x-tenant-id': victim.tenantId });
    expect(gql.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(gql) + res.body).not.toContain('victim-token');
  },
});

securityTests(h, {
  name: 'storeSecret',
  scope: 'secrets:write',
  rest: () => ({ method: 'POST', url: '/tenant/secrets', payload: { key: 'NEW_SECRET', value: 'v' } }),
  graphql: () => ({ doc: StoreSecret, variables: { name: 'NEW_SECRET', value: 'v' } }),
  verify: async (h, t) => expect(await h.sql('select name from secrets where tenant_id = ?', [t.tenantId])).toEqual([{ name: 'NEW_SECRET' }]),
  async crossTenant(h, attacker, victim) {
    await storedSecret(h, victim, 'SHARED_NAME', 'victim-value');
    const res = await h.app.inject({ method: 'POST', url: '/tenant/secrets', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId }, payload: { key: 'SHARED_NAME', value: 'evil' } });
    expect(res.statusCode).toBe(403);
    // The attacker's own secret of the same name is its own; the victim's value is unchanged.
    await storedSecret(h, attacker, 'SHARED_NAME', 'evil');
    expect((await h.app.inject({ url: '/tenant/secrets/SHARED_NAME', headers: auth(victim.key) })).json().value).toBe('victim-value');
  },
});

securityTests(h, {
  name: 'deleteSecret',
  scope: 'secrets:write',
  rest: async (t, h) => {
    await storedSecret(h, t);
    return { method: 'DELETE', url: '/tenant/secrets/API_TOKEN' };
  },
  graphql: async (t, h) => {
    await storedSecret(h, t);
    return { doc: DeleteSecret, variables: { name: 'API_TOKEN' } };
  },
  async crossTenant(h, attacker, victim) {
    await storedSecret(h, victim, 'KEEP_ME');
    const res = await h.app.inject({ method: 'DELETE', url: '/tenant/secrets/KEEP_ME', headers: auth(attacker.key) });
    expect(res.statusCode).toBe(404);
    expect(await h.sql('select name from secrets where tenant_id = ?', [victim.tenantId])).toEqual([{ name: 'KEEP_ME' }]);
  },
});

securityTests(h, {
  name: 'getTenantInfo',
  scope: 'tenant:read',
  rest: () => ({ method: 'GET', url: '/tenant/info' }),
  verify: (_h, t, body) => expect(body.id).toBe(t.tenantId),
  async crossTenant(h, attacker, victim) {
    const own = await h.app.inject({ url: '/api/v1/tenant/info', headers: auth(attacker.key) });
    expect(own.json().id).toBe(attacker.tenantId);
    const named = await h.app.inject({ url: '/tenant/info', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId } });
    expect(named.statusCode).toBe(403);
  },
});

const rolesOf = async (h: Harness, t: Registered) =>
  (await h.sql('select name, permissions from roles where tenant_id = ? order by name', [t.tenantId])).map((r) => `${r.name}:${r.permissions.join('+')}`);
const assignmentsOf = async (h: Harness, t: Registered) => h.sql('select user_id from role_assignments where tenant_id = ?', [t.tenantId]);

securityTests(h, {
  name: 'getRbac',
  scope: 'rbac:read',
  rest: () => ({ method: 'GET', url: '/tenant/rbac' }),
  graphql: () => ({ doc: RbacQuery }),
  async crossTenant(h, attacker, victim) {
    await h.app.inject({ method: 'POST', url: '/tenant/rbac/roles', headers: auth(victim.key), payload: { name: 'victim-role', permissions: ['x'] } });
    const res = await h.app.inject({ url: '/api/v1/tenant/rbac', headers: auth(attacker.key) });
    expect(res.body).not.toContain('victim-role');
    const named = await h.app.inject({ url: '/tenant/rbac', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId } });
    expect(named.statusCode).toBe(403);
  },
});

securityTests(h, {
  name: 'updateRbacSettings',
  scope: 'rbac:write',
  rest: () => ({ method: 'PUT', url: '/tenant/rbac', payload: { enabled: false } }),
  graphql: () => ({ doc: UpdateRbacSettings, variables: { enabled: false } }),
  async crossTenant(h, attacker, victim) {
    const res = await h.app.inject({ method: 'PUT', url: '/tenant/rbac', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId }, payload: { enabled: false } });
    expect(res.statusCode).toBe(403);
    expect((await h.sql('select enabled from rbac_configs where tenant_id = ?', [victim.tenantId]))[0].enabled).toBe(true);
  },
});

securityTests(h, {
  name: 'createRole',
  scope: 'rbac:write',
  okStatus: 201,
  rest: () => ({ method: 'POST', url: '/tenant/rbac/roles', payload: { name: 'editor', permissions: ['write'] } }),
  graphql: () => ({ doc: CreateRole, variables: { input: { name: 'editor', permissions: ['write'] } } }),
  async crossTenant(h, attacker, victim) {
    const before = await rolesOf(h, victim);
    const res = await h.app.inject({ method: 'POST', url: '/tenant/rbac/roles', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId }, payload: { name: 'planted', permissions: ['*'] } });
    expect(res.statusCode).toBe(403);
    expect(await rolesOf(h, victim)).toEqual(before);
  },
});

securityTests(h, {
  name: 'updateRole',
  scope: 'rbac:write',
  rest: () => ({ method: 'PUT', url: '/tenant/rbac/roles/viewer', payload: { permissions: ['read', 'export'] } }),
  graphql: () => ({ doc: UpdateRole, variables: { name: 'viewer', input: { permissions: ['read', 'export'] } } }),
  async crossTenant(h, attacker, victim) {
    const before = await rolesOf(h, victim);
    // The attacker's own "viewer" is its own: the victim's is untouched.
    const res = await h.app.inject({ method: 'PUT', url: '/tenant/rbac/roles/viewer', headers: auth(attacker.key), payload: { permissions: ['*'] } });
    expect(res.statusCode).toBe(200);
    expect(await rolesOf(h, victim)).toEqual(before);
  },
});

securityTests(h, {
  name: 'deleteRole',
  scope: 'rbac:write',
  rest: async (t, h) => {
    await h.app.inject({ method: 'POST', url: '/tenant/rbac/roles', headers: auth(t.key), payload: { name: 'temp', permissions: [] } });
    return { method: 'DELETE', url: '/tenant/rbac/roles/temp' };
  },
  graphql: async (t, h) => {
    await h.app.inject({ method: 'POST', url: '/tenant/rbac/roles', headers: auth(t.key), payload: { name: 'temp', permissions: [] } });
    return { doc: DeleteRole, variables: { name: 'temp' } };
  },
  async crossTenant(h, attacker, victim) {
    await h.app.inject({ method: 'POST', url: '/tenant/rbac/roles', headers: auth(victim.key), payload: { name: 'only-victim', permissions: [] } });
    const res = await h.app.inject({ method: 'DELETE', url: '/tenant/rbac/roles/only-victim', headers: auth(attacker.key) });
    expect(res.statusCode).toBe(404);
    expect(await rolesOf(h, victim)).toContain('only-victim:');
  },
});

securityTests(h, {
  name: 'getUserRoles',
  scope: 'rbac:read',
  rest: () => ({ method: 'GET', url: '/tenant/rbac/users/user-1/roles' }),
  graphql: () => ({ doc: UserRolesQuery, variables: { userId: 'user-1' } }),
  async crossTenant(h, attacker, victim) {
    await h.app.inject({ method: 'PUT', url: '/tenant/rbac/users/user-1/roles', headers: auth(victim.key), payload: { roles: ['admin'] } });
    const res = await h.app.inject({ url: '/tenant/rbac/users/user-1/roles', headers: auth(attacker.key) });
    expect(res.json()).toEqual({ userId: 'user-1', roles: ['viewer'], defaultRole: true });
  },
});

securityTests(h, {
  name: 'setUserRoles',
  scope: 'rbac:write',
  rest: () => ({ method: 'PUT', url: '/tenant/rbac/users/user-1/roles', payload: { roles: ['admin'] } }),
  graphql: () => ({ doc: SetUserRoles, variables: { userId: 'user-1', roles: ['admin'] } }),
  async crossTenant(h, attacker, victim) {
    const res = await h.app.inject({ method: 'PUT', url: '/tenant/rbac/users/user-1/roles', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId }, payload: { roles: ['admin'] } });
    expect(res.statusCode).toBe(403);
    expect(await assignmentsOf(h, victim)).toEqual([]);
  },
});

securityTests(h, {
  name: 'checkPermission',
  scope: 'rbac:check',
  rest: () => ({ method: 'POST', url: '/tenant/rbac/check', payload: { userId: 'u', permission: 'read' } }),
  graphql: () => ({ doc: CheckPermission, variables: { userId: 'u', permission: 'read' } }),
  verify: (_h, _t, body) => expect(body).toMatchObject({ allowed: true, role: 'viewer' }),
  async crossTenant(h, attacker, victim) {
    await h.app.inject({ method: 'PUT', url: '/tenant/rbac/users/vip/roles', headers: auth(victim.key), payload: { roles: ['admin'] } });
    const res = await h.app.inject({ method: 'POST', url: '/tenant/rbac/check', headers: auth(attacker.key), payload: { userId: 'vip', permission: 'delete' } });
    expect(res.json()).toMatchObject({ allowed: false, viaDefaultRole: true });
  },
});

const LIMITS = [{ resource: 'llm', metric: 'tokens', period: 'month', limit: 1000 }];
const countersOf = async (h: Harness, t: Registered) => h.sql('select value from usage_counters where tenant_id = ?', [t.tenantId]);
const withLimits = async (h: Harness, t: Registered) => {
  await h.app.inject({ method: 'PUT', url: '/tenant/limits/resources', headers: auth(t.key), payload: LIMITS });
};

securityTests(h, {
  name: 'getLimits',
  scope: 'limits:read',
  rest: () => ({ method: 'GET', url: '/tenant/limits/resources' }),
  graphql: () => ({ doc: ResourceLimits }),
  async crossTenant(h, attacker, victim) {
    await withLimits(h, victim);
    expect((await h.app.inject({ url: '/tenant/limits/resources', headers: auth(attacker.key) })).json()).toEqual([]);
    const named = await h.app.inject({ url: '/tenant/limits/resources', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId } });
    expect(named.statusCode).toBe(403);
  },
});

securityTests(h, {
  name: 'setResourceLimits',
  scope: 'limits:write',
  rest: () => ({ method: 'PUT', url: '/tenant/limits/resources', payload: LIMITS }),
  graphql: () => ({ doc: SetResourceLimits, variables: { limits: LIMITS } }),
  async crossTenant(h, attacker, victim) {
    const res = await h.app.inject({ method: 'PUT', url: '/tenant/limits/resources', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId }, payload: LIMITS });
    expect(res.statusCode).toBe(403);
    expect(await h.sql('select * from tenant_limits where tenant_id = ?', [victim.tenantId])).toEqual([]);
  },
});

securityTests(h, {
  name: 'getLimitUsage',
  scope: 'limits:read',
  rest: () => ({ method: 'GET', url: '/tenant/limits/resources/usage' }),
  graphql: () => ({ doc: LimitUsage }),
  async crossTenant(h, attacker, victim) {
    await withLimits(h, victim);
    expect((await h.app.inject({ url: '/tenant/limits/resources/usage', headers: auth(attacker.key) })).json()).toEqual([]);
  },
});

for (const [name, action, doc, scope] of [
  ['checkLimit', 'check', CheckLimit, 'usage:write'],
  ['trackUsage', 'track', TrackUsage, 'usage:write'],
  ['consumeLimit', 'consume', ConsumeLimit, 'usage:write'],
] as const) {
  securityTests(h, {
    name,
    scope,
    rest: async (t, h) => {
      await withLimits(h, t);
      return { method: 'POST', url: `/tenant/limits/resources/${action}`, payload: { resource: 'llm', metric: 'tokens', amount: 10 } };
    },
    graphql: async (t, h) => {
      await withLimits(h, t);
      return { doc, variables: { input: { resource: 'llm', metric: 'tokens', amount: 10 } } };
    },
    async crossTenant(h, attacker, victim) {
      await withLimits(h, victim);
      await withLimits(h, attacker);
      const res = await h.app.inject({ method: 'POST', url: `/tenant/limits/resources/${action}`, headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId }, payload: { resource: 'llm', metric: 'tokens', amount: 10 } });
      expect(res.statusCode).toBe(403);
      await h.app.inject({ method: 'POST', url: `/tenant/limits/resources/${action}`, headers: auth(attacker.key), payload: { resource: 'llm', metric: 'tokens', amount: 10 } });
      expect(await countersOf(h, victim)).toEqual([]);
    },
  });
}

for (const [name, url, doc] of [
  ['getUsageSummary', '/usage/summary', UsageSummary],
  ['getUsageHistory', '/usage/history', UsageHistory],
] as const) {
  securityTests(h, {
    name,
    scope: 'usage:read',
    rest: () => ({ method: 'GET', url }),
    graphql: () => ({ doc }),
    async crossTenant(h, attacker, victim) {
      await withLimits(h, victim);
      await h.app.inject({ method: 'POST', url: '/tenant/limits/resources/track', headers: auth(victim.key), payload: { resource: 'llm', metric: 'tokens', amount: 777 } });
      const res = await h.app.inject({ url, headers: auth(attacker.key) });
      const theirs = await h.app.inject({ url, headers: auth(victim.key) });
      expect(numbersIn(theirs.json())).toContain(777);
      expect(res.statusCode).toBe(200);
      expect(numbersIn(res.json())).not.toContain(777);
      const named = await h.app.inject({ url, headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId } });
      expect(named.statusCode).toBe(403);
    },
  });
}

securityTests(h, {
  name: 'listEvents',
  scope: 'events:read',
  rest: () => ({ method: 'GET', url: '/api/v1/events' }),
  graphql: () => ({ doc: Events }),
  async crossTenant(h, attacker, victim) {
    await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(victim.key), payload: { name: 'Victim renamed' } });
    const res = await h.app.inject({ url: '/api/v1/events', headers: auth(attacker.key) });
    expect(res.body).not.toContain(victim.tenantId);
    const named = await h.app.inject({ url: '/api/v1/events', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId } });
    expect(named.statusCode).toBe(403);
  },
});

securityTests(h, {
  name: 'publishEvent',
  scope: 'events:write',
  okStatus: 202,
  rest: () => ({ method: 'POST', url: '/api/v1/events', payload: { type: 'memory.ingested' } }),
  graphql: () => ({ doc: PublishEvent, variables: { type: 'memory.ingested' } }),
  async crossTenant(h, attacker, victim) {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/events', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId }, payload: { type: 'memory.ingested' } });
    expect(res.statusCode).toBe(403);
    expect(await h.sql(`select * from events where tenant_id = ? and type = 'memory.ingested'`, [victim.tenantId])).toEqual([]);
  },
});

securityTests(h, {
  name: 'setUsageGauges',
  scope: 'usage:write',
  rest: () => ({ method: 'PUT', url: '/usage/gauges', payload: { storage_bytes: 42 } }),
  verify: async (h, t) => expect((await h.sql('select storage_used from tenants where id = ?', [t.tenantId]))[0].storage_used).toBe('42'),
  async crossTenant(h, attacker, victim) {
    const res = await h.app.inject({ method: 'PUT', url: '/usage/gauges', headers: { ...auth(attacker.key), 'x-tenant-id': victim.tenantId }, payload: { storage_bytes: 999 } });
    expect(res.statusCode).toBe(403);
    expect((await h.sql('select storage_used from tenants where id = ?', [victim.tenantId]))[0].storage_used).toBe('0');
  },
});
