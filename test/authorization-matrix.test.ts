import { getDirective } from '@graphql-tools/utils';
import { getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType, type GraphQLField, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { OPERATIONS, type Access } from '../src/auth/operations';
import { holdsScope, PLATFORM_ADMIN, SCOPE_CATALOG, TENANT_ADMIN } from '../src/auth/scopes';
import { buildGraphQLSchema } from '../src/graphql/schema';
import { REST_ROUTES } from '../src/rest/routes';
import { useHarness, type Registered } from './support/harness';

/**
 * Generated from the route table, the operation table and the schema, so a new operation is
 * covered without a test written for it: every REST route and every GraphQL root field, with a
 * key holding each catalog scope alone, must refuse exactly the scopes that do not grant it
 * (403 / FORBIDDEN) and let the others past authorization; and no key of one tenant may act
 * on another named by X-Tenant-ID. What each operation then does with its (dummy) input is the
 * per-operation tests' business.
 */
const h = useHarness();
const SCOPES = Object.keys(SCOPE_CATALOG).filter((s) => s !== PLATFORM_ADMIN && s !== TENANT_ADMIN);
const NIL = '00000000-0000-4000-8000-000000000000';
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

const grants = (access: Access, held: string[]) => 'public' in access || access.scopes.some((all) => all.every((s) => holdsScope(held, s)));
const operatorOnly = (access: Access) => !('public' in access) && access.scopes.every((all) => all.includes(PLATFORM_ADMIN));

let tenant: Registered;
let other: Registered;
const keys = new Map<string, string>();

async function setup() {
  if (keys.size) return;
  tenant = await h.register();
  other = await h.register();
  for (const scope of SCOPES) keys.set(scope, await h.keyWith(tenant, [scope]));
}

const pathOf = (path: string) => path.replace(/:([A-Za-z]+)/g, (_m, name: string) => (/id$/i.test(name) ? NIL : 'X'));
const refused = (status: number, body: string) => status === 403 && /lacks required scope/.test(body);

describe('authorization matrix: every REST route × every scope', () => {
  const routes = REST_ROUTES.filter((r) => !('public' in OPERATIONS[r.operation]) && !operatorOnly(OPERATIONS[r.operation]));

  it('covers every protected tenant-level route', () => {
    expect(routes.length).toBeGreaterThan(50);
  });

  it('refuses each route to exactly the scopes that do not grant it, and every route to no key', async () => {
    await setup();
    const wrong: string[] = [];
    for (const route of routes) {
      const access = OPERATIONS[route.operation];
      const url = pathOf(route.path);
      const payload = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
      const none = await h.app.inject({ method: route.method, url, payload });
      if (none.statusCode !== 401) wrong.push(`${route.method} ${route.path} with no key: ${none.statusCode}`);
      for (const scope of SCOPES) {
        const res = await h.app.inject({ method: route.method, url, payload, headers: auth(keys.get(scope)!) });
        const allowed = grants(access, [scope]);
        if (allowed === refused(res.statusCode, res.body)) wrong.push(`${route.method} ${route.path} with ${scope}: ${res.statusCode} ${res.body.slice(0, 80)}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it("refuses every route to a key of another tenant, whatever its scopes", async () => {
    await setup();
    const wrong: string[] = [];
    for (const route of routes) {
      const url = pathOf(route.path);
      const payload = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
      const res = await h.app.inject({ method: route.method, url, payload, headers: { ...auth(other.key), 'x-tenant-id': tenant.tenantId } });
      if (res.statusCode !== 403) wrong.push(`${route.method} ${route.path}: ${res.statusCode}`);
    }
    expect(wrong).toEqual([]);
  });
});

/** A literal of the argument's type, valid enough to pass document validation; null if none. */
function dummy(type: GraphQLInputType): string | null {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const item = dummy(inner.ofType);
    return item === null ? null : `[${item}]`;
  }
  if (isInputObjectType(inner)) {
    const parts: string[] = [];
    for (const f of Object.values(inner.getFields())) {
      if (!isNonNullType(f.type) || f.defaultValue !== undefined) continue;
      const v = dummy(f.type);
      if (v === null) return null;
      parts.push(`${f.name}: ${v}`);
    }
    return `{ ${parts.join(', ')} }`;
  }
  if (isEnumType(inner)) return inner.getValues()[0]?.name ?? null;
  if (!isScalarType(inner)) return null;
  switch (inner.name) {
    case 'Int':
    case 'SafeInt':
    case 'NonNegativeInt':
      return '1';
    case 'Float':
      return '1.0';
    case 'Boolean':
      return 'true';
    case 'UUID':
    case 'ID':
      return `"${NIL}"`;
    case 'EmailAddress':
      return '"someone@example.com"';
    case 'URL':
      return '"https://example.com/"';
    case 'DateTime':
      return '"2030-01-01T00:00:00Z"';
    case 'JSONObject':
      return '{}';
    default:
      return '"X"';
  }
}

function documentFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string | null {
  const args: string[] = [];
  for (const arg of field.args) {
    if (!isNonNullType(arg.type) || arg.defaultValue !== undefined) continue;
    const value = dummy(arg.type);
    if (value === null) return null;
    args.push(`${arg.name}: ${value}`);
  }
  const selection = isScalarType(getNamedType(field.type)) ? '' : ' { __typename }';
  return `${kind} { ${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
}

describe('authorization matrix: every GraphQL root field × every scope', () => {
  it('refuses each field to exactly the scopes that do not grant it, and to no key', async () => {
    await setup();
    const schema = await buildGraphQLSchema();
    const wrong: string[] = [];
    let covered = 0;
    for (const [kind, type] of [['query', schema.getQueryType()!], ['mutation', schema.getMutationType()!]] as const) {
      for (const field of Object.values(type.getFields())) {
        const access = accessOf(schema, field);
        if (!access || 'public' in access || operatorOnly(access)) continue;
        const doc = documentFor(kind, field);
        if (!doc) {
          wrong.push(`${field.name}: no document could be generated for its arguments`);
          continue;
        }
        covered++;
        const anonymous = await post(doc);
        if (anonymous.errors?.[0]?.extensions?.code !== 'UNAUTHENTICATED') wrong.push(`${field.name} with no key: ${JSON.stringify(anonymous).slice(0, 120)}`);
        for (const scope of SCOPES) {
          const res = await post(doc, keys.get(scope));
          const forbidden = res.errors?.some((e) => e.extensions?.code === 'FORBIDDEN' && /lacks required scope/.test(e.message)) ?? false;
          const validation = res.errors?.some((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED');
          if (validation) wrong.push(`${field.name}: the generated document is invalid: ${res.errors![0].message}`);
          else if (grants(access, [scope]) === forbidden) wrong.push(`${field.name} with ${scope}: ${JSON.stringify(res.errors ?? res.data).slice(0, 120)}`);
        }
      }
    }
    expect(covered).toBeGreaterThan(40);
    expect(wrong).toEqual([]);
  }, 120_000);
});

async function post(query: string, key?: string): Promise<{ data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const res = await h.app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', ...(key ? auth(key) : {}) }, payload: { query } });
  return res.json();
}

/** The access a field declares (its @requiresScopes / @public), read back from the schema. */
function accessOf(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): Access | null {
  const scopes = getDirective(schema, field, 'requiresScopes')?.[0]?.scopes as string[][] | undefined;
  if (scopes) return { scopes };
  return getDirective(schema, field, 'public') ? { public: true } : null;
}
