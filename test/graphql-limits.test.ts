import { describe, expect, it, vi } from 'vitest';
import { GRAPHQL_LIMITS } from '../src/graphql/armor';
import { useHarness } from './support/harness';

const h = useHarness();
const prod = useHarness({ NODE_ENV: 'production' });

async function post(harness: typeof h, query: string, key?: string, headers: Record<string, string> = {}) {
  return harness.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    payload: { query },
  });
}

/** Runs `query` and counts the SQL statements it caused: a refused document must cause none. */
async function refused(query: string, pattern: RegExp) {
  const t = await h.register();
  const spy = vi.spyOn(h.orm.em.getConnection(), 'execute');
  try {
    const res = await post(h, query, t.key);
    expect(res.statusCode, res.body).toBe(400);
    const errors: { message: string; extensions: { code: string } }[] = res.json().errors;
    expect(errors.every((e) => e.extensions.code === 'GRAPHQL_VALIDATION_FAILED')).toBe(true);
    expect(errors.some((e) => pattern.test(e.message)), JSON.stringify(errors)).toBe(true);
    expect(spy).not.toHaveBeenCalled();
  } finally {
    spy.mockRestore();
  }
}

describe('GraphQL abuse limits (graphql-armor), before any resolver or SQL', () => {
  it('accepts the deepest real query of the schema', async () => {
    const t = await h.register();
    const res = await post(h, '{ tenants(first: 5) { edges { node { id stats { user_count } settings { retention_days } } } } }', t.key);
    expect(res.json().errors).toBeUndefined();
  });

  it(`refuses depth over ${GRAPHQL_LIMITS.maxDepth}`, async () => {
    // The schema has no cycle this deep: the limit is on the document, whatever it names.
    let q = 'id';
    for (let i = 0; i < GRAPHQL_LIMITS.maxDepth + 1; i++) q = `tenant { ${q} }`;
    await refused(`{ ${q} }`, /depth/i);
  });

  it(`refuses more than ${GRAPHQL_LIMITS.maxAliases} aliases`, async () => {
    const aliases = Array.from({ length: GRAPHQL_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: tenant { id }`).join(' ');
    await refused(`{ ${aliases} }`, /aliases/i);
  });

  it(`refuses more than ${GRAPHQL_LIMITS.maxDirectives} directives`, async () => {
    const directives = Array.from({ length: GRAPHQL_LIMITS.maxDirectives + 1 }, () => '@include(if: true)').join(' ');
    await refused(`{ tenant ${directives} { id } }`, /directives/i);
  });

  it(`refuses documents over ${GRAPHQL_LIMITS.maxTokens} tokens`, async () => {
    const t = await h.register();
    const res = await post(h, `{ tenant { ${'id '.repeat(GRAPHQL_LIMITS.maxTokens)} } }`, t.key);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].message).toMatch(/token/i);
  });

  it(`refuses documents costing more than ${GRAPHQL_LIMITS.maxCost}`, async () => {
    const wide = 'retention_days '.repeat(2500);
    await refused(`{ tenants { edges { node { settings { ${wide} } } } } }`, /cost/i);
  });

  it('refuses batched requests and cross-site simple requests (CSRF prevention)', async () => {
    const t = await h.register();
    const batch = await h.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.key}` },
      payload: [{ query: '{ tenant { id } }' }, { query: '{ tenant { id } }' }],
    });
    expect(batch.statusCode).toBe(400);
    const simpleGet = await h.app.inject({ method: 'GET', url: '/graphql?query=%7B__typename%7D' });
    expect(simpleGet.statusCode).toBe(400);
    expect(simpleGet.body).toMatch(/CSRF|preflight/i);
    const textPlain = await h.app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'text/plain' }, payload: '{"query":"{__typename}"}' });
    expect(textPlain.statusCode).toBeGreaterThanOrEqual(400);
  });

  it('answers a query sent by GET, its document, variables and operation name read from the query string', async () => {
    const t = await h.register();
    const params = new URLSearchParams({
      query: 'query Other { __typename } query Mine($withId: Boolean!) { tenant { id @include(if: $withId) name } }',
      variables: JSON.stringify({ withId: false }),
      operationName: 'Mine',
    });
    const res = await h.app.inject({ method: 'GET', url: `/graphql?${params}`, headers: { authorization: `Bearer ${t.key}`, 'apollo-require-preflight': 'true' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ data: { tenant: { name: expect.any(String) } } });
    // A mutation is never run by GET.
    const mutation = new URLSearchParams({ query: 'mutation { revokeApiKey(id: "00000000-0000-4000-8000-000000000000") { id } }' });
    const refused = await h.app.inject({ method: 'GET', url: `/graphql?${mutation}`, headers: { authorization: `Bearer ${t.key}`, 'apollo-require-preflight': 'true' } });
    expect(refused.statusCode).toBe(405);
  });

  it('development suggests field names; production does not, and has no introspection or landing page', async () => {
    const devKey = (await h.register()).key;
    expect((await post(h, '{ tenant { nme } }', devKey)).json().errors[0].message).toMatch(/Did you mean/);
    const key = (await prod.register()).key;
    const typo = await post(prod, '{ tenant { nme } }', key);
    expect(typo.statusCode).toBe(400);
    expect(typo.json().errors[0].message).not.toMatch(/Did you mean/);
    // A misspelt input field in the variables is checked after validation, and still hidden.
    const variables = { i: { resource: 'a', metric: 'b', idempotencyKy: 'k' } };
    const mutation = 'mutation($i: UsageInput!) { trackUsage(input: $i) { allowed } }';
    const dev = await h.app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: { query: mutation, variables } });
    expect(dev.json().errors[0].message).toMatch(/Did you mean "idempotencyKey"/);
    const prodVariables = await prod.app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: { query: mutation, variables } });
    expect(prodVariables.json().errors[0].message).toMatch(/idempotencyKy/);
    expect(prodVariables.json().errors[0].message).not.toMatch(/Did you mean|idempotencyKey/);
    const introspection = await post(prod, '{ __schema { types { name } } }', key);
    expect(introspection.json().errors[0].message).toMatch(/introspection/i);
    const landing = await prod.app.inject({ method: 'GET', url: '/graphql', headers: { accept: 'text/html' } });
    expect(landing.body).not.toMatch(/<html|sandbox/i);
  });

  it('answers no-store at both doors, so no cache keeps an answer that may carry keys or secrets', async () => {
    const key = (await h.register()).key;
    const ok = await post(h, '{ tenant { id } }', key);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    const refused = await post(h, '{ tenant { id } }');
    expect(refused.headers['cache-control']).toBe('no-store');
    const rest = await h.app.inject({ method: 'GET', url: '/api/v1/tenant', headers: { authorization: `Bearer ${key}` } });
    expect(rest.statusCode).toBe(200);
    expect(rest.headers['cache-control']).toBe('no-store');
  });

  it('stamps every kind of answer with its request id and no-store, whichever step answered it', async () => {
    const key = (await h.register()).key;
    const json = { 'content-type': 'application/json' };
    const answers = {
      'REST read': await h.app.inject({ url: '/api/v1/tenant', headers: { authorization: `Bearer ${key}` } }),
      'REST without a key': await h.app.inject({ url: '/api/v1/tenant' }),
      // Refused while its body is parsed, before the route's own hook runs.
      'REST with malformed JSON': await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: { ...json, authorization: `Bearer ${key}` }, payload: '{"name":' }),
      'REST with a body of the wrong shape': await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: { ...json, authorization: `Bearer ${key}` }, payload: '{"name":7}' }),
      GraphQL: await post(h, '{ tenant { id } }', key),
      'GraphQL that does not parse': await post(h, '{ tenant { id }', key),
      'an unknown route': await h.app.inject({ url: '/nowhere' }),
      'a malformed path': await h.app.inject({ url: '/api/v1/tenants/%E0%A4%A' }),
      'the health check': await h.app.inject({ url: '/healthz' }),
      'the OpenAPI document': await h.app.inject({ url: '/openapi.json' }),
    };
    const seen = Object.fromEntries(Object.entries(answers).map(([what, res]) => [what, [res.statusCode >= 400, res.headers['cache-control'], typeof res.headers['x-request-id']]]));
    expect(seen).toEqual({
      'REST read': [false, 'no-store', 'string'],
      'REST without a key': [true, 'no-store', 'string'],
      'REST with malformed JSON': [true, 'no-store', 'string'],
      'REST with a body of the wrong shape': [true, 'no-store', 'string'],
      GraphQL: [false, 'no-store', 'string'],
      'GraphQL that does not parse': [true, 'no-store', 'string'],
      'an unknown route': [true, 'no-store', 'string'],
      'a malformed path': [true, 'no-store', 'string'],
      'the health check': [false, 'no-store', 'string'],
      'the OpenAPI document': [false, 'no-store', 'string'],
    });
  });

  it('answers variables with more invalid values than graphql-js reports as bad input, not an internal error', async () => {
    const t = await h.register();
    const res = await h.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.key}` },
      payload: { query: 'mutation($roles: [String!]!) { setUserRoles(userId: "u", roles: $roles) { userId } }', variables: { roles: Array.from({ length: 60 }, (_, i) => i) } },
    });
    expect(res.statusCode, res.body).toBe(400);
    const errors: { message: string; extensions: { code: string } }[] = res.json().errors;
    expect(errors.map((e) => e.extensions.code)).toEqual(errors.map(() => 'BAD_USER_INPUT'));
    expect(errors.at(-1)?.message).toMatch(/Too many errors processing variables/);
  });

  it('masks unexpected errors, with the request id that finds them in the log', async () => {
    const t = await prod.register();
    await prod.ownerSql('alter table tenant_settings rename to tenant_settings_gone');
    try {
      const res = await post(prod, '{ tenantSettings { name value } }', t.key);
      const [err] = res.json().errors;
      expect(err).toMatchObject({ message: 'Unexpected error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: res.headers['x-request-id'] } });
      expect(res.body).not.toMatch(/tenant_settings|stack|select/i);
    } finally {
      await prod.ownerSql('alter table tenant_settings_gone rename to tenant_settings');
    }
  });
});
