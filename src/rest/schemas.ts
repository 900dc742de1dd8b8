import Ajv, { type ErrorObject } from 'ajv';
import type { FastifySchema } from 'fastify';
import { badInput, type FieldProblem } from '../errors';
import { bodySchema, jsonSchema } from './openapi';
import type { RestRoute } from './route-table';

type JsonSchema = Record<string, any>;

/**
 * Fastify's own check of a REST body, from the schema /openapi.json shows: a JSON object, its
 * required fields present, no field the document does not name. Everything about the values
 * (types, ranges, formats, patterns, cross-field rules) stays with the services, which GraphQL
 * reaches too, so each rule has one wording. A document validated whole (`passBody`) is the
 * service's alone.
 */
function fieldsOnly(schema: JsonSchema): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(Object.keys(schema.properties ?? {}).map((name) => [name, {}])),
    ...(schema.required && { required: schema.required }),
    additionalProperties: false,
  };
}

// Strict, unlike Fastify's defaults: nothing coerced ("5" is not 5 here or in GraphQL), nothing
// removed (an unknown field is refused by name, never dropped), no defaults filled in.
const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false, strict: false, validateFormats: false });

/** Fields are named as the services name them: dotted paths, the whole body as `body`. */
function problemOf(e: ErrorObject): FieldProblem {
  const params = e.params as { missingProperty?: string; additionalProperty?: string };
  const field = [e.instancePath.split('/').slice(1).join('.'), params.missingProperty ?? params.additionalProperty].filter(Boolean).join('.') || 'body';
  if (e.keyword === 'required') return { field, message: 'is required' };
  if (e.keyword === 'additionalProperties') return { field, message: 'is not a known field' };
  return { field, message: 'must be a JSON object' };
}

/** The Fastify schema of one REST route: body shape to validate, success answer to serialize. */
export function routeSchema(route: RestRoute): FastifySchema {
  const body = route.passBody ? undefined : bodySchema(route);
  return {
    ...(body && { body: fieldsOnly(body) }),
    response: { [route.status ?? 200]: jsonSchema(route.response, 'output') },
  };
}

export function restValidatorCompiler({ schema }: { schema: JsonSchema }) {
  const validate = ajv.compile(schema);
  return (data: unknown) => {
    // No body is read as an empty one: the service then names what is required.
    if (validate(data ?? {})) return { value: data };
    return { error: badInput((validate.errors ?? []).map(problemOf)) };
  };
}
