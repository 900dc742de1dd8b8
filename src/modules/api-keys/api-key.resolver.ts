import { UUIDResolver } from 'graphql-scalars';
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { OPERATIONS } from '../../auth/operations';
import type { RequestContext } from '../../context';
import { Access } from '../../graphql/scope-directives';
import { toPlain } from '../../graphql/scalars';
import type { ApiKey } from './api-key.entity';
import { ApiKeyType, CreateApiKeyInput, CreateApiKeyPayload } from './api-key.types';

@Resolver(() => ApiKeyType)
export class ApiKeyResolver {
  @Query(() => [ApiKeyType], { description: "The tenant's keys, newest first" })
  @Access(OPERATIONS.listApiKeys)
  async apiKeys(
    @Ctx() ctx: RequestContext,
    @Arg('includeRevoked', { defaultValue: false }) includeRevoked: boolean,
  ): Promise<ApiKey[]> {
    return ctx.services.apiKeys.list(await ctx.serviceContext(), { includeRevoked });
  }

  @Mutation(() => CreateApiKeyPayload, { description: 'Create a key with scopes the caller holds (shown once)' })
  @Access(OPERATIONS.createApiKey)
  async createApiKey(@Arg('input') input: CreateApiKeyInput, @Ctx() ctx: RequestContext) {
    return ctx.services.apiKeys.create(await ctx.serviceContext(), toPlain(input));
  }

  @Mutation(() => ApiKeyType, { description: 'Revoke a key; it stops working at once' })
  @Access(OPERATIONS.revokeApiKey)
  async revokeApiKey(@Arg('id', () => UUIDResolver) id: string, @Ctx() ctx: RequestContext): Promise<ApiKey> {
    return ctx.services.apiKeys.revoke(await ctx.serviceContext(), id);
  }
}
