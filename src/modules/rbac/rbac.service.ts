import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { requireTenant, type ServiceContext } from '../../context';
import { badInput, conflict, notFound } from '../../errors';
import { parseInput } from '../../validation';
import type { ChangeFeed } from '../../db/change-feed';
import type { AuditService } from '../audit/audit.service';
import { Tenant } from '../tenants/tenant.entity';
import { RbacConfig, Role, RoleAssignment } from './rbac.entity';
import { lockTenant } from '../tenants/tenant-lock';

export const MAX_ROLES_PER_TENANT = 100;
export const MAX_PERMISSIONS_PER_ROLE = 100;
export const MAX_INHERITANCE_DEPTH = 10;
export const MAX_ROLES_PER_USER = 20;
/** How long another instance may serve a permission answer from before a change (see README). */
export const CACHE_TTL_MS = 5000;

const ROLE_NAME = /^[a-z][a-z0-9-]{0,63}$/;
const FIRST = '[a-z][a-z0-9_.-]{0,63}';
const NEXT = '[a-z0-9][a-z0-9_.-]{0,63}';
/** `read`, `documents:write`, `documents:*`, `*`: a wildcard only as the whole last segment. */
const PERMISSION_PATTERN = new RegExp(`^(\\*|${FIRST}(:${NEXT}){0,3}(:\\*)?)$`);
/** What is checked: a concrete permission, no wildcard. */
const PERMISSION = new RegExp(`^${FIRST}(:${NEXT}){0,3}$`);
const USER_ID = /^[A-Za-z0-9._:@|+-]{1,200}$/;

const roleName = z.string({ error: 'must be a string' }).regex(ROLE_NAME, 'must be a slug: lowercase letters, digits and -, starting with a letter, at most 64');
const permissions = z
  .array(z.string({ error: 'must be a string' }).regex(PERMISSION_PATTERN, 'must be a permission like "read", "documents:write", "documents:*" or "*"'), {
    error: 'must be an array of permissions',
  })
  .max(MAX_PERMISSIONS_PER_ROLE, `at most ${MAX_PERMISSIONS_PER_ROLE} permissions`)
  .transform((p) => [...new Set(p)]);
const description = z.string({ error: 'must be a string' }).max(500, 'must be at most 500 characters');
const userId = z.string({ error: 'must be a string' }).regex(USER_ID, 'must be 1-200 characters: letters, digits and . _ : @ | + -');

export const createSchema = z.strictObject({ name: roleName, description: description.nullish(), permissions, inherits: roleName.nullish() });
export const updateSchema = z.strictObject({ description: description.nullish(), permissions: permissions.optional(), inherits: roleName.nullish() });
export const settingsSchema = z.strictObject({ enabled: z.boolean({ error: 'must be true or false' }).optional(), defaultRole: roleName.optional() });
export const assignSchema = z.strictObject({
  roles: z.array(roleName, { error: 'must be an array of role names' }).max(MAX_ROLES_PER_USER, `at most ${MAX_ROLES_PER_USER} roles`).transform((r) => [...new Set(r)]),
});
export const checkSchema = z.strictObject({
  userId,
  permission: z.string({ error: 'must be a string' }).regex(PERMISSION, 'must be a permission like "read" or "documents:write" (no wildcard)'),
});

/** Does a granted pattern cover a checked permission? `*` covers all, `docs:*` covers `docs:...`. */
export function permits(pattern: string, permission: string): boolean {
  if (pattern === '*' || pattern === permission) return true;
  return pattern.endsWith(':*') && permission.startsWith(pattern.slice(0, -1));
}

export interface RoleView {
  name: string;
  description: string | null;
  permissions: string[];
  inherits: string | null;
}

export interface RbacView {
  enabled: boolean;
  defaultRole: string;
  roles: RoleView[];
}

