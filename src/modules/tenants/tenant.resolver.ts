import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { OPERATIONS } from '../../auth/operations';
import type { RequestContext } from '../../context';
import { Access } from '../../graphql/scope-directives';
import { toPlain } from '../../graphql/scalars';
import type { Tenant } from './tenant.entity';
import { RegisterTenantInput, RegisterTenantPayload, TenantStatsType, TenantType, UpdateTenantInput } from './tenant.types';

@Resolver(() => TenantType)
export class TenantResolver {
  @Query(() => TenantType, { description: "The caller's tenant" })
  @Access(OPERATIONS.getTenant)
  async tenant(@Ctx() ctx: RequestContext): Promise<Tenant> {
    return ctx.services.tenants.get(await ctx.serviceContext());
  }

  @Mutation(() => RegisterTenantPayload, { description: 'Create a tenant and its first admin key (shown once)' })
  @Access(OPERATIONS.registerTenant)
  async registerTenant(@Arg('input') input: RegisterTenantInput, @Ctx() ctx: RequestContext) {
    const { tenant, created } = await ctx.services.tenants.register(await ctx.serviceContext(), toPlain(input));
    return { tenant, key: created.key, apiKey: created.apiKey };
  }

  @Mutation(() => TenantType, { description: 'Update the tenant; settings are merged key by key' })
  @Access(OPERATIONS.updateTenant)
  async updateTenant(@Arg('input') input: UpdateTenantInput, @Ctx() ctx: RequestContext): Promise<Tenant> {
    return ctx.services.tenants.update(await ctx.serviceContext(), toPlain(input));
  }

  @FieldResolver(() => TenantStatsType)
  stats(@Root() tenant: Tenant, @Ctx() ctx: RequestContext): TenantStatsType {
    return ctx.services.tenants.stats(tenant);
  }
}
