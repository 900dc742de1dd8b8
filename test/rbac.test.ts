import { describe, expect, it, vi } from 'vitest';
import type { ServiceContext } from '../src/context';
import { permits } from '../src/modules/rbac/rbac.service';
import { useHarness, type Registered } from './support/harness';
import { CheckPermission, CreateRole, RbacQuery, SetUserRoles, UpdateRbacSettings, UpdateRole } from './support/operations';

const h = useHarness();

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const role = (t: Registered, payload: object, prefix = '') =>
  h.app.inject({ method: 'POST', url: `${prefix}/tenant/rbac/roles`, headers: auth(t.key), payload });
const assign = (t: Registered, user: string, roles: string[]) =>
  h.app.inject({ method: 'PUT', url: `/api/v1/tenant/rbac/users/${user}/roles`, headers: auth(t.key), payload: { roles } });
const check = async (t: Registered, userId: string, permission: string) =>
  (await h.app.inject({ method: 'POST', url: '/api/v1/tenant/rbac/check', headers: auth(t.key), payload: { userId, permission } })).json();

describe('RBAC (reference 002)', () => {
  it("answers the reference's requests with its shapes at both path families", async () => {
    const t = await h.register();
    for (const prefix of ['', '/api/v1']) {
      const got = await h.app.inject({ url: `${prefix}/tenant/rbac`, headers: auth(t.key) });
      expect(got.json()).toEqual({
        enabled: true,
        defaultRole: 'viewer',
        roles: [
          { name: 'admin', description: 'Can read, write and delete', permissions: ['read', 'write', 'delete'], inherits: null },
          { name: 'viewer', description: 'Can read', permissions: ['read'], inherits: null },
        ],
      });
    }
    const created = await role(t, { name: 'editor', description: 'Can edit content', permissions: ['read', 'write'] });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ name: 'editor', description: 'Can edit content', permissions: ['read', 'write'], inherits: null });
    const updated = await h.app.inject({ method: 'PUT', url: '/tenant/rbac/roles/editor', headers: auth(t.key), payload: { permissions: ['read', 'write', 'publish'] } });
    expect(updated.json()).toEqual({ name: 'editor', description: 'Can edit content', permissions: ['read', 'write', 'publish'], inherits: null });
    const deleted = await h.app.inject({ method: 'DELETE', url: '/api/v1/tenant/rbac/roles/editor', headers: auth(t.key) });
    expect(deleted.json()).toEqual({ success: true, message: 'Role deleted' });
    expect((await h.gql(RbacQuery, {}, t.key)).data?.rbac.roles.map((r) => r.name)).toEqual(['admin', 'viewer']);
  });

  it('matches exact permissions and the * and resource:* wildcards', async () => {
    expect(permits('read', 'read')).toBe(true);
    expect(permits('read', 'write')).toBe(false);
    expect(permits('*', 'documents:delete')).toBe(true);
    expect(permits('documents:*', 'documents:write')).toBe(true);
    expect(permits('documents:*', 'documents:drafts:publish')).toBe(true);
    expect(permits('documents:*', 'documents')).toBe(false);
    expect(permits('documents:*', 'documentsx:write')).toBe(false);
    const t = await h.register();
    await role(t, { name: 'docs', permissions: ['documents:*'] });
    await role(t, { name: 'root', permissions: ['*'] });
    await assign(t, 'writer', ['docs']);
    await assign(t, 'boss', ['root']);
    expect(await check(t, 'writer', 'documents:write')).toMatchObject({ allowed: true, grantedBy: 'docs', matched: 'documents:*' });
    expect(await check(t, 'writer', 'billing:read')).toMatchObject({ allowed: false });
    expect(await check(t, 'boss', 'billing:refund')).toMatchObject({ allowed: true, matched: '*' });
  });

  it('inherits along a chain, says through which roles, and caps the depth', async () => {
    const t = await h.register();
    await role(t, { name: 'r0', permissions: ['deep:secret'] });
    for (let i = 1; i < 10; i++) {
      const res = await role(t, { name: `r${i}`, permissions: [`level:${i}`], inherits: `r${i - 1}` });
      expect(res.statusCode, `r${i}`).toBe(201);
    }
    const tooDeep = await role(t, { name: 'r10', permissions: [], inherits: 'r9' });
    expect(tooDeep.statusCode).toBe(400);
    expect(tooDeep.json()).toMatchObject({ field: 'inherits', message: expect.stringMatching(/at most 10 roles deep/) });
    await assign(t, 'u', ['r9']);
    const result = await check(t, 'u', 'deep:secret');
    expect(result).toMatchObject({ allowed: true, role: 'r9', grantedBy: 'r0', viaDefaultRole: false });
    expect(result.via).toEqual(['r9', 'r8', 'r7', 'r6', 'r5', 'r4', 'r3', 'r2', 'r1', 'r0']);
    expect(result.reason).toMatch(/granted by role "r0".*through r8 -> .* -> r0/);
  });

  it('refuses cycles with 400 and changes nothing', async () => {
    const t = await h.register();
    await role(t, { name: 'a', permissions: ['x'] });
    await role(t, { name: 'b', permissions: ['y'], inherits: 'a' });
    await role(t, { name: 'c', permissions: ['z'], inherits: 'b' });
    for (const [name, parent] of [['a', 'c'], ['a', 'a'], ['b', 'c']]) {
      const res = await h.app.inject({ method: 'PUT', url: `/tenant/rbac/roles/${name}`, headers: auth(t.key), payload: { inherits: parent } });
      expect(res.statusCode, `${name} -> ${parent}`).toBe(400);
      expect(res.json().message).toMatch(/cycle/);
    }
    const gql = await h.gql(UpdateRole, { name: 'a', input: { inherits: 'b' } }, t.key);
    expect(gql.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inherits' });
    const view = (await h.app.inject({ url: '/tenant/rbac', headers: auth(t.key) })).json();
    expect(view.roles.filter((r: any) => ['a', 'b', 'c'].includes(r.name)).map((r: any) => [r.name, r.inherits])).toEqual([
      ['a', null],
      ['b', 'a'],
      ['c', 'b'],
    ]);
  });

  it('answers 409 with the reason for a duplicate name, the default role, a parent role and an assigned role', async () => {
    const t = await h.register();
    const dup = await role(t, { name: 'viewer', permissions: ['read'] });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().message).toMatch(/already exists/);
    const cases: [string, RegExp][] = [['viewer', /is the default role/]];
    await role(t, { name: 'base', permissions: ['read'] });
    await role(t, { name: 'child', permissions: [], inherits: 'base' });
    cases.push(['base', /inherited by "child"/]);
    await assign(t, 'someone', ['admin']);
    cases.push(['admin', /assigned to 1 user/]);
    for (const [name, reason] of cases) {
      const res = await h.app.inject({ method: 'DELETE', url: `/tenant/rbac/roles/${name}`, headers: auth(t.key) });
      expect(res.statusCode, name).toBe(409);
      expect(res.json().message).toMatch(reason);
    }
    expect((await h.gql(RbacQuery, {}, t.key)).data?.rbac.roles.map((r) => r.name)).toEqual(['admin', 'base', 'child', 'viewer']);
  });

  it('a user with no assignment has the default role; an empty assignment returns to it', async () => {
    const t = await h.register();
    expect(await check(t, 'new-user', 'read')).toMatchObject({ allowed: true, role: 'viewer', viaDefaultRole: true });
    expect(await check(t, 'new-user', 'write')).toMatchObject({ allowed: false, viaDefaultRole: true });
    const changed = await h.gql(UpdateRbacSettings, { defaultRole: 'admin' }, t.key);
    expect(changed.data?.updateRbacSettings.defaultRole).toBe('admin');
    expect(await check(t, 'new-user', 'write')).toMatchObject({ allowed: true, role: 'admin', viaDefaultRole: true });
    await h.gql(SetUserRoles, { userId: 'new-user', roles: ['viewer'] }, t.key);
    expect(await check(t, 'new-user', 'write')).toMatchObject({ allowed: false, viaDefaultRole: false });
    const reset = await h.gql(SetUserRoles, { userId: 'new-user', roles: [] }, t.key);
    expect(reset.data?.setUserRoles).toEqual({ userId: 'new-user', roles: ['admin'], defaultRole: true });
    const read = await h.app.inject({ url: '/tenant/rbac/users/new-user/roles', headers: auth(t.key) });
    expect(read.json()).toEqual({ userId: 'new-user', roles: ['admin'], defaultRole: true });
  });

  it('says so when RBAC is disabled', async () => {
    const t = await h.register();
    await h.app.inject({ method: 'PUT', url: '/tenant/rbac', headers: auth(t.key), payload: { enabled: false } });
    const res = await h.gql(CheckPermission, { userId: 'u', permission: 'anything' }, t.key);
    expect(res.data?.checkPermission).toMatchObject({ enabled: false, allowed: true, reason: expect.stringMatching(/disabled/) });
  });

  it("keeps each tenant's roles and assignments apart", async () => {
    const a = await h.register();
    const b = await h.register();
    await role(a, { name: 'editor', permissions: ['write'] });
    await assign(a, 'shared-user', ['editor']);
    // The same role name and user id in B are B's own.
    expect((await role(b, { name: 'editor', permissions: ['read'] })).statusCode).toBe(201);
    expect(await check(b, 'shared-user', 'write')).toMatchObject({ allowed: false, viaDefaultRole: true });
    expect(await check(a, 'shared-user', 'write')).toMatchObject({ allowed: true, grantedBy: 'editor' });
    expect((await assign(b, 'x', ['a-only-role'])).statusCode).toBe(400);
  });

  it('checks in at most one query, none when cached, and sees every change at once', async () => {
    const t = await h.register();
    await assign(t, 'cached-user', ['viewer']);
    const ctx: ServiceContext = { em: h.orm.em.fork() as any, requestId: 'r', ip: '127.0.0.1', principal: null, tenantId: t.tenantId };
    const connection = h.orm.em.getConnection();
    const spy = vi.spyOn(connection, 'execute');
    try {
      await h.services.rbac.check(ctx, { userId: 'cached-user', permission: 'read' });
      expect(spy).toHaveBeenCalledTimes(1);
      spy.mockClear();
      expect((await h.services.rbac.check(ctx, { userId: 'cached-user', permission: 'write' })).allowed).toBe(false);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    await h.gql(UpdateRole, { name: 'viewer', input: { permissions: ['read', 'write'] } }, t.key);
    expect((await h.services.rbac.check(ctx, { userId: 'cached-user', permission: 'write' })).allowed).toBe(true);
  });

  it('refuses bad input with 400 naming the field, changing nothing', async () => {
    const t = await h.register();
    const before = (await h.app.inject({ url: '/tenant/rbac', headers: auth(t.key) })).json();
    const cases: [string, string, object, string][] = [
      ['POST', '/tenant/rbac/roles', { name: 'Editor', permissions: [] }, 'name'],
      ['POST', '/tenant/rbac/roles', { name: 'e', permissions: 'read' }, 'permissions'],
      ['POST', '/tenant/rbac/roles', { name: 'e', permissions: ['Read Stuff'] }, 'permissions.0'],
      ['POST', '/tenant/rbac/roles', { name: 'e', permissions: ['*:read'] }, 'permissions.0'],
      ['POST', '/tenant/rbac/roles', { name: 'e', permissions: [], inherits: 'ghost' }, 'inherits'],
      ['POST', '/tenant/rbac/roles', { name: 'e', permissions: [], color: 'red' }, 'color'],
      ['PUT', '/tenant/rbac/roles/viewer', { permissions: [1] }, 'permissions.0'],
      ['PUT', '/tenant/rbac', { enabled: 'yes' }, 'enabled'],
      ['PUT', '/tenant/rbac', { defaultRole: 'ghost' }, 'defaultRole'],
      ['PUT', '/tenant/rbac/users/u1/roles', { roles: 'admin' }, 'roles'],
      ['PUT', '/tenant/rbac/users/u1/roles', { roles: ['ghost'] }, 'roles.0'],
      ['PUT', '/tenant/rbac/users/bad%20user/roles', { roles: [] }, 'userId'],
      ['POST', '/tenant/rbac/check', { userId: 'u', permission: 'docs:*' }, 'permission'],
      ['POST', '/tenant/rbac/check', { userId: '', permission: 'read' }, 'userId'],
    ];
    for (const [method, url, payload, field] of cases) {
      const res = await h.app.inject({ method: method as any, url, headers: auth(t.key), payload });
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}`).toBe(400);
      expect(res.json().field).toBe(field);
    }
    expect((await h.app.inject({ method: 'PUT', url: '/tenant/rbac/roles/ghost', headers: auth(t.key), payload: { permissions: [] } })).statusCode).toBe(404);
    expect((await h.app.inject({ url: '/tenant/rbac', headers: auth(t.key) })).json()).toEqual(before);
    expect(await h.sql('select * from role_assignments where tenant_id = ?', [t.tenantId])).toEqual([]);
    const gql = await h.gql(CreateRole, { input: { name: 'x y', permissions: [] } }, t.key);
    expect(gql.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });
});
