import { Field, InputType, ObjectType } from 'type-graphql';

@ObjectType('Role', { description: "A role of the tenant's end-users" })
export class RoleType {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [String], { description: 'Permissions; "*" and "resource:*" are wildcards' })
  permissions!: string[];

  @Field(() => String, { nullable: true, description: 'The parent role whose permissions this one inherits' })
  inherits?: string | null;
}

@ObjectType('Rbac')
export class RbacType {
  @Field()
  enabled!: boolean;

  @Field({ description: 'The role of users with no assignment' })
  defaultRole!: string;

  @Field(() => [RoleType])
  roles!: RoleType[];
}

@ObjectType('UserRoles')
export class UserRolesType {
  @Field()
  userId!: string;

  @Field(() => [String])
  roles!: string[];

  @Field({ description: 'True when the user has no assignment and so holds the default role' })
  defaultRole!: boolean;
}

@ObjectType('PermissionCheck', { description: 'Allowed or not, and why' })
export class PermissionCheckType {
  @Field()
  allowed!: boolean;

  @Field({ description: 'False when RBAC is disabled for the tenant (everything is allowed)' })
  enabled!: boolean;

  @Field()
  userId!: string;

  @Field()
  permission!: string;

  @Field(() => String, { nullable: true })
  role?: string | null;

  @Field()
  viaDefaultRole!: boolean;

  @Field(() => String, { nullable: true })
  grantedBy?: string | null;

  @Field(() => [String], { description: 'Roles walked from role up to grantedBy' })
  via!: string[];

  @Field(() => String, { nullable: true, description: 'The permission pattern that matched' })
  matched?: string | null;

  @Field()
  reason!: string;
}

@InputType()
export class CreateRoleInput {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => [String])
  permissions!: string[];

  @Field(() => String, { nullable: true })
  inherits?: string;
}

@InputType()
export class UpdateRoleInput {
  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [String], { nullable: true })
  permissions?: string[];

  @Field(() => String, { nullable: true, description: 'null removes the parent' })
  inherits?: string | null;
}
