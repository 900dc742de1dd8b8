import 'reflect-metadata';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { lexicographicSortSchema, specifiedDirectives, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ApiKeyResolver } from '../modules/api-keys/api-key.resolver';
import { AuditResolver } from '../modules/audit/audit.resolver';
import { ConfigResolver } from '../modules/config/config.resolver';
import { EventResolver } from '../modules/events/event.resolver';
import { LimitsResolver } from '../modules/limits/limits.resolver';
import { RbacResolver } from '../modules/rbac/rbac.resolver';
import { SecretResolver } from '../modules/secrets/secret.resolver';
import { SessionResolver } from '../modules/sessions/session.resolver';
import { TenantSettingResolver } from '../modules/tenant-settings/tenant-setting.resolver';
import { TenantResolver } from '../modules/tenants/tenant.resolver';
import { WebhookResolver } from '../modules/webhooks/webhook.resolver';
import { enforceScopeDirectives, publicDirective, requiresScopesDirective } from './scope-directives';

export const RESOLVERS = [TenantResolver, ApiKeyResolver, TenantSettingResolver, AuditResolver, ConfigResolver, SecretResolver, RbacResolver, LimitsResolver, EventResolver, WebhookResolver, SessionResolver] as const;

let cached: Promise<GraphQLSchema> | undefined;

/** The executable schema: type-graphql's, with scope directives enforced. Built once per process. */
export function buildGraphQLSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({
    resolvers: [...RESOLVERS],
    // Given directives replace graphql-js's defaults, so @include, @skip and @deprecated are listed too.
    directives: [...specifiedDirectives, requiresScopesDirective, publicDirective],
    // Services validate input (one rule for both doors); class-validator is not used.
    validate: false,
  }).then(enforceScopeDirectives);
  return cached;
}

/** The committed `schema.graphql`: sorted, with directives (type-graphql's own printer drops them). */
export function printSchemaFile(schema: GraphQLSchema): string {
  return printSchemaWithDirectives(lexicographicSortSchema(schema)) + '\n';
}
