import type { z } from 'zod';
import type { OperationName } from '../auth/operations';
import type { ServiceContext } from '../context';
import { AppError, badInput, type FieldProblem } from '../errors';
import type { MaybePromise } from '../maybe';
import type { Services } from '../services';

export interface RestRequest {
  /** The JSON body with its documented field names mapped to the service's (see `body`). */
  input: Record<string, unknown>;
  /** The body as sent, for `passBody` routes. */
  body?: unknown;
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
}

/**
 * One line of the REST compatibility layer: where a documented path lives, which operation it
 * is (and so which scopes it needs), and how the document shapes its answer.
 */
export interface RestRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  operation: OperationName;
  status?: number;
  /** The reference document the path and shape come from. */
  source: string;
  /** Documented body field -> service input field; a route without it takes no body. */
  body?: Record<string, string>;
  /** Query parameter -> service input field, for routes whose input is the query string. */
  query?: Record<string, string>;
  /** Query flags the handler reads itself (name -> what it does), for the documentation. */
  flags?: Record<string, string>;
  /** The body is a document the service validates whole (not a set of fields to map). */
  passBody?: boolean;
  /**
   * The schema the service validates its input with (service field names): the documented body
   * or query string is derived from it through `body`/`query` for /openapi.json and Fastify.
   */
  input?: z.ZodType;
  /** The answer on success (see rest/responses.ts). */
  response: z.ZodType;
  /**
   * The handler answers with the same object for as long as what it shows is unchanged (an
   * answer made once per cached read): its JSON is then made once too, and kept with it.
   */
  stableAnswer?: boolean;
  /** May answer without a promise when the answer is in memory (see maybe.ts). */
  handle: (services: Services, ctx: ServiceContext, req: RestRequest) => MaybePromise<unknown>;
}

/**
 * Maps a JSON body's documented field names onto a service's input. Unknown fields are refused
 * by name rather than silently dropped, so a typo never looks like success.
 */
function mapBody(given: unknown, fields: Record<string, string>): Record<string, unknown> {
  // No body at all reads as an empty object: the service then names what is required.
  const body = given ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw badInput([{ field: 'body', message: 'must be a JSON object' }]);
  }
  const out: Record<string, unknown> = {};
  const unknown = Object.keys(body).filter((k) => !Object.hasOwn(fields, k));
  if (unknown.length) throw badInput(unknown.map((k) => ({ field: k, message: 'is not a known field' })));
  for (const [wire, value] of Object.entries(body)) {
    const target = fields[wire];
    if (target in out && value !== undefined) {
      throw badInput([{ field: wire, message: `duplicates another spelling of ${target}` }]);
    }
    out[target] = value;
  }
  return out;
}

/** The gateway document's paths answer at their documented root and under /api/v1. */
export function gatewayPaths(routes: RestRoute[]): RestRoute[] {
  return routes.flatMap((r) => [r, { ...r, path: `/api/v1${r.path}` }]);
}

export const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

export function queryFlag(value: string | string[] | undefined, name: string): boolean {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === '' || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1') return true;
  throw badInput([{ field: name, message: 'must be true or false' }]);
}

/**
 * Service errors name service fields (`retrieverEngines`); a REST client sent the documented
 * ones (`retriever_engines`), so problems are reported under the name the client used.
 */
function renameFields(err: unknown, fields: Record<string, string>, sent: Record<string, unknown>): unknown {
  if (!(err instanceof AppError) || err.code !== 'BAD_USER_INPUT') return err;
  const problems = err.extensions.problems as FieldProblem[] | undefined;
  if (!problems) return err;
  const wireFor = (serviceField: string) =>
    Object.keys(sent).find((wire) => fields[wire] === serviceField) ??
    Object.keys(fields).find((wire) => fields[wire] === serviceField) ??
    serviceField;
  const renamed = problems.map((p) => {
    const [head, ...rest] = p.field.split('.');
    return { ...p, field: [wireFor(head), ...rest].join('.') };
  });
  return badInput(renamed);
}

/** Runs one route: body mapped to service names, errors mapped back to documented names. */
export function runRoute(
  route: RestRoute,
  services: Services,
  ctx: ServiceContext,
  req: { body: unknown; params: Record<string, string>; query: RestRequest['query'] },
): MaybePromise<unknown> {
  const fields = route.body ?? route.query;
  // A JSON `null` or an empty body is no body: the field names of an error are then looked up
  // in an empty object, not in null.
  const sent = ((route.body ? req.body : req.query) ?? {}) as Record<string, unknown>;
  const input = fields ? mapBody(sent, fields) : {};
  const rename = (err: unknown) => (fields ? renameFields(err, fields, sent) : err);
  let answer: MaybePromise<unknown>;
  try {
    answer = route.handle(services, ctx, { input, body: route.passBody ? (req.body ?? {}) : undefined, params: req.params, query: req.query });
  } catch (err) {
    throw rename(err);
  }
  return answer instanceof Promise ? answer.catch((err) => Promise.reject(rename(err))) : answer;
}

/** Tests only: an answer that does not match its route's documented schema is a bug. */
export function checkAnswer(route: RestRoute, body: unknown): void {
  const result = route.response.safeParse(body);
  if (!result.success) {
    throw new Error(`${route.method} ${route.path} answered outside its schema: ${JSON.stringify(result.error.issues.slice(0, 5))}`);
  }
}