export interface CheckResult {
  allowed: boolean;
  enabled: boolean;
  userId: string;
  permission: string;
  /** The user's role that led to the grant (assigned, or the default role). */
  role: string | null;
  /** Whether the user has no assignment and so holds the default role. */
  viaDefaultRole: boolean;
  /** The role (in the inheritance chain) whose permission matched. */
  grantedBy: string | null;
  /** The chain walked from `role` up to `grantedBy`. */
  via: string[];
  /** The permission pattern that matched. */
  matched: string | null;
  reason: string;
}

interface GraphRole {
  name: string;
  permissions: string[];
  parentId: string | null;
}

interface TenantGraph {
  loadedAt: number;
  enabled: boolean;
  defaultRoleId: string;
  roles: Map<string, GraphRole>;
  users: Map<string, string[]>;
}

/** Roles of the tenant's end-users, their assignments, and the permission check. */
export class RbacService {
  private readonly cache = new Map<string, TenantGraph>();

  constructor(
    private readonly audit: AuditService,
    private readonly feed: ChangeFeed,
  ) {
    // Another instance changed a tenant's roles: drop its graph here too.
    feed.subscribe((m) => {
      if (m.kind === 'all') this.cache.clear();
      else if (m.kind === 'rbac' || m.kind === 'tenant') this.cache.delete(m.id);
    });
  }

  /** What a new tenant starts with: the reference's viewer and admin roles, viewer by default. */
  seed(em: EntityManager, tenant: Tenant): void {
    const viewer = em.create(Role, { tenant, name: 'viewer', description: 'Can read', permissions: ['read'] });
    em.create(Role, { tenant, name: 'admin', description: 'Can read, write and delete', permissions: ['read', 'write', 'delete'] });
    em.create(RbacConfig, { tenant, enabled: true, defaultRole: viewer });
  }

  async get(ctx: ServiceContext): Promise<RbacView> {
    const tenantId = requireTenant(ctx);
    return this.view(ctx.em, tenantId);
  }

  async updateSettings(ctx: ServiceContext, input: unknown): Promise<RbacView> {
    const data = parseInput(settingsSchema, input);
    return this.change(ctx, async (em, tenantId) => {
      const config = await em.findOneOrFail(RbacConfig, { tenant: tenantId }, { populate: ['defaultRole'] });
      const before = { enabled: config.enabled, defaultRole: config.defaultRole.getEntity().name };
      if (data.enabled !== undefined) config.enabled = data.enabled;
      if (data.defaultRole !== undefined) {
        const role = await em.findOne(Role, { tenant: tenantId, name: data.defaultRole });
        if (!role) throw badInput([{ field: 'defaultRole', message: `no role named "${data.defaultRole}"` }]);
        config.defaultRole = ref(role);
      }
      const after = { enabled: config.enabled, defaultRole: data.defaultRole ?? before.defaultRole };
      this.audit.record(em, ctx, { action: 'rbac.updated', targetType: 'rbac', targetId: tenantId, before, after });
      return null;
    }).then(() => this.view(ctx.em, requireTenant(ctx)));
  }

  async createRole(ctx: ServiceContext, input: unknown): Promise<RoleView> {
    const data = parseInput(createSchema, input);
    await this.change(ctx, async (em, tenantId, tenant) => {
      if (await em.findOne(Role, { tenant: tenantId, name: data.name })) throw conflict(`A role named "${data.name}" already exists`, 'name');
      if ((await em.count(Role, { tenant: tenantId })) >= MAX_ROLES_PER_TENANT) {
        throw conflict(`A tenant may hold at most ${MAX_ROLES_PER_TENANT} roles`);
      }
      const parent = data.inherits ? await this.parentFor(em, tenantId, data.inherits, null) : null;
      const role = em.create(Role, { tenant, name: data.name, description: data.description ?? null, permissions: data.permissions, parent });
      this.audit.record(em, ctx, { action: 'role.created', targetType: 'role', targetId: role.name, before: null, after: this.snapshot(role, data.inherits ?? null) });
    });
    return this.roleView(ctx, data.name);
  }

