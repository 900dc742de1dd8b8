import { DateTimeResolver, JSONObjectResolver, UUIDResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';

@ObjectType('EventType', { description: 'A kind of event Tenantry emits' })
export class EventTypeType {
  @Field()
  type!: string;

  @Field()
  description!: string;
}

@ObjectType('Event', { description: 'An event as webhooks deliver it' })
export class EventObjectType {
  @Field(() => UUIDResolver)
  id!: string;

  @Field()
  type!: string;

  @Field(() => UUIDResolver)
  tenant_id!: string;

  @Field(() => DateTimeResolver)
  occurred_at!: string;

  @Field(() => JSONObjectResolver)
  data!: Record<string, unknown>;
}

@ObjectType('EventPage')
export class EventPageType {
  @Field(() => [EventObjectType])
  events!: EventObjectType[];

  @Field(() => String, { nullable: true })
  nextCursor?: string | null;
}
