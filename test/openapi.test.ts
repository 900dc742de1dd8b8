import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../src/auth/operations';
import { REST_ROUTES } from '../src/rest/routes';
import { useHarness } from './support/harness';

const h = useHarness();
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document served at /openapi.json', async () => {
    const res = await h.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? [], JSON.stringify(result.errors ?? null).slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('has every route of the table, with its scopes, schemas and errors', async () => {
    const doc = (await h.app.inject({ url: '/openapi.json' })).json();
    for (const route of REST_ROUTES) {
      const id = `${route.method} ${route.path}`;
      // A route without a schema fails here, naming itself.
      expect(route.response, id).toBeDefined();
      if (route.body || route.query || route.passBody) expect(route.input, `${id}: its input schema`).toBeDefined();

      const op = doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      expect(op, id).toBeDefined();
      const access = OPERATIONS[route.operation];
      expect(op['x-required-scopes'], id).toEqual('public' in access ? [] : access.scopes);
      const success = op.responses[String(route.status ?? 200)];
      expect(success?.content['application/json'].schema, id).toBeTypeOf('object');
      expect(op.responses['400'], id).toBeDefined();
      if (!('public' in access)) expect(op.responses['403'], id).toBeDefined();
      if (route.body || route.passBody) expect(op.requestBody.content['application/json'].schema, id).toBeTypeOf('object');
      for (const [wire] of Object.entries(route.body ?? {})) {
        expect(op.requestBody.content['application/json'].schema.properties, `${id} body field ${wire}`).toHaveProperty(wire);
      }
      for (const [wire] of Object.entries(route.query ?? {})) {
        expect(op.parameters.map((p: { name?: string }) => p.name), `${id} query ${wire}`).toContain(wire);
      }
    }
  });

  it('documents bodies under the names the reference documents spell them', async () => {
    const doc = (await h.app.inject({ url: '/openapi.json' })).json();
    const register = doc.paths['/api/v1/tenants'].post.requestBody.content['application/json'].schema;
    expect(register.required).toEqual(['name']);
    expect(Object.keys(register.properties)).toEqual(expect.arrayContaining(['retriever_engines', 'storage_quota', 'settings']));
    expect(register.properties.settings.properties.retention_days).toMatchObject({ minimum: 1, maximum: 3650 });
    const consume = doc.paths['/tenant/limits/resources/consume'].post;
    expect(consume.responses['200'].content['application/json'].schema.properties).toHaveProperty('allowed');
  });
});

describe('Swagger UI at /docs', () => {
  it('serves the UI and its assets from the package, nothing from a CDN', async () => {
    const page = await h.app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).not.toMatch(/https?:\/\/(?!localhost)/);
    const scripts = [...page.body.matchAll(/src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const asset = await h.app.inject({ url: new URL(src, 'http://x/docs/').pathname });
      expect(asset.statusCode, src).toBe(200);
    }
    const init = await h.app.inject({ url: '/docs/static/swagger-initializer.js' });
    expect(init.statusCode).toBe(200);
    const json = await h.app.inject({ url: '/docs/json' });
    expect(json.json().paths).toEqual((await h.app.inject({ url: '/openapi.json' })).json().paths);
  });
});

describe('request bodies are checked against the documented fields', () => {
  it('refuses unknown fields and non-objects in Fastify, before the handler runs', async () => {
    const t = await h.register();
    // A tenant key may not register: the handler would say so, but Fastify answers first.
    for (const [payload, problem] of [
      [{ name: 'x', colour: 'red' }, { field: 'colour', message: 'is not a known field' }],
      [[1], { field: 'body', message: 'must be a JSON object' }],
    ] as const) {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: auth(t.key), payload: payload as object });
      expect(res.statusCode).toBe(400);
      expect(res.json().problems).toEqual([problem]);
    }
  });

  it('refuses a body of the wrong shape with the field named, writing nothing', async () => {
    const t = await h.register();
    const count = async () => Number((await h.sql('select count(*)::int as n from api_keys'))[0].n);
    const before = await count();
    const cases: [unknown, string, RegExp][] = [
      [{ name: 42, scopes: ['tenant:read'] }, 'name', /string/],
      [{ name: 'k', scopes: 'tenant:read' }, 'scopes', /array/],
      [{ name: 'k', scopes: ['tenant:read'], colour: 'red' }, 'colour', /not a known field/],
      [[1, 2], 'body', /object/],
    ];
    for (const [payload, field, message] of cases) {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(t.key), payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      const body = res.json();
      expect(body.error).toBe('Bad Request');
      expect(body.problems[0].field).toBe(field);
      expect(body.problems[0].message).toMatch(message);
    }
    expect(await count()).toBe(before);
  });

  it('leaves value rules to the service, in its words, for both doors alike', async () => {
    const t = await h.register();
    const res = await h.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: auth(t.key), payload: { settings: { retention_days: 99999 } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/settings.retention_days: must be between 1 and 3650/);
  });
});
