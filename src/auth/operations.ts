/**
 * Who may call each operation, declared once. GraphQL fields carry it as a directive
 * (`@RequiresScopes(OPERATIONS.x)`), REST routes name the operation; neither repeats the scopes.
 * Changing a line here is a permission change and shows in the `schema.graphql` diff.
 */
export type Access = { public: true } | { scopes: readonly (readonly string[])[] };

const scopes = (...all: string[]): Access => ({ scopes: [all] });
const open: Access = { public: true };

export const OPERATIONS = {
  registerTenant: open,
  getTenant: scopes('tenant:read'),
  updateTenant: scopes('tenant:admin'),
  listApiKeys: scopes('tenant:admin'),
  createApiKey: scopes('tenant:admin'),
  revokeApiKey: scopes('tenant:admin'),
} as const satisfies Record<string, Access>;

export type OperationName = keyof typeof OPERATIONS;
