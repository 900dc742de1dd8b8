import { UUIDResolver } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { OPERATIONS } from '../../auth/operations';
import type { RequestContext } from '../../context';
import { andThen, type MaybePromise } from '../../maybe';
import { Access } from '../../graphql/scope-directives';
import { toPlain } from '../../graphql/scalars';
import { limitsOf } from './plans';
import type { Tenant } from './tenant.entity';
import {
  CreateTenantInput,
  RegisterTenantInput,
  RegisterTenantPayload,
  TenantConnection,
  TenantFilter,
  TenantLimitsType,
  TenantStatsType,
  TenantType,
  UpdateTenantInput,
} from './tenant.types';

@Resolver(() => TenantType)
export class TenantResolver {
  @Query(() => TenantType, { description: "The caller's tenant" })
  @Access(OPERATIONS.getTenant)
  tenant(@Ctx() ctx: RequestContext): MaybePromise<Tenant> {
    // The hottest query: answered without a promise while the tenant is cached (maybe.ts).
    return andThen(andThen(ctx.serviceContext(), (sc) => ctx.services.tenants.read(sc)), (read) => read.tenant);
  }

  @Query(() => TenantConnection, { description: 'Tenants, newest first. A tenant key sees only its own.' })
  @Access(OPERATIONS.listTenants)
  async tenants(
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('filter', () => TenantFilter, { nullable: true }) filter?: TenantFilter,
  ) {
    const page = await ctx.services.tenants.list(await ctx.serviceContext(), { first, after, ...toPlain(filter ?? {}) });
    const edges = page.tenants.map((node) => ({ node, cursor: page.cursorOf(node) }));
    return {
      edges,
      totalCount: page.totalCount,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  @Query(() => TenantType, { description: 'A tenant by id (a tenant key: its own only)' })
  @Access(OPERATIONS.getTenantById)
  async tenantById(@Arg('id', () => UUIDResolver) id: string, @Ctx() ctx: RequestContext): Promise<Tenant> {
    return ctx.services.tenants.getById(await ctx.serviceContext(), id);
  }

  @Mutation(() => RegisterTenantPayload, { description: 'Create a tenant and its first admin key (shown once)' })
  @Access(OPERATIONS.registerTenant)
  async registerTenant(@Arg('input') input: RegisterTenantInput, @Ctx() ctx: RequestContext) {
    const { tenant, created } = await ctx.services.tenants.register(await ctx.serviceContext(), toPlain(input));
    return { tenant, key: created.key, apiKey: created.apiKey };
  }

  @Mutation(() => RegisterTenantPayload, { description: 'Operators: create a tenant, optionally with plan and quota' })
  @Access(OPERATIONS.createTenant)
  async createTenant(@Arg('input') input: CreateTenantInput, @Ctx() ctx: RequestContext) {
    const { tenant, created } = await ctx.services.tenants.register(await ctx.serviceContext(), toPlain(input));
    return { tenant, key: created.key, apiKey: created.apiKey };
  }

  @Mutation(() => TenantType, { description: 'Update the tenant; settings are merged key by key' })
  @Access(OPERATIONS.updateTenant)
  async updateTenant(@Arg('input') input: UpdateTenantInput, @Ctx() ctx: RequestContext): Promise<Tenant> {
    return ctx.services.tenants.update(await ctx.serviceContext(), toPlain(input));
  }

  @Mutation(() => TenantType, { description: 'Update a tenant by id (a tenant key: its own only)' })
  @Access(OPERATIONS.updateTenantById)
  async updateTenantById(
    @Arg('id', () => UUIDResolver) id: string,
    @Arg('input') input: UpdateTenantInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Tenant> {
    return ctx.services.tenants.updateById(await ctx.serviceContext(), id, toPlain(input));
  }

  @Mutation(() => TenantType, { description: 'Suspend a tenant: its keys answer 403 until reactivated' })
  @Access(OPERATIONS.suspendTenant)
  async suspendTenant(@Arg('id', () => UUIDResolver) id: string, @Ctx() ctx: RequestContext): Promise<Tenant> {
    return ctx.services.tenants.suspend(await ctx.serviceContext(), id);
  }

  @Mutation(() => TenantType)
  @Access(OPERATIONS.reactivateTenant)
  async reactivateTenant(@Arg('id', () => UUIDResolver) id: string, @Ctx() ctx: RequestContext): Promise<Tenant> {
    return ctx.services.tenants.reactivate(await ctx.serviceContext(), id);
  }

  @Mutation(() => TenantType, { description: 'Soft-delete a tenant: keys revoked, purged after retention_days' })
  @Access(OPERATIONS.deleteTenant)
  async deleteTenant(@Arg('id', () => UUIDResolver) id: string, @Ctx() ctx: RequestContext): Promise<Tenant> {
    return ctx.services.tenants.delete(await ctx.serviceContext(), id);
  }

  @Mutation(() => UUIDResolver, { description: 'Remove a deleted tenant and all its rows now; answers its id' })
  @Access(OPERATIONS.purgeTenant)
  async purgeTenant(@Arg('id', () => UUIDResolver) id: string, @Ctx() ctx: RequestContext): Promise<string> {
    return (await ctx.services.tenants.purge(await ctx.serviceContext(), id)).id;
  }

  @FieldResolver(() => TenantLimitsType)
  limits(@Root() tenant: Tenant): TenantLimitsType {
    return limitsOf(tenant);
  }

  @FieldResolver(() => TenantStatsType)
  async stats(@Root() tenant: Tenant, @Ctx() ctx: RequestContext): Promise<TenantStatsType> {
    return ctx.services.tenants.stats(await ctx.serviceContext(), tenant);
  }
}
