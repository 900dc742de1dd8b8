import type { InjectOptions } from 'fastify';
import { print, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildGraphQLSchema } from '../src/graphql/schema';
import { REST_ROUTES } from '../src/rest/routes';
import { uniqueEmail, useHarness, type Registered } from './support/harness';
import { CreateTenant, RollbackTenantConfig, SetOperatorPassword } from './support/operations';

const h = useHarness();

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const events = async () => h.sql<{ action: string; tenant_id: string | null; changes: unknown; actor_type: string; actor_key_id: string | null; ip: string; request_id: string }>(
  'select * from audit_events order by created_at, id',
);

interface World {
  t: Registered;
  op: string;
  keyId: string;
}

/**
 * Every mutating operation, with a request that succeeds and one that fails. A test below fails
 * when an operation is missing here, so a new mutation cannot ship without its audit check.
 */
const MUTATIONS: Record<string, { action: string; ok: (w: World) => InjectOptions | Promise<InjectOptions>; bad: (w: World) => InjectOptions; gql?: true }> = {
  registerTenant: {
    action: 'tenant.created',
    ok: () => ({ method: 'POST', url: '/api/v1/tenants', payload: { name: 'Audited' } }),
    bad: () => ({ method: 'POST', url: '/api/v1/tenants', payload: { name: '' } }),
  },
  createTenant: {
    action: 'tenant.created',
    gql: true,
    ok: ({ op }) => gqlRequest(op, CreateTenant, { input: { name: 'By operator', plan: 'pro' } }),
    bad: ({ op }) => gqlRequest(op, CreateTenant, { input: { name: 'x', plan: 'Not A Plan' } }),
  },
  updateTenant: {
    action: 'tenant.updated',
    ok: ({ t }) => ({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload: { name: 'Renamed' } }),
    bad: ({ t }) => ({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload: { settings: { retention_days: 0 } } }),
  },
  updateTenantById: {
    action: 'tenant.updated',
    ok: ({ t }) => ({ method: 'PUT', url: `/api/v1/tenants/${t.tenantId}`, headers: auth(t.key), payload: { description: 'new' } }),
    bad: ({ t }) => ({ method: 'PUT', url: `/api/v1/tenants/${t.tenantId}`, headers: auth(t.key), payload: { storage_quota: 'x' } }),
  },
  deleteTenant: {
    action: 'tenant.deleted',
    ok: ({ t }) => ({ method: 'DELETE', url: `/api/v1/tenants/${t.tenantId}`, headers: auth(t.key) }),
    bad: ({ t }) => ({ method: 'DELETE', url: '/api/v1/tenants/00000000-0000-4000-8000-000000000000', headers: auth(t.key) }),
  },
  suspendTenant: {
    action: 'tenant.suspended',
    ok: ({ t, op }) => ({ method: 'POST', url: `/api/v1/tenants/${t.tenantId}/suspend`, headers: auth(op) }),
    bad: ({ op }) => ({ method: 'POST', url: '/api/v1/tenants/nope/suspend', headers: auth(op) }),
  },
  reactivateTenant: {
    action: 'tenant.reactivated',
    ok: async ({ t, op }) => {
      await h.sql(`update tenants set status = 'suspended' where id = ?`, [t.tenantId]);
      return { method: 'POST', url: `/api/v1/tenants/${t.tenantId}/reactivate`, headers: auth(op) };
    },
    bad: ({ op }) => ({ method: 'POST', url: '/api/v1/tenants/nope/reactivate', headers: auth(op) }),
  },
  purgeTenant: {
    action: 'tenant.purged',
    ok: async ({ t, op }) => {
      await h.sql(`update tenants set status = 'deleted', deleted_at = now() where id = ?`, [t.tenantId]);
      return { method: 'POST', url: `/api/v1/tenants/${t.tenantId}/purge`, headers: auth(op) };
    },
    bad: ({ t, op }) => ({ method: 'POST', url: `/api/v1/tenants/${t.tenantId}/purge`, headers: auth(op) }),
  },
  createWebhook: {
    action: 'webhook.created',
    ok: ({ t }) => ({ method: 'POST', url: '/api/v1/webhooks', headers: auth(t.key), payload: { url: 'https://hooks.example.com/a' } }),
    bad: ({ t }) => ({ method: 'POST', url: '/api/v1/webhooks', headers: auth(t.key), payload: { url: 'http://169.254.169.254/' } }),
  },
  updateWebhook: {
    action: 'webhook.updated',
    ok: async ({ t }) => ({ method: 'PATCH', url: `/api/v1/webhooks/${await webhookOf(t)}`, headers: auth(t.key), payload: { enabled: false } }),
    bad: ({ t }) => ({ method: 'PATCH', url: '/api/v1/webhooks/00000000-0000-4000-8000-000000000000', headers: auth(t.key), payload: { enabled: false } }),
  },
  deleteWebhook: {
    action: 'webhook.deleted',
    ok: async ({ t }) => ({ method: 'DELETE', url: `/api/v1/webhooks/${await webhookOf(t)}`, headers: auth(t.key) }),
    bad: ({ t }) => ({ method: 'DELETE', url: '/api/v1/webhooks/not-an-id', headers: auth(t.key) }),
  },
  rotateWebhookSecret: {
    action: 'webhook.secret_rotated',
    ok: async ({ t }) => ({ method: 'POST', url: `/api/v1/webhooks/${await webhookOf(t)}/rotate-secret`, headers: auth(t.key), payload: {} }),
    bad: ({ t }) => ({ method: 'POST', url: '/api/v1/webhooks/00000000-0000-4000-8000-000000000000/rotate-secret', headers: auth(t.key), payload: {} }),
  },
  redeliverWebhook: {
    action: 'webhook.redelivered',
    ok: async ({ t }) => {
      const id = await webhookOf(t);
      await h.app.inject({ method: 'POST', url: '/api/v1/events', headers: auth(t.key), payload: { type: 'memory.ingested' } });
      await h.services.deliveries.dispatch();
      const [d] = await h.sql<{ id: string }>('select id from webhook_deliveries where endpoint_id = ?', [id]);
      await h.sql('delete from audit_events');
      return { method: 'POST', url: `/api/v1/webhooks/${id}/deliveries/${d.id}/redeliver`, headers: auth(t.key) };
    },
    bad: ({ t }) => ({ method: 'POST', url: '/api/v1/webhooks/00000000-0000-4000-8000-000000000000/deliveries/00000000-0000-4000-8000-000000000000/redeliver', headers: auth(t.key) }),
  },
  setTenantSetting: {
    action: 'tenant_setting.set',
    ok: ({ t }) => ({ method: 'POST', url: '/api/tenant-setting', headers: auth(t.key), payload: { name: 'CURRENCY', value: 'EUR' } }),
    bad: ({ t }) => ({ method: 'POST', url: '/api/tenant-setting', headers: auth(t.key), payload: { name: '1', value: 'EUR' } }),
  },
  deleteTenantSetting: {
    action: 'tenant_setting.deleted',
    ok: async ({ t }) => {
      await h.app.inject({ method: 'POST', url: '/api/tenant-setting', headers: auth(t.key), payload: { name: 'GONE', value: 'x' } });
      await h.sql(`delete from audit_events where action = 'tenant_setting.set'`);
      return { method: 'DELETE', url: '/api/tenant-setting/GONE', headers: auth(t.key) };
    },
    bad: ({ t }) => ({ method: 'DELETE', url: '/api/tenant-setting/NEVER', headers: auth(t.key) }),
  },
  createApiKey: {
    action: 'api_key.created',
    ok: ({ t }) => ({ method: 'POST', url: '/api/v1/api-keys', headers: auth(t.key), payload: { name: 'k', scopes: ['memory:read'] } }),
    bad: ({ t }) => ({ method: 'POST', url: '/api/v1/api-keys', headers: auth(t.key), payload: { name: 'k', scopes: ['platform:admin'] } }),
  },
  renameApiKey: {
    action: 'api_key.renamed',
    ok: ({ t, keyId }) => ({ method: 'PATCH', url: `/api/v1/api-keys/${keyId}`, headers: auth(t.key), payload: { name: 'renamed' } }),
    bad: ({ t, keyId }) => ({ method: 'PATCH', url: `/api/v1/api-keys/${keyId}`, headers: auth(t.key), payload: { name: '' } }),
  },
  rotateApiKey: {
    action: 'api_key.rotated',
    ok: ({ t, keyId }) => ({ method: 'POST', url: `/api/v1/api-keys/${keyId}/rotate`, headers: auth(t.key), payload: { grace_seconds: 60 } }),
    bad: ({ t, keyId }) => ({ method: 'POST', url: `/api/v1/api-keys/${keyId}/rotate`, headers: auth(t.key), payload: { grace_seconds: -1 } }),
  },
  revokeApiKey: {
    action: 'api_key.revoked',
    ok: ({ t, keyId }) => ({ method: 'DELETE', url: `/api/v1/api-keys/${keyId}`, headers: auth(t.key) }),
    bad: ({ t }) => ({ method: 'DELETE', url: '/api/v1/api-keys/00000000-0000-4000-8000-000000000000', headers: auth(t.key) }),
  },
  reportLeakedKey: {
    action: 'api_key.leak_revoked',
    ok: async ({ t }) => {
      const leaked = await h.keyWith(t, ['memory:read']);
      await h.sql(`delete from audit_events where action = 'api_key.created'`);
      return { method: 'POST', url: '/api/v1/api-keys/leaked', payload: { key: leaked } };
    },
    bad: () => ({ method: 'POST', url: '/api/v1/api-keys/leaked', payload: { key: 'rk_live_nope' } }),
  },
  saveTenantConfig: {
    action: 'config.saved',
    ok: ({ t }) => ({ method: 'POST', url: '/tenant/config', headers: auth(t.key), payload: { rateLimit: { enabled: true, default: { max: 500 } } } }),
    bad: ({ t }) => ({ method: 'POST', url: '/tenant/config', headers: auth(t.key), payload: { rateLimit: { enabled: 'yes' } } }),
  },
  rollbackTenantConfig: {
    action: 'config.rolled_back',
    gql: true,
    ok: async ({ t }) => {
      await h.app.inject({ method: 'POST', url: '/tenant/config', headers: auth(t.key), payload: { cache: { enabled: true } } });
      await h.app.inject({ method: 'POST', url: '/tenant/config', headers: auth(t.key), payload: { cache: { enabled: false } } });
      await h.sql('delete from audit_events');
      return gqlRequest(t.key, RollbackTenantConfig, { version: 1 });
    },
    bad: ({ t }) => gqlRequest(t.key, RollbackTenantConfig, { version: 99 }),
  },
  storeSecret: {
    action: 'secret.stored',
    ok: ({ t }) => ({ method: 'POST', url: '/tenant/secrets', headers: auth(t.key), payload: { key: 'STRIPE_SECRET_KEY', value: 'sk_live_123' } }),
    bad: ({ t }) => ({ method: 'POST', url: '/tenant/secrets', headers: auth(t.key), payload: { key: 'lowercase', value: 'x' } }),
  },
  deleteSecret: {
    action: 'secret.deleted',
    ok: async ({ t }) => {
      await h.app.inject({ method: 'POST', url: '/tenant/secrets', headers: auth(t.key), payload: { key: 'GONE', value: 'x' } });
      await h.sql('delete from audit_events');
      return { method: 'DELETE', url: '/tenant/secrets/GONE', headers: auth(t.key) };
    },
    bad: ({ t }) => ({ method: 'DELETE', url: '/tenant/secrets/NEVER_STORED', headers: auth(t.key) }),
  },
  updateRbacSettings: {
    action: 'rbac.updated',
    ok: ({ t }) => ({ method: 'PUT', url: '/tenant/rbac', headers: auth(t.key), payload: { defaultRole: 'admin' } }),
    bad: ({ t }) => ({ method: 'PUT', url: '/tenant/rbac', headers: auth(t.key), payload: { defaultRole: 'ghost' } }),
  },
  createRole: {
    action: 'role.created',
    ok: ({ t }) => ({ method: 'POST', url: '/tenant/rbac/roles', headers: auth(t.key), payload: { name: 'editor', permissions: ['read', 'write'] } }),
    bad: ({ t }) => ({ method: 'POST', url: '/tenant/rbac/roles', headers: auth(t.key), payload: { name: 'viewer', permissions: ['read'] } }),
  },
  updateRole: {
    action: 'role.updated',
    ok: ({ t }) => ({ method: 'PUT', url: '/tenant/rbac/roles/viewer', headers: auth(t.key), payload: { permissions: ['read', 'export'] } }),
    bad: ({ t }) => ({ method: 'PUT', url: '/tenant/rbac/roles/viewer', headers: auth(t.key), payload: { inherits: 'viewer' } }),
  },
  deleteRole: {
    action: 'role.deleted',
    ok: async ({ t }) => {
      await h.app.inject({ method: 'POST', url: '/tenant/rbac/roles', headers: auth(t.key), payload: { name: 'temp', permissions: [] } });
      await h.sql('delete from audit_events');
      return { method: 'DELETE', url: '/tenant/rbac/roles/temp', headers: auth(t.key) };
    },
    bad: ({ t }) => ({ method: 'DELETE', url: '/tenant/rbac/roles/viewer', headers: auth(t.key) }),
  },
  setUserRoles: {
    action: 'role_assignment.set',
    ok: ({ t }) => ({ method: 'PUT', url: '/tenant/rbac/users/user-123/roles', headers: auth(t.key), payload: { roles: ['admin'] } }),
    bad: ({ t }) => ({ method: 'PUT', url: '/tenant/rbac/users/user-123/roles', headers: auth(t.key), payload: { roles: ['ghost'] } }),
  },
  setResourceLimits: {
    action: 'limits.updated',
    ok: ({ t }) => ({ method: 'PUT', url: '/tenant/limits/resources', headers: auth(t.key), payload: [{ resource: 'llm', metric: 'tokens', period: 'month', limit: 100000 }] }),
    bad: ({ t }) => ({ method: 'PUT', url: '/tenant/limits/resources', headers: auth(t.key), payload: [{ resource: 'llm', metric: 'tokens', period: 'fortnight', limit: 1 }] }),
  },
  createOperatorKey: {
    action: 'operator_key.created',
    ok: ({ op }) => ({ method: 'POST', url: '/api/v1/operator-keys', headers: auth(op), payload: { name: 'ops' } }),
    bad: ({ op }) => ({ method: 'POST', url: '/api/v1/operator-keys', headers: auth(op), payload: { name: '' } }),
  },
  revokeOperatorKey: {
    action: 'operator_key.revoked',
    ok: async ({ op }) => {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/operator-keys', headers: auth(op), payload: { name: 'temp' } });
      await h.sql(`delete from audit_events where action = 'operator_key.created'`);
      return { method: 'DELETE', url: `/api/v1/operator-keys/${res.json().key_id}`, headers: auth(op) };
    },
    bad: ({ op }) => ({ method: 'DELETE', url: '/api/v1/operator-keys/nope', headers: auth(op) }),
  },
  setOwnerPassword: {
    action: 'console_login.password_set',
    ok: ({ t }) => ({ method: 'POST', url: '/api/v1/console-logins', headers: auth(t.key), payload: { email: uniqueEmail(), password: 'correct horse battery' } }),
    bad: ({ t }) => ({ method: 'POST', url: '/api/v1/console-logins', headers: auth(t.key), payload: { email: uniqueEmail(), password: 'short' } }),
  },
  setOperatorPassword: {
    action: 'console_login.password_set',
    gql: true,
    ok: ({ op }) => gqlRequest(op, SetOperatorPassword, { input: { email: uniqueEmail(), password: 'correct horse battery' } }),
    bad: ({ op }) => gqlRequest(op, SetOperatorPassword, { input: { email: 'not an email', password: 'correct horse battery' } }),
  },
};

