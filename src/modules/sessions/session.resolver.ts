import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { OPERATIONS } from '../../auth/operations';
import type { RequestContext } from '../../context';
import { Access } from '../../graphql/scope-directives';
import { toPlain } from '../../graphql/scalars';
import type { ConsoleLogin } from './session.entity';
import { ConsoleLoginType, SetConsolePasswordInput } from './session.types';

export function consoleLoginView(l: ConsoleLogin): ConsoleLoginType {
  return { id: l.id, email: l.email, role: l.tenant ? 'owner' : 'operator', tenantId: l.tenant?.id ?? null, passwordChangedAt: l.passwordChangedAt, createdAt: l.createdAt };
}

@Resolver(() => ConsoleLoginType)
export class SessionResolver {
  @Mutation(() => ConsoleLoginType, {
    description: "Create a console login for the tenant's owner, or replace its password (its sessions end)",
  })
  @Access(OPERATIONS.setOwnerPassword)
  async setOwnerPassword(@Arg('input') input: SetConsolePasswordInput, @Ctx() ctx: RequestContext): Promise<ConsoleLoginType> {
    return consoleLoginView(await ctx.services.sessions.setOwnerPassword(await ctx.serviceContext(), toPlain(input)));
  }

  @Mutation(() => ConsoleLoginType, { description: 'Create an operator console login, or replace its password (its sessions end)' })
  @Access(OPERATIONS.setOperatorPassword)
  async setOperatorPassword(@Arg('input') input: SetConsolePasswordInput, @Ctx() ctx: RequestContext): Promise<ConsoleLoginType> {
    return consoleLoginView(await ctx.services.sessions.setOperatorPassword(await ctx.serviceContext(), toPlain(input)));
  }
}
