import { DateTimeResolver, JSONObjectResolver, SafeIntResolver } from 'graphql-scalars';
import { Field, Float, InputType, ObjectType } from 'type-graphql';

@ObjectType('ResourceLimit', { description: 'A limit on one resource metric per period; -1 is unlimited' })
export class ResourceLimitType {
  @Field()
  resource!: string;

  @Field()
  metric!: string;

  @Field({ description: 'minute, hour, day, week, month or total (calendar windows in UTC)' })
  period!: string;

  @Field(() => SafeIntResolver)
  limit!: number;

  @Field(() => JSONObjectResolver, { nullable: true, description: "Plan name -> limit; the tenant's plan picks one" })
  tiers?: Record<string, number>;

  @Field({ description: 'block, warn, upgrade or login' })
  gateAction!: string;

  @Field({ description: 'tenant or user' })
  scope!: string;
}

@InputType()
export class ResourceLimitInput {
  @Field()
  resource!: string;

  @Field()
  metric!: string;

  @Field()
  period!: string;

  @Field(() => SafeIntResolver)
  limit!: number;

  @Field(() => JSONObjectResolver, { nullable: true })
  tiers?: Record<string, number>;

  @Field(() => String, { nullable: true })
  gateAction?: string;

  @Field(() => String, { nullable: true })
  scope?: string;
}

@InputType()
export class UsageInput {
  @Field(() => String, { nullable: true })
  userId?: string;

  @Field()
  resource!: string;

  @Field()
  metric!: string;

  @Field(() => SafeIntResolver, { nullable: true, defaultValue: 1 })
  amount?: number;

  @Field(() => String, { nullable: true, description: 'A retried request with the same key counts once' })
  idempotencyKey?: string;
}

@ObjectType('UsageFigure')
export class UsageFigureType {
  @Field(() => SafeIntResolver)
  current!: number;

  @Field(() => SafeIntResolver, { nullable: true })
  limit?: number | null;
}

@ObjectType('LimitRule')
export class LimitRuleType {
  @Field()
  resource!: string;

  @Field()
  metric!: string;

  @Field()
  period!: string;

  @Field()
  scope!: string;
}

@ObjectType('LimitRuleState')
export class LimitRuleStateType extends LimitRuleType {
  @Field()
  gateAction!: string;

  @Field(() => SafeIntResolver)
  current!: number;

  @Field(() => SafeIntResolver)
  limit!: number;

  @Field(() => SafeIntResolver, { nullable: true })
  remaining?: number | null;

  @Field()
  exceeded!: boolean;

  @Field(() => DateTimeResolver, { nullable: true })
  resetAt?: string | null;
}

@ObjectType('LimitAnswer')
export class LimitAnswerType {
  @Field()
  allowed!: boolean;

  @Field()
  gateAction!: string;

  @Field(() => UsageFigureType)
  usage!: UsageFigureType;

  @Field(() => SafeIntResolver, { nullable: true })
  remaining?: number | null;

  @Field(() => DateTimeResolver, { nullable: true })
  resetAt?: string | null;

  @Field(() => LimitRuleType, { nullable: true, description: 'The rule that decided' })
  rule?: LimitRuleType | null;

  @Field(() => [LimitRuleStateType])
  rules!: LimitRuleStateType[];

  @Field(() => Boolean, { nullable: true })
  replayed?: boolean;
}

@ObjectType('LimitUsage')
export class LimitUsageType extends LimitRuleType {
  @Field(() => SafeIntResolver)
  current!: number;

  @Field(() => SafeIntResolver)
  limit!: number;

  @Field(() => Float)
  percentage!: number;

  @Field(() => DateTimeResolver, { nullable: true })
  resetAt?: string | null;
}

@ObjectType('UsageSummary')
export class UsageSummaryType {
  @Field()
  period!: string;

  @Field(() => SafeIntResolver)
  api_calls!: number;

  @Field(() => SafeIntResolver)
  llm_tokens!: number;

  @Field(() => SafeIntResolver)
  storage_bytes!: number;

  @Field(() => SafeIntResolver)
  bandwidth_bytes!: number;
}

@ObjectType('UsageDay')
export class UsageDayType {
  @Field()
  date!: string;

  @Field(() => SafeIntResolver)
  api_calls!: number;

  @Field(() => SafeIntResolver)
  llm_tokens!: number;

  @Field(() => SafeIntResolver)
  bandwidth_bytes!: number;
}