function gqlRequest(key: string, doc: DocumentNode, variables: unknown): InjectOptions {
  return { method: 'POST', url: '/graphql', headers: { ...auth(key), 'content-type': 'application/json' }, payload: { query: print(doc), variables } };
}

/** A webhook of `t`, created before the operation under test (its own audit entry removed). */
async function webhookOf(t: Registered): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(t.key), payload: { url: 'https://hooks.example.com/w' } });
  await h.sql('delete from audit_events');
  return res.json().id;
}

async function world(): Promise<World> {
  const op = await h.operatorKey();
  const t = await h.register();
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(t.key), payload: { name: 'subject', scopes: ['memory:read'] } });
  await h.sql('delete from audit_events');
  return { t, op, keyId: res.json().key_id };
}

describe('audit trail', () => {
  it('has a case for every mutating operation (every non-GET route and every GraphQL mutation)', async () => {
    const schema = await buildGraphQLSchema();
    // POSTs that only read (a question in a body): no state change, no audit event. Tracking and
    // consuming usage change counters, which is metering, not a change to anything configured:
    // auditing each would bury the trail (README says so).
    // Publishing an event is data-plane traffic in the outbox, not a change to the tenant.
    const readOnly = new Set(['checkPermission', 'checkLimit', 'trackUsage', 'consumeLimit', 'setUsageGauges', 'publishEvent']);
    const mutating = new Set([
      ...REST_ROUTES.filter((r) => r.method !== 'GET' && !readOnly.has(r.operation)).map((r) => r.operation),
      ...Object.keys(schema.getMutationType()!.getFields()).filter((op) => !readOnly.has(op)),
    ]);
    expect([...mutating].filter((op) => !(op in MUTATIONS))).toEqual([]);
  });

  for (const [operation, m] of Object.entries(MUTATIONS)) {
    it(`${operation}: a success writes exactly one "${m.action}" event, a failure writes none`, async () => {
      const w = await world();
      const ok = await h.app.inject(await m.ok(w));
      expect(ok.statusCode, ok.body).toBeLessThan(300);
      if (m.gql) expect(ok.json().errors, ok.body).toBeUndefined();
      const written = await events();
      expect(written.map((e) => e.action)).toEqual([m.action]);
      expect(written[0].request_id).toBe(ok.headers['x-request-id']);
      expect(written[0].ip).toBe('127.0.0.1');

      await h.sql('delete from audit_events');
      const bad = await h.app.inject(m.bad(w));
      if (m.gql) expect(bad.json().errors?.[0]?.extensions?.code).toBeTruthy();
      else expect(bad.statusCode).toBeGreaterThanOrEqual(400);
      expect(await events()).toEqual([]);
    });
  }

  it('records actor, target and a diff, and never key material', async () => {
    const w = await world();
    const created = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(w.t.key), payload: { name: 'svc', scopes: ['memory:read'] } });
    await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(w.t.key), payload: { settings: { retention_days: 7 } } });
    const [keyEvent, tenantEvent] = await events();
    const [{ id: adminKeyId }] = await h.sql(`select id from api_keys where tenant_id = ? and name = 'Default admin key'`, [w.t.tenantId]);
    expect(keyEvent).toMatchObject({ action: 'api_key.created', tenant_id: w.t.tenantId, actor_type: 'key', actor_key_id: adminKeyId, target_id: created.json().key_id });
    expect(tenantEvent.changes).toEqual({ settings: { from: expect.objectContaining({ retention_days: 30 }), to: expect.objectContaining({ retention_days: 7 }) } });
    const dump = JSON.stringify(await h.sql('select * from audit_events'));
    expect(dump).not.toContain(created.json().api_key);
    expect(dump).not.toContain(w.t.key);
    const [{ digest }] = await h.sql('select digest from api_keys where id = ?', [created.json().key_id]);
    expect(dump).not.toContain(digest);
  });

  it('shows URLs without their query strings or fragments, at any depth, in the trail and in the events sent for a change; the configuration keeps them', async () => {
    const t = await h.register();
    const [first, second, third, fourth] = [1, 2, 3, 4].map((n) => `tok${n}-${t.tenantId}`);
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: auth(t.key),
      payload: { url: `https://hooks.example.com/in?token=${first}`, description: `Mirrors to https://mirror.example.com/in?key=${fourth} too` },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    // Only the token changes: still recorded, as a change.
    const updated = await h.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${id}`, headers: auth(t.key), payload: { url: `https://hooks.example.com/in?token=${second}` } });
    expect(updated.statusCode).toBe(200);
    const settings = await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload: { settings: { webhook_url: `https://hooks.example.com/settings#access_token=${third}` } } });
    expect(settings.statusCode).toBe(200);

    const trail = await h.sql<{ action: string; changes: Record<string, { from: unknown; to: unknown }> }>('select action, changes from audit_events where tenant_id = ? order by created_at, id', [t.tenantId]);
    const sent = await h.sql('select data from events where tenant_id = ?', [t.tenantId]);
    const dump = JSON.stringify(trail) + JSON.stringify(sent);
    for (const token of [first, second, third, fourth]) expect(dump).not.toContain(token);
    expect(trail.find((e) => e.action === 'webhook.created')!.changes.description.to).toBe('Mirrors to https://mirror.example.com/in?[redacted] too');
    expect(trail.find((e) => e.action === 'webhook.updated')!.changes.url).toEqual({ from: 'https://hooks.example.com/in?[redacted]', to: 'https://hooks.example.com/in?[redacted]' });
    const tenantChange = trail.find((e) => e.action === 'tenant.updated' && 'settings' in e.changes)!;
    expect(tenantChange.changes.settings.to).toMatchObject({ webhook_url: 'https://hooks.example.com/settings?[redacted]' });
    expect(sent.length).toBeGreaterThan(0);

    const read = await h.app.inject({ url: `/api/v1/webhooks/${id}`, headers: auth(t.key) });
    expect(read.json().url).toBe(`https://hooks.example.com/in?token=${second}`);
  });

  it('tenants read their own events, operators all; filters and paging work over both doors', async () => {
    const a = await world();
    const b = await h.register();
    await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(a.t.key), payload: { name: 'A2' } });
    await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(b.key), payload: { name: 'B2' } });
    const own = await h.app.inject({ url: '/api/v1/tenant/audit', headers: auth(a.t.key) });
    expect(own.statusCode).toBe(200);
    expect(own.json().events.every((e: any) => e.tenant_id === a.t.tenantId)).toBe(true);
    expect(own.json().events.map((e: any) => e.action)).toContain('tenant.updated');
    const all = await h.app.inject({ url: '/api/v1/tenant/audit?limit=200', headers: auth(a.op) });
    const tenants = new Set(all.json().events.map((e: any) => e.tenant_id));
    expect(tenants.has(a.t.tenantId) && tenants.has(b.tenantId)).toBe(true);
    const oneTenant = await h.app.inject({ url: `/api/v1/tenant/audit?tenant_id=${b.tenantId}&action=tenant.updated`, headers: auth(a.op) });
    expect(oneTenant.json().events.map((e: any) => e.tenant_id)).toEqual([b.tenantId]);
    const page1 = await h.app.inject({ url: '/api/v1/tenant/audit?limit=1', headers: auth(a.op) });
    const page2 = await h.app.inject({ url: `/api/v1/tenant/audit?limit=1&cursor=${page1.json().next_cursor}`, headers: auth(a.op) });
    expect(page2.json().events[0].id).not.toBe(page1.json().events[0].id);
    const future = await h.app.inject({ url: `/api/v1/tenant/audit?from=${new Date(Date.now() + 60_000).toISOString()}`, headers: auth(a.op) });
    expect(future.json().events).toEqual([]);
    for (const q of ['limit=0', 'from=yesterday', 'cursor=zzz', 'actor_key_id=7', 'colour=red']) {
      const res = await h.app.inject({ url: `/api/v1/tenant/audit?${q}`, headers: auth(a.op) });
      expect(res.statusCode, q).toBe(400);
    }
  });
});
