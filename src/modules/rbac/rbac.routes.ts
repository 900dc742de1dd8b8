import { assignSchema, checkSchema, createSchema, settingsSchema, updateSchema } from './rbac.service';
import * as R from '../../rest/responses';
import { gatewayPaths, type RestRoute } from '../../rest/route-table';

const ROLE_FIELDS = { name: 'name', description: 'description', permissions: 'permissions', inherits: 'inherits' };

/** The gateway's RBAC endpoints (reference 002), at their root paths and under /api/v1. */
export const rbacRoutes: RestRoute[] = gatewayPaths([
  {
    method: 'GET',
    path: '/tenant/rbac',
    response: R.rbac,
    operation: 'getRbac',
    source: 'gateway 002',
    handle: (s, ctx) => s.rbac.get(ctx),
  },
  {
    method: 'PUT',
    path: '/tenant/rbac',
    input: settingsSchema,
    response: R.rbac,
    operation: 'updateRbacSettings',
    source: 'gateway 002 (changing enabled/defaultRole added)',
    body: { enabled: 'enabled', defaultRole: 'defaultRole' },
    handle: (s, ctx, req) => s.rbac.updateSettings(ctx, req.input),
  },
  {
    method: 'POST',
    path: '/tenant/rbac/roles',
    input: createSchema,
    response: R.role,
    operation: 'createRole',
    status: 201,
    source: 'gateway 002',
    body: ROLE_FIELDS,
    handle: (s, ctx, req) => s.rbac.createRole(ctx, req.input),
  },
  {
    method: 'PUT',
    path: '/tenant/rbac/roles/:name',
    input: updateSchema,
    response: R.role,
    operation: 'updateRole',
    source: 'gateway 002',
    body: { description: 'description', permissions: 'permissions', inherits: 'inherits' },
    handle: (s, ctx, req) => s.rbac.updateRole(ctx, req.params.name, req.input),
  },
  {
    method: 'DELETE',
    path: '/tenant/rbac/roles/:name',
    response: R.ok('Role deleted'),
    operation: 'deleteRole',
    source: 'gateway 002',
    async handle(s, ctx, req) {
      await s.rbac.deleteRole(ctx, req.params.name);
      return { success: true, message: 'Role deleted' };
    },
  },
  {
    method: 'GET',
    path: '/tenant/rbac/users/:userId/roles',
    response: R.userRoles,
    operation: 'getUserRoles',
    source: 'added',
    handle: (s, ctx, req) => s.rbac.userRoles(ctx, req.params.userId),
  },
  {
    method: 'PUT',
    path: '/tenant/rbac/users/:userId/roles',
    input: assignSchema,
    response: R.userRoles,
    operation: 'setUserRoles',
    source: 'added',
    body: { roles: 'roles' },
    handle: (s, ctx, req) => s.rbac.setUserRoles(ctx, req.params.userId, req.input),
  },
  {
    method: 'POST',
    path: '/tenant/rbac/check',
    input: checkSchema,
    response: R.rbacCheck,
    operation: 'checkPermission',
    source: 'added (data-plane services)',
    body: { userId: 'userId', permission: 'permission' },
    handle: (s, ctx, req) => s.rbac.check(ctx, req.input),
  },
]);
