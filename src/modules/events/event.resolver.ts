import { JSONObjectResolver } from 'graphql-scalars';
import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { OPERATIONS } from '../../auth/operations';
import type { RequestContext } from '../../context';
import { Access } from '../../graphql/scope-directives';
import { eventPayload } from './event.service';
import { EventObjectType, EventPageType, EventTypeType } from './event.types';

@Resolver()
export class EventResolver {
  @Query(() => [EventTypeType], { description: 'The events Tenantry emits' })
  @Access(OPERATIONS.eventCatalog)
  eventCatalog(@Ctx() ctx: RequestContext) {
    return ctx.services.events.catalog();
  }

  @Query(() => EventPageType, { description: "The tenant's events, newest first" })
  @Access(OPERATIONS.listEvents)
  async events(
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('type', () => String, { nullable: true }) type?: string,
  ) {
    const page = await ctx.services.events.list(await ctx.serviceContext(), { first, ...(after ? { after } : {}), ...(type ? { type } : {}) });
    return { events: page.events.map(eventPayload), nextCursor: page.nextCursor };
  }

  @Mutation(() => EventObjectType, { description: 'Publish a data-plane event (e.g. memory.ingested) for delivery' })
  @Access(OPERATIONS.publishEvent)
  async publishEvent(
    @Arg('type') type: string,
    @Ctx() ctx: RequestContext,
    @Arg('data', () => JSONObjectResolver, { nullable: true }) data?: Record<string, unknown>,
  ) {
    return eventPayload(await ctx.services.events.publish(await ctx.serviceContext(), { type, ...(data ? { data } : {}) }));
  }
}
