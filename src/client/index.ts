// The package's `tenantry/client` entry. It imports nothing from the server, so a service that
// only calls Tenantry loads this folder and @graphql-typed-document-node/core's types, nothing else.
export { TenantryClient, type TenantryClientOptions, type RequestOptions, type RequestArgs, type ResultOf, type VariablesOf } from './client';
export {
  TenantryError,
  isTenantryError,
  SERVER_ERROR_CODES,
  type TenantryErrorCode,
  type ServerErrorCode,
  type GraphQLRequestErrorCode,
  type ClientErrorCode,
  type FieldProblem,
  type GraphQLErrorEntry,
} from './client-error';
export * from './generated';
