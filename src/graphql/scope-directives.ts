import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  DirectiveLocation,
  GraphQLDirective,
  GraphQLList,
  GraphQLNonNull,
  GraphQLString,
  type GraphQLSchema,
} from 'graphql';
import { Directive } from 'type-graphql';
import type { Access } from '../auth/operations';
import type { RequestContext } from '../context';
import { andThen } from '../maybe';

/**
 * `@requiresScopes(scopes: [[String!]!]!)`: any inner list suffices, every scope of that list is
 * needed (the Apollo Federation / envelop generic-auth shape). `@public` marks open fields.
 */
export const requiresScopesDirective = new GraphQLDirective({
  name: 'requiresScopes',
  description: 'The caller needs every scope of at least one of the inner lists.',
  locations: [DirectiveLocation.FIELD_DEFINITION],
  args: {
    scopes: {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLString))))),
    },
  },
});

export const publicDirective = new GraphQLDirective({
  name: 'public',
  description: 'Open to callers without an API key.',
  locations: [DirectiveLocation.FIELD_DEFINITION],
});

/** Declares a field's access from the operations table, as a directive visible in the schema. */
export function Access(access: Access): MethodDecorator & PropertyDecorator {
  return 'public' in access
    ? Directive('@public')
    : Directive(`@requiresScopes(scopes: ${JSON.stringify(access.scopes)})`);
}

const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'];

/**
 * Enforces the directives by wrapping resolvers, and refuses to build a schema with a root field
 * that declares neither: access is denied by default, never forgotten.
 */
export function enforceScopeDirectives(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const required = getDirective(schema, field, requiresScopesDirective.name)?.[0];
      const open = getDirective(schema, field, publicDirective.name)?.[0];
      if (!required && !open) {
        if (ROOT_TYPES.includes(typeName)) {
          throw new Error(`${typeName}.${fieldName} declares neither @requiresScopes nor @public`);
        }
        return field;
      }
      const access: Access = required ? { scopes: required.scopes as string[][] } : { public: true };
      const resolve = field.resolve ?? defaultFieldResolver;
      return {
        ...field,
        // Not async: a caller verified moments ago is authorized without a promise (maybe.ts).
        resolve: (source, args, context: RequestContext, info) =>
          andThen(context.authorize(access), () => resolve(source, args, context, info)),
      };
    },
  });
}
