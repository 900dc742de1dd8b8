import { z } from 'zod';
import { OPERATIONS } from '../auth/operations';
import { error as errorSchema } from './responses';
import type { RestRoute } from './route-table';

type JsonSchema = Record<string, any>;

/** Who may call, in words: "`a` + `b` or `c`" (all of one group, any group). */
export const scopeCell = (anyOf: readonly (readonly string[])[] | undefined) =>
  anyOf ? anyOf.map((all) => all.map((s) => `\`${s}\``).join(' + ')).join(' or ') : 'public';

const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);

/**
 * zod's JSON Schema, tidied for its two readers: `anyOf: [X, null]` becomes `type: [X, 'null']`
 * (fast-json-stringify would otherwise try each branch per value at run time), and the
 * per-schema `$schema` goes (the document states its dialect once).
 */
function tidy(schema: JsonSchema): JsonSchema {
  if (Array.isArray(schema)) return schema.map(tidy);
  if (!schema || typeof schema !== 'object') return schema;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$schema') continue;
    out[k] = v && typeof v === 'object' ? (Array.isArray(v) ? v.map(tidy) : tidy(v)) : v;
  }
  const anyOf = out.anyOf as JsonSchema[] | undefined;
  if (anyOf?.length === 2) {
    const nul = anyOf.findIndex((s) => s.type === 'null' && Object.keys(s).length === 1);
    const other = anyOf[1 - nul];
    if (nul >= 0 && typeof other.type === 'string' && PRIMITIVES.has(other.type)) {
      const { anyOf: _drop, ...rest } = out;
      return { ...rest, ...other, type: [other.type, 'null'] };
    }
  }
  return out;
}

export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return tidy(z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema);
}

/**
 * The documented body: the service's input schema with each property under the name(s) the
 * document spells it. A field with two spellings is required under neither (either will do).
 */
export function bodySchema(route: RestRoute): JsonSchema | undefined {
  if (!route.passBody && !route.body) return undefined;
  if (!route.input) return { type: 'object' };
  const service = jsonSchema(route.input, 'input');
  if (route.passBody || !route.body) return service;
  const fields = route.body;
  const properties: JsonSchema = {};
  const required: string[] = [];
  for (const [wire, target] of Object.entries(fields)) {
    properties[wire] = service.properties?.[target] ?? {};
    const spellings = Object.values(fields).filter((t) => t === target).length;
    if (spellings === 1 && (service.required as string[] | undefined)?.includes(target)) required.push(wire);
  }
  return { type: 'object', properties, ...(required.length && { required }), additionalProperties: false };
}

function queryParameters(route: RestRoute): JsonSchema[] {
  const service = route.input ? jsonSchema(route.input, 'input') : undefined;
  const mapped = Object.entries(route.query ?? {}).map(([wire, target]) => ({
    name: wire,
    in: 'query',
    required: false,
    schema: service?.properties?.[target] ?? { type: 'string' },
  }));
  const flags = Object.entries(route.flags ?? {}).map(([name, description]) => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: { type: 'boolean' },
  }));
  return [...mapped, ...flags];
}

const pathParameters = (path: string) =>
  [...path.matchAll(/:(\w+)/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string', maxLength: 200 } }));

const TAGS: [RegExp, string][] = [
  [/audit/, 'Audit'],
  [/webhooks/, 'Webhooks'],
  [/events/, 'Events'],
  [/operator-keys|api-key/, 'API keys'],
  [/tenant-setting/, 'Settings'],
  [/rbac/, 'Roles'],
  [/limits|usage/, 'Limits and usage'],
  [/config|secrets|info/, 'Configuration and secrets'],
  [/tenant/, 'Tenants'],
];

const ref = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/** The OpenAPI 3.1 document of the REST layer, generated from its route table. */
export function openApiDocument(routes: RestRoute[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const ids = new Map<string, number>();
  for (const route of routes) {
    const access = OPERATIONS[route.operation];
    const open = 'public' in access;
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const count = (ids.get(route.operation) ?? 0) + 1;
    ids.set(route.operation, count);
    const body = bodySchema(route);
    const status = String(route.status ?? 200);
    const responses: JsonSchema = {
      [status]: { description: 'Success', content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } },
      '400': ref('Bad input: the fields at fault are named'),
    };
    if (!open) {
      responses['401'] = ref('No key, or a key that is not valid');
      responses['403'] = ref('The key lacks the scope (named in requiredScope), or its tenant is suspended');
    }
    if (route.path.includes(':') || !open) responses['404'] = ref('Not found (or not visible to this key)');
    if (route.method !== 'GET') responses['409'] = ref('Conflicts with the current state');
    responses['429'] = ref('Rate limited: see Retry-After and RateLimit-* headers');
    responses['503'] = ref('The database is unavailable: retry after Retry-After');
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      operationId: count === 1 ? route.operation : `${route.operation}_${count}`,
      summary: route.operation.replace(/([A-Z])/g, ' $1').toLowerCase(),
      description: `Scopes: ${scopeCell(open ? undefined : access.scopes)}. Source: ${route.source}.`,
      tags: [TAGS.find(([re]) => re.test(route.path))?.[1] ?? 'Other'],
      'x-required-scopes': open ? [] : access.scopes,
      security: open ? [] : [{ bearer: [] }, { apiKey: [] }],
      parameters: [
        ...pathParameters(route.path),
        ...queryParameters(route),
        ...(open ? [] : [{ $ref: '#/components/parameters/TenantId' }]),
      ],
      ...(body && { requestBody: { required: !!route.passBody, content: { 'application/json': { schema: body } } } }),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Tenantry REST compatibility layer',
      version,
      description:
        'The paths and shapes of the tenant-API documents Tenantry serves. The typed API is GraphQL at /graphql. ' +
        'Every operation names the scopes it needs; errors share one shape.',
    },
    tags: [...new Set(TAGS.map(([, t]) => t))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
      parameters: {
        TenantId: {
          name: 'X-Tenant-ID',
          in: 'header',
          required: false,
          description: "Operator keys: the tenant to act on. A tenant key may name only its own tenant.",
          schema: { type: 'string', format: 'uuid' },
        },
      },
      schemas: { Error: jsonSchema(errorSchema, 'output') },
    },
  };
}
