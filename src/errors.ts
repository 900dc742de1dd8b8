import { GraphQLError } from 'graphql';

/**
 * The one table that maps an error code to its HTTP status and reason phrase.
 * GraphQL shows the code in `extensions.code`; REST answers `{error, message}` with the status.
 */
export const ERROR_CODES = {
  BAD_USER_INPUT: { status: 400, reason: 'Bad Request' },
  UNAUTHENTICATED: { status: 401, reason: 'Unauthorized' },
  FORBIDDEN: { status: 403, reason: 'Forbidden' },
  NOT_FOUND: { status: 404, reason: 'Not Found' },
  CONFLICT: { status: 409, reason: 'Conflict' },
  PAYLOAD_TOO_LARGE: { status: 413, reason: 'Payload Too Large' },
  URI_TOO_LONG: { status: 414, reason: 'URI Too Long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, reason: 'Unsupported Media Type' },
  RATE_LIMITED: { status: 429, reason: 'Too Many Requests' },
  INTERNAL_SERVER_ERROR: { status: 500, reason: 'Internal Server Error' },
  SERVICE_UNAVAILABLE: { status: 503, reason: 'Service Unavailable' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldProblem {
  field: string;
  message: string;
}

export class AppError extends GraphQLError {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
    this.code = code;
    this.status = ERROR_CODES[code].status;
  }
}

export const unauthenticated = () => new AppError('UNAUTHENTICATED', 'Missing or invalid API key');

export const forbidden = (message: string) => new AppError('FORBIDDEN', message);

export const missingScope = (scope: string) =>
  new AppError('FORBIDDEN', `API key lacks required scope: ${scope}`, { requiredScope: scope });

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);

export const conflict = (message: string, field?: string) =>
  new AppError('CONFLICT', message, field ? { field } : {});

/** Bad input naming every offending field; the first one leads the message. */
export function badInput(problems: FieldProblem[]): AppError {
  const [first] = problems;
  const message = problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; ');
  return new AppError('BAD_USER_INPUT', message, { field: first?.field, problems });
}

/**
 * graphql-js stops coercing variables after 50 problems and adds an error of its own, with no
 * code, which Apollo would show as INTERNAL_SERVER_ERROR: it is the client's input all the same.
 */
export function isVariableErrorLimit(err: unknown): boolean {
  return err instanceof GraphQLError && err.extensions?.code === undefined && err.message.startsWith('Too many errors processing variables');
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string; name?: string } | null;
  if (!e) return false;
  const pgCode = e.code === '23505';
  const orm = e.name === 'UniqueConstraintViolationException';
  if (!pgCode && !orm) return false;
  return constraint ? String((err as Error).message ?? '').includes(constraint) || e.constraint === constraint : true;
}

/** PostgreSQL error classes that say "not now" rather than "wrong": connection, rollback (deadlock, serialization), resources, shutdown, cancel. */
const TRANSIENT_SQLSTATE = /^(08|40|53|57)/;

/**
 * 08P01, a protocol violation, is "wrong" when the server answers a statement with it (sent with
 * the wrong number of parameters, say): the same request would fail the same way again, so it
 * is a 500 and logged as a fault. It is "not now" when it closes the connection (FATAL): that is
 * how PgBouncer reports a full pool, a queue timeout or a server it cannot reach.
 */
const isStatementProtocolViolation = (state: string, severity: unknown) => state === '08P01' && severity !== 'FATAL';
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
const TRANSIENT_MESSAGE = /Connection terminated|Knex: Timeout acquiring a connection|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery mode)/i;

/**
 * The database is unreachable, restarting, overloaded or too slow: a 503 with Retry-After (the
 * client may try again in a moment), not a 500. Null for anything else.
 */
export function databaseUnavailable(err: unknown): AppError | null {
  const e = err as { code?: unknown; sqlState?: unknown; name?: unknown; message?: unknown; severity?: unknown } | null;
  if (!e || typeof e !== 'object') return null;
  const state = typeof e.sqlState === 'string' ? e.sqlState : typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : '';
  if (isStatementProtocolViolation(state, e.severity)) return null;
  const transient =
    TRANSIENT_SQLSTATE.test(state) ||
    (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) ||
    e.name === 'KnexTimeoutError' ||
    e.name === 'ConnectionException' ||
    (typeof e.message === 'string' && TRANSIENT_MESSAGE.test(e.message));
  if (!transient) return null;
  const message = state === '57014' ? 'The database took too long to answer; try again' : 'The database is unavailable; try again shortly';
  return new AppError('SERVICE_UNAVAILABLE', message, { retryAfter: RETRY_AFTER_SECONDS });
}
export const RETRY_AFTER_SECONDS = 5;
