import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { OPERATIONS } from '../../auth/operations';
import type { RequestContext } from '../../context';
import { Access } from '../../graphql/scope-directives';
import { toPlain } from '../../graphql/scalars';
import { CreateRoleInput, PermissionCheckType, RbacType, RoleType, UpdateRoleInput, UserRolesType } from './rbac.types';

@Resolver(() => RbacType)
export class RbacResolver {
  @Query(() => RbacType, { description: "The tenant's end-user roles and RBAC settings" })
  @Access(OPERATIONS.getRbac)
  async rbac(@Ctx() ctx: RequestContext) {
    return ctx.services.rbac.get(await ctx.serviceContext());
  }

  @Query(() => UserRolesType)
  @Access(OPERATIONS.getUserRoles)
  async userRoles(@Arg('userId') userId: string, @Ctx() ctx: RequestContext) {
    return ctx.services.rbac.userRoles(await ctx.serviceContext(), userId);
  }

  @Query(() => PermissionCheckType, { description: 'May this end-user do this? With the reason' })
  @Access(OPERATIONS.checkPermission)
  async checkPermission(@Arg('userId') userId: string, @Arg('permission') permission: string, @Ctx() ctx: RequestContext) {
    return ctx.services.rbac.check(await ctx.serviceContext(), { userId, permission });
  }

  @Mutation(() => RbacType)
  @Access(OPERATIONS.updateRbacSettings)
  async updateRbacSettings(
    @Ctx() ctx: RequestContext,
    @Arg('enabled', () => Boolean, { nullable: true }) enabled?: boolean,
    @Arg('defaultRole', () => String, { nullable: true }) defaultRole?: string,
  ) {
    return ctx.services.rbac.updateSettings(await ctx.serviceContext(), toPlain({ enabled, defaultRole }));
  }

  @Mutation(() => RoleType)
  @Access(OPERATIONS.createRole)
  async createRole(@Arg('input') input: CreateRoleInput, @Ctx() ctx: RequestContext) {
    return ctx.services.rbac.createRole(await ctx.serviceContext(), toPlain(input));
  }

  @Mutation(() => RoleType)
  @Access(OPERATIONS.updateRole)
  async updateRole(@Arg('name') name: string, @Arg('input') input: UpdateRoleInput, @Ctx() ctx: RequestContext) {
    return ctx.services.rbac.updateRole(await ctx.serviceContext(), name, toPlain(input));
  }

  @Mutation(() => Boolean, { description: 'Refused (CONFLICT) for the default role, a parent role or an assigned role' })
  @Access(OPERATIONS.deleteRole)
  async deleteRole(@Arg('name') name: string, @Ctx() ctx: RequestContext) {
    await ctx.services.rbac.deleteRole(await ctx.serviceContext(), name);
    return true;
  }

  @Mutation(() => UserRolesType, { description: "Replace the user's roles; an empty list means the default role" })
  @Access(OPERATIONS.setUserRoles)
  async setUserRoles(@Arg('userId') userId: string, @Arg('roles', () => [String]) roles: string[], @Ctx() ctx: RequestContext) {
    return ctx.services.rbac.setUserRoles(await ctx.serviceContext(), userId, { roles });
  }
}
