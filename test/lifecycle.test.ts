import { describe, expect, it } from 'vitest';
import { chores, Housekeeping } from '../src/housekeeping';
import { useHarness, type Registered } from './support/harness';
import { DeleteTenant, PurgeTenant, ReactivateTenant, SuspendTenant, TenantById, Tenants } from './support/operations';

const h = useHarness();

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const read = (key: string) => h.app.inject({ url: '/api/v1/tenant', headers: auth(key) });

/** A tenant with rows in every tenant-owned table, so a purge has something everywhere. */
async function populated(): Promise<Registered & { extraKey: string }> {
  const t = await h.register();
  const extraKey = await h.keyWith(t, ['tenant:read']);
  await h.app.inject({ method: 'POST', url: '/api/tenant-setting', headers: auth(t.key), payload: { name: 'CURRENCY', value: 'EUR' } });
  await h.app.inject({ method: 'POST', url: '/tenant/secrets', headers: auth(t.key), payload: { key: 'TOKEN', value: 'x' } });
  await h.app.inject({ method: 'POST', url: '/tenant/config', headers: auth(t.key), payload: { cache: { enabled: true } } });
  await h.app.inject({ method: 'PUT', url: '/tenant/rbac/users/user-1/roles', headers: auth(t.key), payload: { roles: ['admin'] } });
  await h.app.inject({ method: 'PUT', url: '/tenant/limits/resources', headers: auth(t.key), payload: [{ resource: 'llm', metric: 'tokens', period: 'day', limit: 10 }] });
  await h.app.inject({ method: 'PUT', url: '/usage/gauges', headers: auth(t.key), payload: { user_count: 3 } });
  await h.app.inject({ method: 'POST', url: '/tenant/limits/resources/track', headers: auth(t.key), payload: { resource: 'llm', metric: 'tokens', amount: 9, idempotencyKey: 'k1' } });
  await h.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(t.key), payload: { url: 'https://hooks.example.com/x' } });
  await h.app.inject({ method: 'POST', url: '/api/v1/events', headers: auth(t.key), payload: { type: 'memory.ingested' } });
  await h.services.deliveries.dispatch();
  // A console owner, signed in: a login and a session.
  const owner = { email: `owner-${t.tenantId}@example.com`, password: 'a long owner password' };
  await h.app.inject({ method: 'POST', url: '/api/v1/console-logins', headers: auth(t.key), payload: owner });
  await h.app.inject({ method: 'POST', url: '/console/auth/login', headers: { 'x-tenantry-console': '1' }, payload: owner });
  // An attempt row as the worker writes it (no receiver is reachable from this test).
  await h.sql(
    `insert into webhook_attempts (id, tenant_id, delivery_id, attempt, success, latency_ms)
     select gen_random_uuid(), tenant_id, id, 1, false, 5 from webhook_deliveries where tenant_id = ?`,
    [t.tenantId],
  );
  return { ...t, extraKey };
}

/** Rows per table for a tenant: `tenants` by id, every other table with a tenant_id column. */
async function rowsOwnedBy(tenantId: string): Promise<Record<string, number>> {
  const tables = await h.sql<{ table_name: string }>(
    `select table_name from information_schema.columns where table_schema = 'public' and column_name = 'tenant_id' order by table_name`,
  );
  const counts: Record<string, number> = { tenants: (await h.sql('select count(*)::int as n from tenants where id = ?', [tenantId]))[0].n };
  for (const { table_name } of tables) {
    counts[table_name] = (await h.sql(`select count(*)::int as n from "${table_name}" where tenant_id = ?`, [tenantId]))[0].n;
  }
  return counts;
}

const none = (counts: Record<string, number>) => Object.values(counts).every((n) => n === 0);

