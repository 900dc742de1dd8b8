import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { OPERATIONS } from '../../auth/operations';
import type { RequestContext } from '../../context';
import { Access } from '../../graphql/scope-directives';
import { SecretInfoType } from './secret.types';

@Resolver(() => SecretInfoType)
export class SecretResolver {
  @Query(() => [SecretInfoType], { description: "The tenant's secrets, names only" })
  @Access(OPERATIONS.listSecrets)
  async secrets(@Ctx() ctx: RequestContext) {
    return ctx.services.secrets.list(await ctx.serviceContext());
  }

  @Query(() => String, { description: 'A secret value, for data-plane services; every read is audited' })
  @Access(OPERATIONS.readSecret)
  async secretValue(@Arg('name') name: string, @Ctx() ctx: RequestContext) {
    return ctx.services.secrets.read(await ctx.serviceContext(), name);
  }

  @Mutation(() => SecretInfoType, { description: 'Store a secret (replacing the value if the name exists)' })
  @Access(OPERATIONS.storeSecret)
  async storeSecret(@Arg('name') name: string, @Arg('value') value: string, @Ctx() ctx: RequestContext) {
    return ctx.services.secrets.store(await ctx.serviceContext(), { name, value });
  }

  @Mutation(() => SecretInfoType)
  @Access(OPERATIONS.deleteSecret)
  async deleteSecret(@Arg('name') name: string, @Ctx() ctx: RequestContext) {
    return ctx.services.secrets.delete(await ctx.serviceContext(), name);
  }
}
