import { DateTimeResolver, JSONObjectResolver, UUIDResolver } from 'graphql-scalars';
import { Field, InputType, ObjectType } from 'type-graphql';
import { PageInfo } from '../tenants/tenant.types';

@ObjectType('AuditEvent', { description: 'Who changed what, when and from where' })
export class AuditEventType {
  @Field(() => UUIDResolver)
  id!: string;

  @Field(() => UUIDResolver, { nullable: true, description: 'Null for operator-level events' })
  tenantId?: string | null;

  @Field({ description: 'key, operator, owner (a console login), anonymous or system' })
  actorType!: string;

  @Field(() => UUIDResolver, { nullable: true })
  actorKeyId?: string | null;

  @Field(() => String, { nullable: true })
  actorPrefix?: string | null;

  @Field({ description: 'e.g. tenant.updated, api_key.rotated, secret.read' })
  action!: string;

  @Field()
  targetType!: string;

  @Field(() => String, { nullable: true })
  targetId?: string | null;

  @Field(() => JSONObjectResolver, { nullable: true, description: '{field: {from, to}}, secrets redacted' })
  changes?: Record<string, unknown> | null;

  @Field(() => String, { nullable: true })
  ip?: string | null;

  @Field(() => String, { nullable: true })
  requestId?: string | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}

@ObjectType()
export class AuditEventEdge {
  @Field()
  cursor!: string;

  @Field(() => AuditEventType)
  node!: AuditEventType;
}

@ObjectType()
export class AuditEventConnection {
  @Field(() => [AuditEventEdge])
  edges!: AuditEventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType()
export class AuditFilter {
  @Field(() => String, { nullable: true })
  action?: string;

  @Field(() => UUIDResolver, { nullable: true })
  actorKeyId?: string;

  @Field(() => String, { nullable: true })
  targetType?: string;

  @Field(() => String, { nullable: true })
  targetId?: string;

  @Field(() => UUIDResolver, { nullable: true, description: 'Operators: one tenant' })
  tenantId?: string;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Inclusive' })
  from?: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Exclusive' })
  to?: Date;
}
