import { DateTimeResolver, UUIDResolver } from 'graphql-scalars';
import { Field, InputType, ObjectType } from 'type-graphql';

@ObjectType('ConsoleLogin', { description: 'A person who signs in to the admin console; the password is never shown' })
export class ConsoleLoginType {
  @Field(() => UUIDResolver)
  id!: string;

  @Field({ description: 'Lowercased; unique across every tenant' })
  email!: string;

  @Field({ description: 'owner (of tenantId) or operator' })
  role!: string;

  @Field(() => UUIDResolver, { nullable: true, description: 'Null for operators' })
  tenantId?: string | null;

  @Field(() => DateTimeResolver)
  passwordChangedAt!: Date;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}

@InputType({ description: 'At least 12 characters and at most 72 bytes of password' })
export class SetConsolePasswordInput {
  @Field()
  email!: string;

  @Field()
  password!: string;
}
