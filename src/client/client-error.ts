/**
 * The codes the server puts in `extensions.code` (kept equal to `ERROR_CODES` in src/errors.ts by
 * test/client.test.ts; the client cannot import it without shipping the server), GraphQL's own
 * request errors, and the client's for failures that never reached a GraphQL answer.
 */
export const SERVER_ERROR_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'URI_TOO_LONG',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
] as const;

export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

/** Refusals of the document itself: syntax, unknown fields, armor limits, CSRF prevention. */
export type GraphQLRequestErrorCode = 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED' | 'BAD_REQUEST';

/**
 * NETWORK_ERROR: no answer (refused, reset, DNS). TIMEOUT: no complete answer within `timeoutMs`.
 * ABORTED: the caller's signal. BAD_RESPONSE: an answer that is not a GraphQL one (a proxy's page).
 */
export type ClientErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'ABORTED' | 'BAD_RESPONSE';

// `string & {}` keeps completion for the known codes while a newer server's code still types.
export type TenantryErrorCode = ServerErrorCode | GraphQLRequestErrorCode | ClientErrorCode | (string & {});

export interface FieldProblem {
  field: string;
  message: string;
}

/** One entry of a GraphQL answer's `errors`. */
export interface GraphQLErrorEntry {
  message: string;
  path?: ReadonlyArray<string | number>;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  extensions?: { code?: string; [key: string]: unknown };
}

export interface TenantryErrorDetails {
  status?: number;
  errors?: GraphQLErrorEntry[];
  data?: unknown;
  operationName?: string;
  retryAfter?: number;
  requestId?: string;
  cause?: unknown;
}

/**
 * Every failure of a request: a GraphQL error answer, or a request that got no usable answer.
 * The first GraphQL error decides `code` and `message`; `errors` holds them all.
 */
export class TenantryError extends Error {
  override readonly name = 'TenantryError';
  readonly code: TenantryErrorCode;
  /** The HTTP status, when an answer arrived. GraphQL refusals mostly answer 200. */
  readonly status: number | undefined;
  readonly errors: GraphQLErrorEntry[];
  /** What the server answered beside the errors (fields that did resolve), if anything. */
  readonly data: unknown;
  readonly operationName: string | undefined;
  /** FORBIDDEN for a missing scope: the scope the key lacks. */
  readonly requiredScope: string | undefined;
  /** BAD_USER_INPUT: the first offending field, and every problem. */
  readonly field: string | undefined;
  readonly problems: FieldProblem[];
  /** RATE_LIMITED and SERVICE_UNAVAILABLE: seconds to wait before trying again. */
  readonly retryAfter: number | undefined;
  /** INTERNAL_SERVER_ERROR: the id that finds the failure in the server's log. */
  readonly requestId: string | undefined;

  constructor(code: TenantryErrorCode, message: string, details: TenantryErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    const extensions = details.errors?.[0]?.extensions ?? {};
    this.code = code;
    this.status = details.status;
    this.errors = details.errors ?? [];
    this.data = details.data;
    this.operationName = details.operationName;
    this.requiredScope = typeof extensions.requiredScope === 'string' ? extensions.requiredScope : undefined;
    this.field = typeof extensions.field === 'string' ? extensions.field : undefined;
    this.problems = Array.isArray(extensions.problems) ? (extensions.problems as FieldProblem[]) : [];
    this.retryAfter = typeof extensions.retryAfter === 'number' ? extensions.retryAfter : details.retryAfter;
    this.requestId = typeof extensions.requestId === 'string' ? extensions.requestId : details.requestId;
  }
}

export function isTenantryError(err: unknown): err is TenantryError {
  return err instanceof TenantryError;
}
