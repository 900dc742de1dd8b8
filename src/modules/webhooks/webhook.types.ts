import { DateTimeResolver, URLResolver, UUIDResolver } from 'graphql-scalars';
import { Field, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType('Webhook', { description: 'A webhook endpoint; its signing secret is never part of it' })
export class WebhookType {
  @Field(() => UUIDResolver)
  id!: string;

  @Field(() => URLResolver)
  url!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => [String], { description: 'Event types, "resource.*" patterns or "*"; empty means every event' })
  events!: string[];

  @Field({ description: '"api" (managed here) or "settings" (mirrors settings.webhook_url)' })
  source!: string;

  @Field()
  enabled!: boolean;

  @Field({ description: '"active" or "disabled"' })
  status!: string;

  @Field(() => String, { nullable: true })
  disabledReason!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Since when every attempt has failed' })
  failingSince!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Until when the previous secret still signs, after a rotation' })
  previousSecretExpiresAt!: Date | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver)
  updatedAt!: Date;
}

@ObjectType('WebhookWithSecret', { description: 'An endpoint and its signing secret (whsec_...), shown on creation and rotation' })
export class WebhookWithSecretType {
  @Field(() => WebhookType)
  webhook!: WebhookType;

  @Field()
  secret!: string;
}

@InputType('CreateWebhookInput')
export class CreateWebhookInput {
  @Field(() => String)
  url!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [String], { nullable: true })
  events?: string[];

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean;
}

@InputType('UpdateWebhookInput')
export class UpdateWebhookInput {
  @Field(() => String, { nullable: true })
  url?: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [String], { nullable: true })
  events?: string[];

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean;
}

@ObjectType('WebhookAttempt', { description: 'One attempt to deliver an event' })
export class WebhookAttemptType {
  @Field(() => Int)
  attempt!: number;

  @Field(() => DateTimeResolver)
  startedAt!: Date;

  @Field()
  success!: boolean;

  @Field(() => Int, { nullable: true })
  statusCode!: number | null;

  @Field(() => Int)
  latencyMs!: number;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => String, { nullable: true, description: 'The start of the answer (at most 1 KiB)' })
  responseBody!: string | null;
}

@ObjectType('WebhookDelivery', { description: 'One event for one endpoint; webhook-id is the event id on every attempt' })
export class WebhookDeliveryType {
  @Field(() => UUIDResolver)
  id!: string;

  @Field(() => UUIDResolver)
  eventId!: string;

  @Field()
  eventType!: string;

  @Field({ description: 'pending, succeeded, failed (attempts exhausted) or cancelled' })
  status!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => DateTimeResolver, { nullable: true })
  nextAttemptAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true })
  lastAttemptAt!: Date | null;

  @Field(() => Int, { nullable: true })
  lastStatusCode!: number | null;

  @Field(() => Int, { nullable: true })
  lastLatencyMs!: number | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => [WebhookAttemptType])
  log!: WebhookAttemptType[];
}

@ObjectType('WebhookDeliveryPage')
export class WebhookDeliveryPageType {
  @Field(() => [WebhookDeliveryType])
  deliveries!: WebhookDeliveryType[];

  @Field(() => String, { nullable: true })
  nextCursor!: string | null;
}
