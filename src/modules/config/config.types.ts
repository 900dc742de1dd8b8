import { DateTimeResolver, JSONObjectResolver, UUIDResolver } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('RouteConfig')
export class RouteConfigType {
  @Field()
  path!: string;

  @Field({ description: 'Lowercase HTTP method' })
  method!: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => String, { nullable: true, description: 'Upstream URL' })
  target?: string;

  @Field(() => Boolean, { nullable: true })
  auth?: boolean;

  @Field(() => Int, { nullable: true })
  timeoutMs?: number;
}

@ObjectType('RateWindow')
export class RateWindowType {
  @Field(() => Int)
  max!: number;

  @Field(() => Int, { nullable: true, description: 'Window length in milliseconds (default 60000)' })
  windowMs?: number;
}

@ObjectType('RateLimitConfig')
export class RateLimitConfigType {
  @Field()
  enabled!: boolean;

  @Field(() => RateWindowType, { nullable: true })
  default?: RateWindowType;

  @Field(() => JSONObjectResolver, { nullable: true, description: 'Route path -> RateWindow' })
  routes?: Record<string, unknown>;
}

@ObjectType('CacheConfig')
export class CacheConfigType {
  @Field()
  enabled!: boolean;

  @Field(() => Int, { nullable: true })
  ttlSeconds?: number;

  @Field(() => Int, { nullable: true })
  maxEntries?: number;
}

@ObjectType('WebhookConfig')
export class WebhookConfigType {
  @Field()
  url!: string;

  @Field(() => [String])
  events!: string[];

  @Field(() => String, { nullable: true, description: 'Name of the secret that signs deliveries' })
  secret?: string;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean;
}

@ObjectType('TenantConfigVersion', { description: 'One saved version of the gateway configuration document' })
export class TenantConfigVersionType {
  @Field(() => Int)
  version!: number;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => UUIDResolver, { nullable: true })
  createdByKeyId?: string | null;

  @Field(() => Int, { nullable: true, description: 'The version this one restored, for rollbacks' })
  restoredFrom?: number | null;

  @Field(() => JSONObjectResolver, { description: 'The whole document, as saved' })
  document!: Record<string, unknown>;

  @Field(() => [RouteConfigType], { nullable: true })
  routes?: RouteConfigType[];

  @Field(() => JSONObjectResolver, { nullable: true, description: 'Named credentials; each names a secret, never holds one' })
  credentials?: Record<string, unknown>;

  @Field(() => RateLimitConfigType, { nullable: true })
  rateLimit?: RateLimitConfigType;

  @Field(() => CacheConfigType, { nullable: true })
  cache?: CacheConfigType;

  @Field(() => [WebhookConfigType], { nullable: true })
  webhooks?: WebhookConfigType[];
}
