import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { OPERATIONS } from '../../auth/operations';
import type { RequestContext } from '../../context';
import { Access } from '../../graphql/scope-directives';
import { toPlain } from '../../graphql/scalars';
import { AuditEventConnection, AuditEventType, AuditFilter } from './audit.types';

@Resolver(() => AuditEventType)
export class AuditResolver {
  @Query(() => AuditEventConnection, { description: "Audit events, newest first: a tenant's own, or (operators) all" })
  @Access(OPERATIONS.listAuditEvents)
  async auditEvents(
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('filter', () => AuditFilter, { nullable: true }) filter?: AuditFilter,
  ) {
    const page = await ctx.services.audit.list(await ctx.serviceContext(), { first, after, ...toPlain(filter ?? {}) });
    const edges = page.events.map((node) => ({ node, cursor: page.cursorOf(node) }));
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}
