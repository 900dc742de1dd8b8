import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { OPERATIONS } from '../../auth/operations';
import type { RequestContext } from '../../context';
import { Access } from '../../graphql/scope-directives';
import type { TenantSetting } from './tenant-setting.entity';
import { TenantSettingType } from './tenant-setting.types';

@Resolver(() => TenantSettingType)
export class TenantSettingResolver {
  @Query(() => [TenantSettingType], { description: "The tenant's free-form settings, by name" })
  @Access(OPERATIONS.listTenantSettings)
  async tenantSettings(@Ctx() ctx: RequestContext): Promise<TenantSetting[]> {
    return ctx.services.tenantSettings.list(await ctx.serviceContext());
  }

  @Mutation(() => TenantSettingType, { description: 'Create a setting or replace its value' })
  @Access(OPERATIONS.setTenantSetting)
  async setTenantSetting(@Arg('name') name: string, @Arg('value') value: string, @Ctx() ctx: RequestContext) {
    return ctx.services.tenantSettings.set(await ctx.serviceContext(), { name, value });
  }

  @Mutation(() => TenantSettingType)
  @Access(OPERATIONS.deleteTenantSetting)
  async deleteTenantSetting(@Arg('name') name: string, @Ctx() ctx: RequestContext) {
    return ctx.services.tenantSettings.delete(await ctx.serviceContext(), name);
  }
}
