import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { TenantryError, type GraphQLErrorEntry, type TenantryErrorCode } from './client-error';

export interface TenantryClientOptions {
  /** Where Tenantry answers, e.g. `http://localhost:3000`; requests go to `<baseUrl>/graphql`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>`. Without one, only public operations answer. */
  apiKey?: string;
  /** Operator keys: the tenant to act on, sent as `X-Tenant-ID`. */
  tenantId?: string;
  /** Defaults to the global `fetch` (Node 20 and browsers). */
  fetch?: typeof fetch;
  /** Milliseconds for the whole exchange, answer body included. Default 30 000; 0 waits forever. */
  timeoutMs?: number;
  /** Sent with every request (e.g. `x-request-id`). */
  headers?: Record<string, string>;
}

export interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export type ResultOf<D> = D extends DocumentTypeDecoration<infer R, any> ? R : never;
export type VariablesOf<D> = D extends DocumentTypeDecoration<any, infer V> ? V : never;

/** Variables may be left out exactly when the operation requires none. */
export type RequestArgs<V> = Record<string, never> extends V
  ? [variables?: V, options?: RequestOptions]
  : [variables: V, options?: RequestOptions];

const DEFAULT_TIMEOUT_MS = 30_000;

/** For answers that are not GraphQL at all (a proxy's or load balancer's page). */
const CODE_BY_STATUS: Record<number, TenantryErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * A typed client for Tenantry's GraphQL API. Send the documents this package exports (or your own,
 * generated the same way): `await client.request(TenantDocument)` is typed `TenantQuery`. Any
 * GraphQL error, and any request that got no usable answer, throws a `TenantryError`.
 */
export class TenantryClient {
  readonly endpoint: string;

  constructor(private readonly options: TenantryClientOptions) {
    this.endpoint = new URL('graphql', options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`).toString();
  }

  /** The same client acting on another tenant (operator keys). */
  forTenant(tenantId: string): TenantryClient {
    return new TenantryClient({ ...this.options, tenantId });
  }

  /** The same client with another key, e.g. one just created or rotated. */
  withApiKey(apiKey: string): TenantryClient {
    return new TenantryClient({ ...this.options, apiKey });
  }

  async request<TResult, TVariables = Record<string, never>>(
    document: DocumentTypeDecoration<TResult, TVariables> | string,
    ...[variables, options = {}]: RequestArgs<TVariables>
  ): Promise<TResult> {
    const query = String(document);
    const operationName = /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query)?.[1];
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...this.options.headers,
      ...(this.options.apiKey && { authorization: `Bearer ${this.options.apiKey}` }),
      ...(this.options.tenantId && { 'x-tenant-id': this.options.tenantId }),
      ...options.headers,
    };
    const body = JSON.stringify({ query, ...(variables !== undefined && { variables }), ...(operationName && { operationName }) });

    // One controller for the caller's signal and the timeout, kept until the body is read: a
    // server that sends headers and then stalls is a timeout too.
    const controller = new AbortController();
    let timedOut = false;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = timeoutMs > 0 ? setTimeout(() => ((timedOut = true), controller.abort()), timeoutMs) : undefined;
    const forward = () => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) forward();
    else options.signal?.addEventListener('abort', forward, { once: true });

    const failed = (err: unknown): TenantryError => {
      if (timedOut) return new TenantryError('TIMEOUT', `${operationName ?? 'Request'}: no answer from ${this.endpoint} within ${timeoutMs} ms`, { operationName, cause: err });
      if (controller.signal.aborted) return new TenantryError('ABORTED', `${operationName ?? 'Request'}: aborted`, { operationName, cause: options.signal?.reason ?? err });
      const reason = (err as { cause?: { code?: string; message?: string } })?.cause;
      const detail = reason?.code ?? reason?.message ?? (err as Error)?.message ?? String(err);
      return new TenantryError('NETWORK_ERROR', `${operationName ?? 'Request'}: could not reach ${this.endpoint} (${detail})`, { operationName, cause: err });
    };

    const fetcher = this.options.fetch ?? globalThis.fetch;
    let response: Response;
    let text: string;
    try {
      response = await fetcher(this.endpoint, { method: 'POST', headers, body, signal: controller.signal });
      text = await response.text();
    } catch (err) {
      throw failed(err);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', forward);
    }
    return parseAnswer<TResult>(response, text, operationName);
  }
}

function parseAnswer<TResult>(response: Response, text: string, operationName: string | undefined): TResult {
  const status = response.status;
  const header = Number(response.headers.get('retry-after'));
  const retryAfter = Number.isFinite(header) && header > 0 ? header : undefined;
  type Answer = { data?: unknown; errors?: GraphQLErrorEntry[] };
  let answer: Answer | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && ('data' in parsed || 'errors' in parsed)) answer = parsed as Answer;
  } catch {
    // Not JSON: handled below like any answer that is not GraphQL.
  }
  if (!answer) {
    const code = CODE_BY_STATUS[status] ?? 'BAD_RESPONSE';
    throw new TenantryError(code, `${operationName ?? 'Request'}: HTTP ${status} without a GraphQL answer`, { status, operationName, retryAfter });
  }
  const errors = Array.isArray(answer.errors) ? answer.errors : [];
  if (errors.length) {
    const [first] = errors;
    const code = first.extensions?.code ?? CODE_BY_STATUS[status] ?? 'INTERNAL_SERVER_ERROR';
    throw new TenantryError(code, first.message, { status, errors, data: answer.data ?? undefined, operationName, retryAfter });
  }
  if (answer.data === null || typeof answer.data !== 'object') {
    throw new TenantryError('BAD_RESPONSE', `${operationName ?? 'Request'}: HTTP ${status} with neither data nor errors`, { status, operationName });
  }
  return answer.data as TResult;
}