  async updateRole(ctx: ServiceContext, name: string, input: unknown): Promise<RoleView> {
    const data = parseInput(updateSchema, input);
    await this.change(ctx, async (em, tenantId) => {
      const role = await this.findRole(em, tenantId, name);
      const parentName = role.parent ? (await em.findOneOrFail(Role, role.parent.id)).name : null;
      const before = this.snapshot(role, parentName);
      if (data.description !== undefined) role.description = data.description;
      if (data.permissions !== undefined) role.permissions = data.permissions;
      let inherits = parentName;
      if (data.inherits !== undefined) {
        role.parent = data.inherits ? ref(await this.parentFor(em, tenantId, data.inherits, role)) : null;
        inherits = data.inherits ?? null;
      }
      this.audit.record(em, ctx, { action: 'role.updated', targetType: 'role', targetId: role.name, before, after: this.snapshot(role, inherits) });
    });
    return this.roleView(ctx, name);
  }

  private async roleView(ctx: ServiceContext, name: string): Promise<RoleView> {
    return (await this.view(ctx.em, requireTenant(ctx))).roles.find((r) => r.name === name)!;
  }

  /** Refused (409, with the reason) for the default role, a parent role, or an assigned role. */
  async deleteRole(ctx: ServiceContext, name: string): Promise<Role> {
    return this.change(ctx, async (em, tenantId) => {
      const role = await this.findRole(em, tenantId, name);
      const config = await em.findOneOrFail(RbacConfig, { tenant: tenantId });
      if (config.defaultRole.id === role.id) throw conflict(`Role "${name}" is the default role; choose another default first`);
      const children = await em.find(Role, { tenant: tenantId, parent: role.id }, { orderBy: { name: 'asc' } });
      if (children.length) throw conflict(`Role "${name}" is inherited by ${children.map((c) => `"${c.name}"`).join(', ')}`);
      const assigned = await em.count(RoleAssignment, { tenant: tenantId, role: role.id });
      if (assigned) throw conflict(`Role "${name}" is assigned to ${assigned} user${assigned > 1 ? 's' : ''}`);
      em.remove(role);
      this.audit.record(em, ctx, { action: 'role.deleted', targetType: 'role', targetId: role.name, before: this.snapshot(role, null), after: null });
      return role;
    });
  }

  async userRoles(ctx: ServiceContext, user: string): Promise<{ userId: string; roles: string[]; defaultRole: boolean }> {
    const tenantId = requireTenant(ctx);
    const id = parseInput(z.strictObject({ userId }), { userId: user }).userId;
    const view = await this.view(ctx.em, tenantId);
    const assignments = await ctx.em.find(RoleAssignment, { tenant: tenantId, userId: id }, { populate: ['role'] });
    const roles = assignments.map((a) => a.role.getEntity().name).sort();
    return roles.length ? { userId: id, roles, defaultRole: false } : { userId: id, roles: [view.defaultRole], defaultRole: true };
  }

  /** Replaces the user's roles; an empty list returns the user to the default role. */
  async setUserRoles(ctx: ServiceContext, user: string, input: unknown) {
    const id = parseInput(z.strictObject({ userId }), { userId: user }).userId;
    const { roles } = parseInput(assignSchema, input);
    await this.change(ctx, async (em, tenantId, tenant) => {
      const found = await em.find(Role, { tenant: tenantId, name: { $in: roles } });
      const missing = roles.filter((r) => !found.some((f) => f.name === r));
      if (missing.length) throw badInput(missing.map((r) => ({ field: `roles.${roles.indexOf(r)}`, message: `no role named "${r}"` })));
      const current = await em.find(RoleAssignment, { tenant: tenantId, userId: id }, { populate: ['role'] });
      const before = current.map((a) => a.role.getEntity().name).sort();
      for (const a of current) em.remove(a);
      await em.flush();
      for (const role of found) em.create(RoleAssignment, { tenant, userId: id, role });
      this.audit.record(em, ctx, { action: 'role_assignment.set', targetType: 'user', targetId: id, before: { roles: before }, after: { roles: [...roles].sort() } });
      return null;
    });
    return this.userRoles(ctx, id);
  }

