import { DateTimeResolver, UUIDResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';

@ObjectType('TenantSetting', { description: 'A free-form name/value setting of the tenant' })
export class TenantSettingType {
  @Field(() => UUIDResolver)
  id!: string;

  @Field()
  name!: string;

  @Field()
  value!: string;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver)
  updatedAt!: Date;
}
