import { DateTimeResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';

@ObjectType('SecretInfo', { description: 'A secret by name; its value is only ever returned by secretValue' })
export class SecretInfoType {
  @Field()
  name!: string;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver)
  updatedAt!: Date;
}