  /**
   * Allowed or not, and why. One query when the tenant's roles or this user's assignments are not
   * cached, none when they are; any change through this service drops the tenant's cache entry.
   */
  async check(ctx: ServiceContext, input: unknown): Promise<CheckResult> {
    const tenantId = requireTenant(ctx);
    const { userId: user, permission } = parseInput(checkSchema, input);
    const graph = await this.graph(ctx.em, tenantId, user);
    const base = { userId: user, permission, enabled: graph.enabled };
    if (!graph.enabled) {
      return { ...base, allowed: true, role: null, viaDefaultRole: false, grantedBy: null, via: [], matched: null, reason: 'RBAC is disabled for this tenant: every permission is allowed' };
    }
    const assigned = graph.users.get(user)!;
    const viaDefaultRole = assigned.length === 0;
    const starting = (viaDefaultRole ? [graph.defaultRoleId] : assigned)
      .map((id) => ({ id, name: graph.roles.get(id)?.name ?? '' }))
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const start of starting) {
      const via: string[] = [];
      let current: string | null = start.id;
      for (let depth = 0; current && depth <= MAX_INHERITANCE_DEPTH; depth++) {
        const role: GraphRole | undefined = graph.roles.get(current);
        if (!role) break;
        via.push(role.name);
        const matched = role.permissions.find((p) => permits(p, permission));
        if (matched) {
          const through = via.length > 1 ? ` through ${via.slice(1).join(' -> ')}` : '';
          return {
            ...base,
            allowed: true,
            role: start.name,
            viaDefaultRole,
            grantedBy: role.name,
            via,
            matched,
            reason: `granted by role "${role.name}" (permission "${matched}")${viaDefaultRole ? `, the default role` : `, assigned as "${start.name}"`}${through}`,
          };
        }
        current = role.parentId;
      }
    }
    const held = starting.map((s) => `"${s.name}"`).join(', ');
    return { ...base, allowed: false, role: null, viaDefaultRole, grantedBy: null, via: [], matched: null, reason: `no permission "${permission}" in ${viaDefaultRole ? 'the default role' : 'the roles'} ${held} or the roles they inherit` };
  }

  private async graph(em: EntityManager, tenantId: string, user: string): Promise<TenantGraph> {
    const cached = this.cache.get(tenantId);
    if (cached && Date.now() - cached.loadedAt < CACHE_TTL_MS && cached.users.has(user)) return cached;
    const rows = await em.execute<
      { id: string; name: string; permissions: string[]; parent_id: string | null; assigned: boolean; enabled: boolean; default_role_id: string }[]
    >(
      `select r.id, r.name, r.permissions, r.parent_id, (a.user_id is not null) as assigned, c.enabled, c.default_role_id
         from rbac_configs c
         join tenants t on t.id = c.tenant_id and t.deleted_at is null
         join roles r on r.tenant_id = c.tenant_id
         left join role_assignments a on a.tenant_id = r.tenant_id and a.role_id = r.id and a.user_id = ?
        where c.tenant_id = ?`,
      [user, tenantId],
    );
    if (!rows.length) throw notFound('Tenant');
    const fresh = cached && Date.now() - cached.loadedAt < CACHE_TTL_MS;
    const graph: TenantGraph = fresh
      ? cached
      : {
          loadedAt: Date.now(),
          enabled: rows[0].enabled,
          defaultRoleId: rows[0].default_role_id,
          roles: new Map(rows.map((r) => [r.id, { name: r.name, permissions: r.permissions, parentId: r.parent_id }])),
          users: new Map(),
        };
    // A bounded cache: a tenant's user entries, and the number of tenants, are capped.
    if (graph.users.size >= 10_000) graph.users.clear();
    graph.users.set(user, rows.filter((r) => r.assigned).map((r) => r.id));
    if (!fresh) {
      if (this.cache.size >= 10_000) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(tenantId, graph);
    }
    return graph;
  }

  /** Runs a change under the tenant row lock, flushes with its audit event, drops the cache. */
  private async change<T>(ctx: ServiceContext, work: (em: EntityManager, tenantId: string, tenant: Tenant) => Promise<T>): Promise<T> {
    const tenantId = requireTenant(ctx);
    try {
      return await ctx.em.transactional(async (em) => {
        const tenant = await lockTenant(em, tenantId);
        const result = await work(em, tenantId, tenant);
        await em.flush();
        await this.feed.publish(em, { kind: 'rbac', id: tenantId });
        return result;
      });
    } finally {
      this.cache.delete(tenantId);
    }
  }

  private async findRole(em: EntityManager, tenantId: string, name: string): Promise<Role> {
    const role = ROLE_NAME.test(name) ? await em.findOne(Role, { tenant: tenantId, name }) : null;
    if (!role) throw notFound(`Role "${String(name).slice(0, 64)}"`);
    return role;
  }

  /** The parent for `role`: it must exist, not be `role` or inherit from it, and stay shallow. */
  private async parentFor(em: EntityManager, tenantId: string, parentName: string, role: Role | null): Promise<Role> {
    const parent = await em.findOne(Role, { tenant: tenantId, name: parentName });
    if (!parent) throw badInput([{ field: 'inherits', message: `no role named "${parentName}"` }]);
    const all = await em.find(Role, { tenant: tenantId });
    const byId = new Map(all.map((r) => [r.id, r]));
    // Depth above the new link (the parent's chain) plus depth below (role's descendants).
    const chain: string[] = [];
    for (let current: Role | undefined = parent; current; current = current.parent ? byId.get(current.parent.id) : undefined) {
      if (role && current.id === role.id) {
        throw badInput([{ field: 'inherits', message: `would create a cycle: ${[role.name, ...chain, current.name].join(' -> ')}` }]);
      }
      chain.push(current.name);
      if (chain.length > MAX_INHERITANCE_DEPTH) break;
    }
    const below = role ? this.depthBelow(role.id, all) : 0;
    if (chain.length + below + 1 > MAX_INHERITANCE_DEPTH) {
      throw badInput([{ field: 'inherits', message: `inheritance may be at most ${MAX_INHERITANCE_DEPTH} roles deep` }]);
    }
    return parent;
  }

  private depthBelow(id: string, all: Role[]): number {
    const children = all.filter((r) => r.parent?.id === id);
    return children.length ? 1 + Math.max(...children.map((c) => this.depthBelow(c.id, all))) : 0;
  }

  private snapshot(role: Role, inherits: string | null) {
    return { description: role.description ?? null, permissions: role.permissions, inherits };
  }

  private async view(em: EntityManager, tenantId: string): Promise<RbacView> {
    const config = await em.findOne(RbacConfig, { tenant: { id: tenantId, deletedAt: null } }, { populate: ['defaultRole'], refresh: true });
    if (!config) throw notFound('Tenant');
    const roles = await em.find(Role, { tenant: tenantId }, { orderBy: { name: 'asc' }, refresh: true });
    const names = new Map(roles.map((r) => [r.id, r.name]));
    return {
      enabled: config.enabled,
      defaultRole: config.defaultRole.getEntity().name,
      roles: roles.map((r) => ({ name: r.name, description: r.description ?? null, permissions: r.permissions, inherits: r.parent ? (names.get(r.parent.id) ?? null) : null })),
    };
  }
}
