import { JSONObjectResolver } from 'graphql-scalars';
import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { OPERATIONS } from '../../auth/operations';
import type { RequestContext } from '../../context';
import { Access } from '../../graphql/scope-directives';
import type { TenantConfig } from './tenant-config.entity';
import { TenantConfigVersionType } from './config.types';

/** A stored version with the document's sections spread out as typed fields. */
const shape = (c: TenantConfig) => ({ ...c.document, document: c.document, version: c.version, createdAt: c.createdAt, createdByKeyId: c.createdByKeyId, restoredFrom: c.restoredFrom });

@Resolver(() => TenantConfigVersionType)
export class ConfigResolver {
  @Query(() => TenantConfigVersionType, { nullable: true, description: 'The current configuration (null before the first save)' })
  @Access(OPERATIONS.getTenantConfig)
  async tenantConfig(@Ctx() ctx: RequestContext) {
    const current = await ctx.services.configs.current(await ctx.serviceContext());
    return current && shape(current);
  }

  @Query(() => [TenantConfigVersionType], { description: 'Saved versions, newest first' })
  @Access(OPERATIONS.getTenantConfig)
  async tenantConfigHistory(
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('before', () => Int, { nullable: true, description: 'Versions older than this one' }) before?: number,
  ) {
    return (await ctx.services.configs.history(await ctx.serviceContext(), { first, before })).map(shape);
  }

  @Mutation(() => TenantConfigVersionType, { description: 'Save the whole document as a new version' })
  @Access(OPERATIONS.saveTenantConfig)
  async saveTenantConfig(@Arg('document', () => JSONObjectResolver) document: Record<string, unknown>, @Ctx() ctx: RequestContext) {
    return shape(await ctx.services.configs.save(await ctx.serviceContext(), document));
  }

  @Mutation(() => TenantConfigVersionType, { description: "Restore an earlier version's document as a new version" })
  @Access(OPERATIONS.rollbackTenantConfig)
  async rollbackTenantConfig(@Arg('version', () => Int) version: number, @Ctx() ctx: RequestContext) {
    return shape(await ctx.services.configs.rollback(await ctx.serviceContext(), version));
  }
}
