import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { OPERATIONS } from '../../auth/operations';
import type { RequestContext } from '../../context';
import { Access } from '../../graphql/scope-directives';
import { toPlain } from '../../graphql/scalars';
import { LimitAnswerType, LimitUsageType, ResourceLimitInput, ResourceLimitType, UsageDayType, UsageInput, UsageSummaryType } from './limits.types';

@Resolver()
export class LimitsResolver {
  @Query(() => [ResourceLimitType])
  @Access(OPERATIONS.getLimits)
  async resourceLimits(@Ctx() ctx: RequestContext) {
    return ctx.services.limits.definitions(await ctx.serviceContext());
  }

  @Query(() => [LimitUsageType], { description: 'Every limit with its current window (user-scoped ones for userId)' })
  @Access(OPERATIONS.getLimitUsage)
  async limitUsage(@Ctx() ctx: RequestContext, @Arg('userId', () => String, { nullable: true }) userId?: string) {
    return ctx.services.limits.usage(await ctx.serviceContext(), toPlain({ userId }));
  }

  @Query(() => LimitAnswerType, { description: 'Would this amount be allowed? Read-only' })
  @Access(OPERATIONS.checkLimit)
  async checkLimit(@Arg('input') input: UsageInput, @Ctx() ctx: RequestContext) {
    const { idempotencyKey: _ignored, ...rest } = toPlain(input);
    return ctx.services.limits.check(await ctx.serviceContext(), rest);
  }

  @Query(() => UsageSummaryType)
  @Access(OPERATIONS.getUsageSummary)
  async usageSummary(@Ctx() ctx: RequestContext, @Arg('period', () => String, { nullable: true, description: 'YYYY-MM' }) period?: string) {
    return ctx.services.usage.summary(await ctx.serviceContext(), toPlain({ period }));
  }

  @Query(() => [UsageDayType])
  @Access(OPERATIONS.getUsageHistory)
  async usageHistory(@Ctx() ctx: RequestContext, @Arg('period', () => String, { nullable: true, description: 'YYYY-MM' }) period?: string) {
    return (await ctx.services.usage.history(await ctx.serviceContext(), toPlain({ period }))).history;
  }

  @Mutation(() => [ResourceLimitType], { description: 'Replace every limit definition' })
  @Access(OPERATIONS.setResourceLimits)
  async setResourceLimits(@Arg('limits', () => [ResourceLimitInput]) limits: ResourceLimitInput[], @Ctx() ctx: RequestContext) {
    return ctx.services.limits.setDefinitions(await ctx.serviceContext(), toPlain(limits));
  }

  @Mutation(() => LimitAnswerType, { description: 'Add usage (idempotent by key); answers the new usage' })
  @Access(OPERATIONS.trackUsage)
  async trackUsage(@Arg('input') input: UsageInput, @Ctx() ctx: RequestContext) {
    return ctx.services.limits.track(await ctx.serviceContext(), toPlain(input));
  }

  @Mutation(() => LimitAnswerType, { description: 'Check and track at once: admitted only within every blocking limit' })
  @Access(OPERATIONS.consumeLimit)
  async consumeLimit(@Arg('input') input: UsageInput, @Ctx() ctx: RequestContext) {
    return ctx.services.limits.consume(await ctx.serviceContext(), toPlain(input));
  }
}
