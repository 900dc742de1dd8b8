import {
  DateTimeResolver,
  EmailAddressResolver,
  JSONObjectResolver,
  NonNegativeIntResolver,
  SafeIntResolver,
  URLResolver,
  UUIDResolver,
} from 'graphql-scalars';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ApiKeyType } from '../api-keys/api-key.types';

export enum TenantStatusEnum {
  ACTIVE = 'active',
  SUSPENDED = 'suspended',
  DELETED = 'deleted',
}
registerEnumType(TenantStatusEnum, { name: 'TenantStatus' });

export enum EncryptionModeEnum {
  PLATFORM = 'platform',
  BYOK = 'byok',
}
registerEnumType(EncryptionModeEnum, { name: 'EncryptionMode', description: 'Who manages encryption keys' });

// Settings and stats keep the memory API's snake_case names: clients read the same keys over
// REST and GraphQL.
@ObjectType('TenantSettings', { description: 'Typed tenant settings (memory API)' })
export class TenantSettingsType {
  @Field(() => Int, { description: 'Days to retain memory blobs (1-3650, default 30)' })
  retention_days!: number;

  @Field(() => Int, { description: 'Interactions before flush (1-1000, default 10)' })
  batch_size!: number;

  @Field(() => Int, { description: 'Max conversations per user (default 100)' })
  max_conversations_per_user!: number;

  @Field(() => Int, { description: 'Max users for the tenant (default 1000)' })
  max_users!: number;

  @Field(() => EncryptionModeEnum)
  encryption_mode!: EncryptionModeEnum;

  @Field(() => URLResolver, { nullable: true, description: 'URL for event webhooks' })
  webhook_url?: string;

  @Field(() => [String], { nullable: true, description: 'Events to send to the webhook' })
  webhook_events?: string[];
}

@InputType('TenantSettingsInput', { description: 'A settings patch: given keys are merged, null clears optional ones' })
export class TenantSettingsInput {
  @Field(() => Int, { nullable: true })
  retention_days?: number;

  @Field(() => Int, { nullable: true })
  batch_size?: number;

  @Field(() => Int, { nullable: true })
  max_conversations_per_user?: number;

  @Field(() => Int, { nullable: true })
  max_users?: number;

  @Field(() => EncryptionModeEnum, { nullable: true })
  encryption_mode?: EncryptionModeEnum;

  @Field(() => URLResolver, { nullable: true })
  webhook_url?: string | null;

  @Field(() => [String], { nullable: true })
  webhook_events?: string[] | null;
}

@ObjectType('TenantStats')
export class TenantStatsType {
  @Field(() => NonNegativeIntResolver)
  user_count!: number;

  @Field(() => NonNegativeIntResolver)
  conversation_count!: number;

  @Field(() => NonNegativeIntResolver)
  total_interactions!: number;

  @Field(() => SafeIntResolver)
  storage_bytes!: number;
}

@ObjectType('TenantLimits', { description: "Monthly limits of the tenant's plan; -1 is unlimited" })
export class TenantLimitsType {
  @Field(() => SafeIntResolver)
  apiCalls!: number;

  @Field(() => SafeIntResolver)
  llmTokens!: number;

  @Field(() => SafeIntResolver, { description: 'Bytes (the storage quota); 0 or less is unlimited' })
  storage!: number;
}

@ObjectType('Tenant')
export class TenantType {
  @Field(() => UUIDResolver)
  id!: string;

  @Field()
  name!: string;

  @Field(() => EmailAddressResolver, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => String, { nullable: true })
  business?: string | null;

  @Field(() => URLResolver, { nullable: true })
  logo?: string | null;

  @Field()
  plan!: string;

  @Field(() => TenantStatusEnum)
  status!: TenantStatusEnum;

  @Field(() => TenantSettingsType)
  settings!: TenantSettingsType;

  @Field(() => JSONObjectResolver, { nullable: true, description: 'Knowledge-base retriever configuration' })
  retrieverEngines?: Record<string, unknown> | null;

  @Field(() => SafeIntResolver, { description: 'Bytes; 0 or less means unlimited' })
  storageQuota!: number;

  @Field(() => SafeIntResolver)
  storageUsed!: number;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver)
  updatedAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true })
  deletedAt?: Date | null;
}

@InputType()
export class RegisterTenantInput {
  @Field()
  name!: string;

  @Field(() => EmailAddressResolver, { nullable: true })
  email?: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => String, { nullable: true })
  business?: string;

  @Field(() => URLResolver, { nullable: true })
  logo?: string;

  @Field(() => JSONObjectResolver, { nullable: true })
  retrieverEngines?: Record<string, unknown>;

  @Field(() => TenantSettingsInput, { nullable: true })
  settings?: TenantSettingsInput;
}

@InputType({ description: 'Plan, storageQuota and status may be changed by operators only' })
export class UpdateTenantInput {
  @Field(() => String, { nullable: true })
  plan?: string;

  @Field(() => SafeIntResolver, { nullable: true })
  storageQuota?: number;

  @Field(() => TenantStatusEnum, { nullable: true })
  status?: TenantStatusEnum;

  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => EmailAddressResolver, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => String, { nullable: true })
  business?: string | null;

  @Field(() => URLResolver, { nullable: true })
  logo?: string | null;

  @Field(() => JSONObjectResolver, { nullable: true })
  retrieverEngines?: Record<string, unknown> | null;

  @Field(() => TenantSettingsInput, { nullable: true })
  settings?: TenantSettingsInput;
}

@InputType({ description: 'An operator creating a tenant may also set its plan, quota and status' })
export class CreateTenantInput extends RegisterTenantInput {
  @Field(() => String, { nullable: true })
  plan?: string;

  @Field(() => SafeIntResolver, { nullable: true, description: 'Bytes; 0 or less means unlimited' })
  storageQuota?: number;

  @Field(() => TenantStatusEnum, { nullable: true })
  status?: TenantStatusEnum;
}

@InputType({ description: 'Tenant fields to filter a list by; search matches name or email' })
export class TenantFilter {
  @Field(() => TenantStatusEnum, { nullable: true })
  status?: TenantStatusEnum;

  @Field(() => String, { nullable: true })
  plan?: string;

  @Field(() => String, { nullable: true })
  search?: string;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor?: string | null;
}

@ObjectType()
export class TenantEdge {
  @Field()
  cursor!: string;

  @Field(() => TenantType)
  node!: TenantType;
}

@ObjectType()
export class TenantConnection {
  @Field(() => [TenantEdge])
  edges!: TenantEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => NonNegativeIntResolver)
  totalCount!: number;
}

@ObjectType()
export class RegisterTenantPayload {
  @Field(() => TenantType)
  tenant!: TenantType;

  @Field({ description: 'The tenant admin key. Shown once: store it now.' })
  key!: string;

  @Field(() => ApiKeyType)
  apiKey!: ApiKeyType;
}
