import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { OPERATIONS } from '../../auth/operations';
import type { RequestContext } from '../../context';
import { Access } from '../../graphql/scope-directives';
import { toPlain } from '../../graphql/scalars';
import { webhookView } from './webhook.service';
import { CreateWebhookInput, UpdateWebhookInput, WebhookDeliveryPageType, WebhookDeliveryType, WebhookType, WebhookWithSecretType } from './webhook.types';

@Resolver()
export class WebhookResolver {
  @Query(() => [WebhookType], { description: "The tenant's webhook endpoints, managed and from settings" })
  @Access(OPERATIONS.listWebhooks)
  async webhooks(@Ctx() ctx: RequestContext) {
    return (await ctx.services.webhooks.list(await ctx.serviceContext())).map(webhookView);
  }

  @Query(() => WebhookType)
  @Access(OPERATIONS.getWebhook)
  async webhook(@Arg('id') id: string, @Ctx() ctx: RequestContext) {
    return webhookView(await ctx.services.webhooks.get(await ctx.serviceContext(), id));
  }

  @Query(() => String, { description: "The endpoint's signing secret (whsec_...); every read is audited" })
  @Access(OPERATIONS.getWebhookSecret)
  async webhookSecret(@Arg('id') id: string, @Ctx() ctx: RequestContext) {
    return ctx.services.webhooks.readSecret(await ctx.serviceContext(), id);
  }

  @Query(() => WebhookDeliveryPageType, { description: "The endpoint's delivery log, newest first" })
  @Access(OPERATIONS.listWebhookDeliveries)
  async webhookDeliveries(
    @Arg('webhookId') webhookId: string,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('status', () => String, { nullable: true }) status?: string,
  ) {
    return ctx.services.webhooks.deliveries(await ctx.serviceContext(), webhookId, toPlain({ first, after, status }));
  }

  @Mutation(() => WebhookWithSecretType, { description: 'The secret is shown here and on rotation; webhookSecret reads it again' })
  @Access(OPERATIONS.createWebhook)
  async createWebhook(@Arg('input') input: CreateWebhookInput, @Ctx() ctx: RequestContext) {
    const { webhook, secret } = await ctx.services.webhooks.create(await ctx.serviceContext(), toPlain(input));
    return { webhook: webhookView(webhook), secret };
  }

  @Mutation(() => WebhookType, { description: 'Change url, description, events, or enable/disable' })
  @Access(OPERATIONS.updateWebhook)
  async updateWebhook(@Arg('id') id: string, @Arg('input') input: UpdateWebhookInput, @Ctx() ctx: RequestContext) {
    return webhookView(await ctx.services.webhooks.update(await ctx.serviceContext(), id, toPlain(input)));
  }

  @Mutation(() => WebhookType)
  @Access(OPERATIONS.deleteWebhook)
  async deleteWebhook(@Arg('id') id: string, @Ctx() ctx: RequestContext) {
    return webhookView(await ctx.services.webhooks.delete(await ctx.serviceContext(), id));
  }

  @Mutation(() => WebhookWithSecretType, { description: 'A new secret; the old one also signs for graceSeconds (default 1 day)' })
  @Access(OPERATIONS.rotateWebhookSecret)
  async rotateWebhookSecret(
    @Arg('id') id: string,
    @Ctx() ctx: RequestContext,
    @Arg('graceSeconds', () => Int, { nullable: true }) graceSeconds?: number,
  ) {
    const { webhook, secret } = await ctx.services.webhooks.rotateSecret(await ctx.serviceContext(), id, toPlain({ graceSeconds }));
    return { webhook: webhookView(webhook), secret };
  }

  @Mutation(() => WebhookDeliveryType, { description: 'Send a delivery again now, with the same webhook-id' })
  @Access(OPERATIONS.redeliverWebhook)
  async redeliverWebhook(@Arg('webhookId') webhookId: string, @Arg('deliveryId') deliveryId: string, @Ctx() ctx: RequestContext) {
    return ctx.services.webhooks.redeliver(await ctx.serviceContext(), webhookId, deliveryId);
  }
}
