import { DateTimeResolver, UUIDResolver } from 'graphql-scalars';
import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';

export enum KeyEnvironmentEnum {
  LIVE = 'live',
  TEST = 'test',
}
registerEnumType(KeyEnvironmentEnum, { name: 'KeyEnvironment' });

@ObjectType('ApiKey', { description: 'An API key; the key itself is only ever shown at creation' })
export class ApiKeyType {
  @Field(() => UUIDResolver)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'Enough of the key to recognise it, e.g. rk_live_Ab3x' })
  prefix!: string;

  @Field(() => [String])
  scopes!: string[];

  @Field(() => KeyEnvironmentEnum)
  environment!: KeyEnvironmentEnum;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true })
  expiresAt?: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Recorded within a few seconds of use' })
  lastUsedAt?: Date | null;

  @Field(() => DateTimeResolver, { nullable: true })
  revokedAt?: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the key was rotated; it then works until expiresAt' })
  rotatedAt?: Date | null;

  @Field(() => UUIDResolver, { nullable: true, description: 'The key that replaced this one' })
  replacedById?: string | null;
}

@InputType()
export class CreateApiKeyInput {
  @Field()
  name!: string;

  @Field(() => [String], { nullable: true, description: "Defaults to the calling key's scopes" })
  scopes?: string[];

  @Field(() => DateTimeResolver, { nullable: true, description: "Defaults to the calling key's expiry" })
  expiresAt?: Date | null;

  @Field(() => KeyEnvironmentEnum, { nullable: true, description: "Defaults to the calling key's environment" })
  environment?: KeyEnvironmentEnum;
}

@ObjectType()
export class CreateApiKeyPayload {
  @Field({ description: 'The new key. Shown once: store it now.' })
  key!: string;

  @Field(() => ApiKeyType)
  apiKey!: ApiKeyType;
}

@ObjectType()
export class RotateApiKeyPayload {
  @Field({ description: 'The replacement key. Shown once: store it now.' })
  key!: string;

  @Field(() => ApiKeyType, { description: 'The replacement' })
  apiKey!: ApiKeyType;

  @Field(() => ApiKeyType, { description: 'The rotated key, working until its expiresAt' })
  previous!: ApiKeyType;
}

@InputType()
export class CreateOperatorKeyInput {
  @Field()
  name!: string;

  @Field(() => DateTimeResolver, { nullable: true })
  expiresAt?: Date | null;
}
