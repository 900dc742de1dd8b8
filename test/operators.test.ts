import { describe, expect, it } from 'vitest';
import { uniqueEmail, useHarness } from './support/harness';
import { CreateTenant, TenantById, Tenants, UpdateTenantById } from './support/operations';

const h = useHarness();

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

describe('the operator tenant list', () => {
  it('pages newest first with cursors, counts, and filters by status, plan and search', async () => {
    const op = await h.operatorKey();
    const marker = `Acme${Date.now()}`;
    const made = [];
    for (let i = 0; i < 5; i++) {
      const created = await h.gql(CreateTenant, { input: { name: `${marker} ${i}`, email: uniqueEmail(), plan: i % 2 ? 'pro' : 'free' } }, op);
      made.push(created.data!.createTenant.tenant.id);
    }
    const filter = { search: marker };
    const seen: string[] = [];
    let after: string | null | undefined;
    for (let page = 0; page < 3; page++) {
      const res = await h.gql(Tenants, { first: 2, after, filter }, op);
      expect(res.errors).toBeUndefined();
      expect(res.data!.tenants.totalCount).toBe(5);
      seen.push(...res.data!.tenants.edges.map((e) => e.node.id));
      after = res.data!.tenants.pageInfo.endCursor;
      expect(res.data!.tenants.pageInfo.hasNextPage).toBe(page < 2);
    }
    expect(seen).toEqual([...made].reverse());

    const pro = await h.gql(Tenants, { filter: { ...filter, plan: 'pro' } }, op);
    expect(pro.data!.tenants.edges.map((e) => e.node.id)).toEqual([made[3], made[1]]);
    await h.app.inject({ method: 'POST', url: `/api/v1/tenants/${made[0]}/suspend`, headers: auth(op) });
    const suspended = await h.gql(Tenants, { filter: { ...filter, status: 'SUSPENDED' } }, op);
    expect(suspended.data!.tenants.edges.map((e) => e.node.id)).toEqual([made[0]]);

    // Search matches email too, and treats % and _ literally.
    const [{ email }] = await h.sql('select email from tenants where id = ?', [made[2]]);
    const byEmail = await h.gql(Tenants, { filter: { search: email.toUpperCase() } }, op);
    expect(byEmail.data!.tenants.edges.map((e) => e.node.id)).toEqual([made[2]]);
    const wildcard = await h.gql(Tenants, { filter: { search: '%' } }, op);
    expect(wildcard.data!.tenants.totalCount).toBe(0);

    const rest = await h.app.inject({ url: `/api/v1/tenants?search=${marker}&limit=2`, headers: auth(op) });
    expect(rest.json().data.items.map((t: any) => t.id)).toEqual([made[4], made[3]]);
    const next = await h.app.inject({ url: `/api/v1/tenants?search=${marker}&limit=2&cursor=${rest.json().data.next_cursor}`, headers: auth(op) });
    expect(next.json().data.items.map((t: any) => t.id)).toEqual([made[2], made[1]]);
  });

  it('refuses bad paging arguments with BAD_USER_INPUT', async () => {
    const op = await h.operatorKey();
    for (const variables of [{ first: 0 }, { first: 101 }, { after: 'not-a-cursor' }]) {
      const res = await h.gql(Tenants, variables as any, op);
      expect(res.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
    }
  });
});

describe('operators manage any tenant', () => {
  it('create tenants with plan and quota; tenants cannot set those on themselves', async () => {
    const op = await h.operatorKey();
    const created = await h.gql(CreateTenant, { input: { name: 'Big Co', plan: 'enterprise', storageQuota: 0 } }, op);
    const { tenant, key } = created.data!.createTenant;
    expect(tenant).toMatchObject({ plan: 'enterprise', storageQuota: 0, status: 'ACTIVE' });
    const self = await h.gql(UpdateTenantById, { id: tenant.id, input: { plan: 'free' } }, key);
    expect(self.errors?.[0]).toMatchObject({ message: 'Only platform operators can change plan', extensions: { code: 'FORBIDDEN' } });
    const byOp = await h.gql(UpdateTenantById, { id: tenant.id, input: { plan: 'pro', name: 'Big Co 2' } }, op);
    expect(byOp.data!.updateTenantById).toMatchObject({ plan: 'pro', name: 'Big Co 2' });
    const read = await h.gql(TenantById, { id: tenant.id }, op);
    expect(read.data!.tenantById.plan).toBe('pro');
  });

  it('refuse bad input for createTenant, writing nothing', async () => {
    const op = await h.operatorKey();
    const before = (await h.sql('select count(*)::int as n from tenants'))[0].n;
    const cases = [
      { name: 'x', plan: 'Not A Plan' },
      { name: 'x', status: 'DELETED' },
      { name: '', plan: 'pro' },
      { name: 'x', storageQuota: 2 ** 60 },
    ];
    for (const input of cases) {
      const res = await h.gql(CreateTenant, { input } as any, op);
      expect(res.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe('BAD_USER_INPUT');
    }
    expect((await h.sql('select count(*)::int as n from tenants'))[0].n).toBe(before);
  });

  it('register while registration is open or closed', async () => {
    const op = await h.operatorKey();
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: auth(op), payload: { name: 'By operator', plan: 'pro' } });
    expect(res.statusCode).toBe(201);
    expect((await h.sql('select plan from tenants where id = ?', [res.json().tenant_id]))[0].plan).toBe('pro');
  });
});

describe('bad input to operator operations', () => {
  it('malformed or unknown ids answer 404 and change nothing', async () => {
    const op = await h.operatorKey();
    const t = await h.register();
    const [before] = await h.sql('select * from tenants where id = ?', [t.tenantId]);
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000', "1' or '1'='1"]) {
      for (const [method, suffix] of [['GET', ''], ['PUT', ''], ['DELETE', ''], ['POST', '/suspend'], ['POST', '/reactivate'], ['POST', '/purge']] as const) {
        const res = await h.app.inject({ method, url: `/api/v1/tenants/${encodeURIComponent(id)}${suffix}`, headers: auth(op), payload: method === 'PUT' ? { name: 'x' } : undefined });
        expect(res.statusCode, `${method} ${id}${suffix}`).toBe(404);
        expect(res.json()).toEqual({ error: 'Not Found', message: 'Tenant not found' });
      }
    }
    expect((await h.sql('select * from tenants where id = ?', [t.tenantId]))[0]).toEqual(before);
  });

  it('operator keys: bad names, past expiries and bad ids are refused, nothing written', async () => {
    const op = await h.operatorKey();
    const count = async () => (await h.sql('select count(*)::int as n from api_keys where tenant_id is null'))[0].n;
    const before = await count();
    const cases: [object, string][] = [
      [{ name: '' }, 'name'],
      [{ name: 'x', expires_at: '2001-01-01T00:00:00Z' }, 'expires_at'],
      [{ name: 'x', scopes: ['tenant:admin'] }, 'scopes'],
    ];
    for (const [payload, field] of cases) {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/operator-keys', headers: auth(op), payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().field).toBe(field);
    }
    expect(await count()).toBe(before);
    const badId = await h.app.inject({ method: 'DELETE', url: '/api/v1/operator-keys/nope', headers: auth(op) });
    expect(badId.statusCode).toBe(400);
    const unknown = await h.app.inject({ method: 'DELETE', url: '/api/v1/operator-keys/00000000-0000-4000-8000-000000000000', headers: auth(op) });
    expect(unknown.statusCode).toBe(404);
  });
});
