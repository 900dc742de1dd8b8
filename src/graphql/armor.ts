import { ApolloArmor } from '@escape.tech/graphql-armor';

/**
 * Abuse limits for every GraphQL document, checked while parsing and validating: a document
 * past one is refused (400, GRAPHQL_VALIDATION_FAILED) before any resolver or SQL runs. Tuned to
 * this schema: its deepest real query (`tenants { edges { node { stats { ... } } } }`, or a
 * delivery log) is 5 levels; 8 leaves room for fragments. Lists are bounded by their `first`
 * arguments (at most 100 or 200), not here.
 */
export const GRAPHQL_LIMITS = {
  maxDepth: 8,
  maxAliases: 15,
  maxDirectives: 10,
  maxTokens: 5000,
  maxCost: 5000,
} as const;

export function graphqlArmor() {
  return new ApolloArmor({
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth, flattenFragments: true },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives },
    // graphql-js's own parser limit (parseOptions in app.ts) refuses with 400; armor's version of
    // it throws from a plugin, which Apollo answers with 500.
    maxTokens: { enabled: false },
    costLimit: { maxCost: GRAPHQL_LIMITS.maxCost },
    // "Did you mean ...?" names fields a client did not ask about: production removes it from
    // every error in formatError (app.ts), which costs no request plugin (each plugin costs
    // every request a round of promises per phase).
    blockFieldSuggestion: { enabled: false },
  }).protect();
}
