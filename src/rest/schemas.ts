import Ajv, { type ErrorObject } from 'ajv';
import type { FastifySchema } from 'fastify';
import { badInput, type FieldProblem } from '../errors';
import { bodySchema, jsonSchema } from './openapi';
import type { RestRoute } from './route-table';

type JsonSchema = Record<string, any>;

/**
 * Fastify's own checks of a REST request, from the same schemas /openapi.json shows: the body's
 * shape (types, required fields, no unknown fields), before any handler runs. The services still
 * apply the full rules (ranges, formats, patterns, cross-field rules), because GraphQL reaches
 * them too; keeping those out of this pass means each rule has one wording, the service's.
 */
const SHAPE_KEYWORDS = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'prefixItems', 'anyOf', 'oneOf', 'allOf']);

function shapeOnly(schema: JsonSchema): JsonSchema {
  if (!schema || typeof schema !== 'object') return schema;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (!SHAPE_KEYWORDS.has(k)) continue;
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as JsonSchema).map(([p, s]) => [p, shapeOnly(s)]));
    else if (Array.isArray(v)) out[k] = v.map((s) => (typeof s === 'object' ? shapeOnly(s) : s));
    else out[k] = typeof v === 'object' ? shapeOnly(v) : v;
  }
  return out;
}

// Strict, unlike Fastify's defaults: nothing coerced ("5" is not 5 here or in GraphQL), nothing
// removed (an unknown field is refused by name, never dropped), no defaults filled in.
const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false, strict: false, validateFormats: false });

/** Fields are named as the services name them: dotted paths, the whole body as `root`. */
function problemOf(e: ErrorObject, root: string): FieldProblem {
  const params = e.params as { missingProperty?: string; additionalProperty?: string };
  const field = [e.instancePath.split('/').slice(1).join('.'), params.missingProperty ?? params.additionalProperty].filter(Boolean).join('.') || root;
  if (e.keyword === 'required') return { field, message: 'is required' };
  if (e.keyword === 'additionalProperties') return { field, message: 'is not a known field' };
  return { field, message: e.message ?? 'is not valid' };
}

/** The Fastify schema of one REST route: body shape to validate, success answer to serialize. */
export function routeSchema(route: RestRoute): FastifySchema {
  const body = bodySchema(route);
  return {
    ...(body && { body: shapeOnly(body) }),
    response: { [route.status ?? 200]: jsonSchema(route.response, 'output') },
  };
}

/** Fastify's validator compiler for one route's schemas. */
export function restValidatorCompiler(route: RestRoute) {
  // A document validated whole names its root as the service does (''); a set of fields, 'body'.
  const root = route.passBody ? '' : 'body';
  return ({ schema }: { schema: JsonSchema }) => {
    const validate = ajv.compile(schema);
    return (data: unknown) => {
      // No body is read as an empty one: the service then names what is required.
      if (validate(data ?? {})) return { value: data };
      return { error: badInput((validate.errors ?? []).map((e) => problemOf(e, root))) };
    };
  };
}
