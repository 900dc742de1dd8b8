import { UUIDResolver } from 'graphql-scalars';
import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { OPERATIONS } from '../../auth/operations';
import type { RequestContext } from '../../context';
import { Access } from '../../graphql/scope-directives';
import { toPlain } from '../../graphql/scalars';
import type { ApiKey } from './api-key.entity';
import { ApiKeyType, CreateApiKeyInput, CreateApiKeyPayload, CreateOperatorKeyInput, RotateApiKeyPayload } from './api-key.types';

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

  @Mutation(() => ApiKeyType)
  @Access(OPERATIONS.renameApiKey)
  async renameApiKey(@Arg('id', () => UUIDResolver) id: string, @Arg('name') name: string, @Ctx() ctx: RequestContext) {
    return ctx.services.apiKeys.rename(await ctx.serviceContext(), id, { name });
  }

  @Mutation(() => RotateApiKeyPayload, {
    description: 'Replace a key; the old one keeps working for graceSeconds (0: stops at once, at most a week)',
  })
  @Access(OPERATIONS.rotateApiKey)
  async rotateApiKey(
    @Arg('id', () => UUIDResolver) id: string,
    @Arg('graceSeconds', () => Int, { defaultValue: 0 }) graceSeconds: number,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.apiKeys.rotate(await ctx.serviceContext(), id, { graceSeconds });
  }

  @Mutation(() => ApiKeyType, { description: 'Revoke a key; it stops working at once' })
  @Access(OPERATIONS.revokeApiKey)
  async revokeApiKey(@Arg('id', () => UUIDResolver) id: string, @Ctx() ctx: RequestContext): Promise<ApiKey> {
    return ctx.services.apiKeys.revoke(await ctx.serviceContext(), id);
  }

  @Mutation(() => Boolean, {
    description: 'Report a leaked key (e.g. from a secret scanner): revoked if it exists; the answer is the same either way',
  })
  @Access(OPERATIONS.reportLeakedKey)
  async reportLeakedKey(@Arg('key') key: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    await ctx.services.apiKeys.reportLeaked(await ctx.serviceContext(), { key });
    return true;
  }

  @Query(() => [ApiKeyType], { description: 'Operator keys (platform:admin)' })
  @Access(OPERATIONS.listOperatorKeys)
  async operatorKeys(
    @Ctx() ctx: RequestContext,
    @Arg('includeRevoked', { defaultValue: false }) includeRevoked: boolean,
  ): Promise<ApiKey[]> {
    return ctx.services.apiKeys.listOperatorKeys(await ctx.serviceContext(), { includeRevoked });
  }

  @Mutation(() => CreateApiKeyPayload, { description: 'Create another operator key (shown once)' })
  @Access(OPERATIONS.createOperatorKey)
  async createOperatorKey(@Arg('input') input: CreateOperatorKeyInput, @Ctx() ctx: RequestContext) {
    return ctx.services.apiKeys.createOperatorKey(await ctx.serviceContext(), toPlain(input));
  }

  @Mutation(() => ApiKeyType)
  @Access(OPERATIONS.revokeOperatorKey)
  async revokeOperatorKey(@Arg('id', () => UUIDResolver) id: string, @Ctx() ctx: RequestContext): Promise<ApiKey> {
    return ctx.services.apiKeys.revokeOperatorKey(await ctx.serviceContext(), id);
  }
}