describe('tenant lifecycle', () => {
  it('suspend: every key answers 403 with a clear message; reactivate: they work again', async () => {
    const op = await h.operatorKey();
    const t = await populated();
    const suspended = await h.app.inject({ method: 'POST', url: `/api/v1/tenants/${t.tenantId}/suspend`, headers: auth(op) });
    expect(suspended.json()).toMatchObject({ data: { id: t.tenantId, status: 'suspended' }, success: true });
    for (const key of [t.key, t.extraKey]) {
      const res = await read(key);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ error: 'Forbidden', message: 'Tenant is suspended' });
    }
    // Suspending again changes nothing; an operator still reads the tenant.
    expect((await h.gql(SuspendTenant, { id: t.tenantId }, op)).data?.suspendTenant.status).toBe('SUSPENDED');
    expect((await h.gql(TenantById, { id: t.tenantId }, op)).data?.tenantById.status).toBe('SUSPENDED');
    const back = await h.gql(ReactivateTenant, { id: t.tenantId }, op);
    expect(back.data?.reactivateTenant.status).toBe('ACTIVE');
    expect((await read(t.key)).statusCode).toBe(200);
    expect((await read(t.extraKey)).statusCode).toBe(200);
  });

  it('delete: soft, every key revoked in the same transaction, gone from tenant reads, visible to operators', async () => {
    const op = await h.operatorKey();
    const t = await populated();
    const res = await h.app.inject({ method: 'DELETE', url: `/api/v1/tenants/${t.tenantId}`, headers: auth(t.key) });
    expect(res.json()).toEqual({ message: 'Tenant deleted successfully', success: true });
    const keys = await h.sql('select revoked_at from api_keys where tenant_id = ?', [t.tenantId]);
    expect(keys).toHaveLength(2);
    for (const k of keys) expect(k.revoked_at).not.toBeNull();
    for (const key of [t.key, t.extraKey]) expect((await read(key)).statusCode).toBe(401);

    const seen = await h.app.inject({ url: `/api/v1/tenants/${t.tenantId}`, headers: auth(op) });
    expect(seen.json().data).toMatchObject({ status: 'deleted', deleted_at: expect.stringMatching(/Z$/) });
    const viaHeader = await h.app.inject({ url: '/api/v1/tenant', headers: { ...auth(op), 'x-tenant-id': t.tenantId } });
    expect(viaHeader.statusCode).toBe(404);
    const listed = await h.gql(Tenants, { filter: { status: 'DELETED' }, first: 100 }, op);
    expect(listed.data?.tenants.edges.map((e) => e.node.id)).toContain(t.tenantId);

    // Deleted is final: no suspend, no reactivation, no second delete.
    for (const doc of [SuspendTenant, ReactivateTenant]) {
      const again = await h.gql(doc, { id: t.tenantId }, op);
      expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    }
    const twice = await h.gql(DeleteTenant, { id: t.tenantId }, op);
    expect(twice.data?.deleteTenant.status).toBe('DELETED');
  });

  it("a rolled-back delete leaves every key working (one transaction)", async () => {
    const t = await populated();
    // Make the status write fail after the key revocation by violating the status check.
    await h.ownerSql(`alter table tenants add constraint no_delete_for_test check (status <> 'deleted' or name <> 'Undeletable')`);
    try {
      await h.sql(`update tenants set name = 'Undeletable' where id = ?`, [t.tenantId]);
      const res = await h.app.inject({ method: 'DELETE', url: '/api/tenant', headers: auth(t.key) });
      expect(res.statusCode).toBe(500);
      expect((await read(t.key)).statusCode).toBe(200);
      expect((await h.sql('select count(*)::int as n from api_keys where tenant_id = ? and revoked_at is not null', [t.tenantId]))[0].n).toBe(0);
    } finally {
      await h.ownerSql('alter table tenants drop constraint no_delete_for_test');
    }
  });

  it('purge: refused until deleted, then removes every row the tenant owned', async () => {
    const op = await h.operatorKey();
    const t = await populated();
    const early = await h.app.inject({ method: 'POST', url: `/api/v1/tenants/${t.tenantId}/purge`, headers: auth(op) });
    expect(early.statusCode).toBe(409);
    const before = await rowsOwnedBy(t.tenantId);
    // Every tenant-owned table has rows, so the purge below is tested on each of them.
    expect(Object.entries(before).filter(([, n]) => n === 0)).toEqual([]);
    await h.app.inject({ method: 'DELETE', url: '/api/tenant', headers: auth(t.key) });
    const purged = await h.gql(PurgeTenant, { id: t.tenantId }, op);
    expect(purged.data?.purgeTenant).toBe(t.tenantId);
    expect(none(await rowsOwnedBy(t.tenantId))).toBe(true);
    const again = await h.gql(PurgeTenant, { id: t.tenantId }, op);
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('the background job purges deleted tenants past their retention_days, and only those', async () => {
    const expired = await populated();
    const recent = await populated();
    const alive = await populated();
    await h.sql(`update tenants set status = 'deleted', deleted_at = now() - interval '31 days' where id = ?`, [expired.tenantId]);
    await h.sql(`update tenants set status = 'deleted', deleted_at = now() - interval '29 days' where id = ?`, [recent.tenantId]);
    const purged: string[] = [];
    const job = new Housekeeping(h.orm, chores(h.services, { purged: (ids) => purged.push(...ids), swept: () => {} }), (err) => {
      throw err;
    });
    job.start(3600);
    await job.stop();
    expect(purged).toContain(expired.tenantId);
    expect(purged).not.toContain(recent.tenantId);
    expect(none(await rowsOwnedBy(expired.tenantId))).toBe(true);
    expect((await rowsOwnedBy(recent.tenantId)).tenants).toBe(1);
    expect((await rowsOwnedBy(alive.tenantId)).tenants).toBe(1);
  });

  it('a tenant with a longer retention is kept longer', async () => {
    const t = await h.register({ settings: { retention_days: 90 } });
    await h.sql(`update tenants set status = 'deleted', deleted_at = now() - interval '60 days' where id = ?`, [t.tenantId]);
    expect(await h.services.tenants.purgeExpired(h.orm.em.fork())).not.toContain(t.tenantId);
    await h.sql(`update tenants set deleted_at = now() - interval '91 days' where id = ?`, [t.tenantId]);
    expect(await h.services.tenants.purgeExpired(h.orm.em.fork())).toContain(t.tenantId);
  });

  it('operators change status through PUT as well, by the same rules', async () => {
    const op = await h.operatorKey();
    const t = await h.register();
    const res = await h.app.inject({ method: 'PUT', url: `/api/v1/tenants/${t.tenantId}`, headers: auth(op), payload: { status: 'suspended', storage_quota: 0 } });
    expect(res.json().data).toMatchObject({ status: 'suspended', storage_quota: 0 });
    expect((await read(t.key)).statusCode).toBe(403);
    const del = await h.app.inject({ method: 'PUT', url: `/api/v1/tenants/${t.tenantId}`, headers: auth(op), payload: { status: 'deleted' } });
    expect(del.json().data.deleted_at).not.toBeNull();
    const revive = await h.app.inject({ method: 'PUT', url: `/api/v1/tenants/${t.tenantId}`, headers: auth(op), payload: { status: 'active' } });
    expect(revive.statusCode).toBe(409);
  });
});
