import { ApolloServer } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { randomUUID } from 'node:crypto';
import { OPERATIONS } from './auth/operations';
import { consolePlugin } from './console/plugin';
import { RequestContext, type ServiceContext } from './context';
import { pendingMigrations } from './db/orm';
import { currentScope, DbScope, inRequestScope, inScope } from './db/tenant-scope';
import { AppError, databaseUnavailable, ERROR_CODES, isVariableErrorLimit, RETRY_AFTER_SECONDS } from './errors';
import { GRAPHQL_LIMITS, graphqlArmor } from './graphql/armor';
import { Metrics } from './metrics';
import { apolloHandler } from './graphql/http';
import { buildGraphQLSchema } from './graphql/schema';
import { registerDocs } from './rest/docs';
import { checkAnswer, runRoute } from './rest/route-table';
import { restValidatorCompiler, routeSchema } from './rest/schemas';
import { rateHeaders, type RateInfo } from './modules/limits/rate-limiter';
import { REST_ROUTES } from './rest/routes';
import { RequestLog } from './request-log';
import type { Services } from './services';

export const BODY_LIMIT = 1024 * 1024;

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** graphql-js's "Did you mean ...?" hint: it names schema fields a client did not ask about. */
const SUGGESTION = / ?Did you mean .+\?$/;

export function createRequestContext(services: Services, request: FastifyRequest, reply: FastifyReply, scope?: DbScope): RequestContext {
  return new RequestContext(services, {
    scope,
    requestId: request.id,
    ip: request.ip,
    headers: request.headers,
    // Every later line of this request (errors, "request completed") names tenant and key.
    // Added to the request's own logger (see request-log.ts), which the reply, logging "request
    // completed", shares: cheaper than a child per request.
    onPrincipal: (p) => (request.log as typeof request.log & Pick<RequestLog, 'setBindings'>).setBindings({ tenantId: p.keyTenantId, keyPrefix: p.prefix }),
    // Straight onto the reply, at either door: GraphQL's answer needs no plugin hook for them.
    onRateLimit: (info) => void reply.headers(rateHeaders(info)),
  });
}

function reasonFor(status: number): string {
  return Object.values(ERROR_CODES).find((c) => c.status === status)?.reason ?? 'Error';
}

/**
 * What a GraphQL answer must carry besides its body, noted while Apollo formats its errors and
 * applied to the reply once Apollo is done: a status (503 when the database is down) and headers
 * (Retry-After, and a refusal's RateLimit-*). Not an Apollo plugin: any plugin with a request
 * listener makes Apollo resolve a round of promises per listener in each of its phases, which
 * cost every query about 5 % (measured; README: Performance), and errors are rare.
 */
interface GraphQLAnswer {
  requestId: string;
  log: FastifyRequest['log'];
  status?: number;
  headers?: Record<string, string>;
}

/** Keyed by the request's scope, the one per-request object formatError can reach (by async context). */
const answers = new WeakMap<DbScope, GraphQLAnswer>();

/**
 * Every answer names its request id, and no cache may keep it: answers carry keys, secrets and
 * tenants' data, at either door. (The console's and the docs' static files set their own
 * Cache-Control after this.) Done in a global onRequest hook, and by the router's own refusals,
 * which run no hook.
 */
function stamp(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.header('x-request-id', req.id).header('cache-control', 'no-store');
}

/** A callback hook, not an async one: no promise per request (see maybe.ts). A REST read spared
 * this hook stage (stamping in its own preValidation instead) was no faster, measured. */
function stampHook(req: FastifyRequest, reply: FastifyReply, done: () => void): void {
  stamp(req, reply);
  done();
}

const AUTHORIZED = 'tenantryAuthorized';
/** What Fastify itself sends with a serialized answer. */
const JSON_TYPE = 'application/json; charset=utf-8';
type AuthorizedRequest = FastifyRequest & { [AUTHORIZED]: { scope: DbScope; ctx: ServiceContext } | null };

export interface AppOptions {
  /** Where log lines go (default stdout); tests read them to prove what is never logged. */
  logStream?: NodeJS.WritableStream;
}

export async function buildApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(options.logStream && { stream: options.logStream }),
      // Keys and console sessions travel in these headers; they must never reach a log line.
      redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
      serializers: {
        // Query strings can carry anything (a GraphQL GET carries whole variables): not logged.
        req: (req: FastifyRequest) => ({ method: req.method, url: req.url.split('?')[0], remoteAddress: req.ip, reqId: req.id }),
      },
    },
    // Off by default: two log lines per request are the largest cost of a cheap request that
    // logging can add. Errors, 5xx and background failures are logged regardless.
    logController: new LogController({ disableRequestLogging: !config.logRequests }),
    childLoggerFactory: (logger, bindings, options) => new RequestLog(logger, bindings, options),
    bodyLimit: BODY_LIMIT,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    trustProxy: config.trustProxy,
    // Refusals made by the router itself (malformed or over-long paths) answer like every other.
    frameworkErrors: (err, req, reply) => {
      stamp(req, reply as FastifyReply);
      const status = (err as FastifyError).statusCode ?? 400;
      const message = status === 414 ? 'A path parameter is too long' : 'The request path is not valid';
      void (reply as FastifyReply).code(status).send({ error: reasonFor(status), message });
    },
  });

  // The reference documents send `Content-Type: application/json` on GET and DELETE with no
  // body; Fastify's parser refuses an empty JSON body, so an empty one is read as no body.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '') return done(null, undefined);
    parseJson(req, body as string, done);
  });

  app.addHook('onRequest', stampHook);

  const metrics = config.metrics ? new Metrics(services.orm, services.limits) : undefined;
  if (metrics) {
    // A callback hook, not an async one: no promise per request for a few counter updates.
    app.addHook('onResponse', (req, reply, done) => {
      metrics.request(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
    app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  }

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    if (err instanceof AppError) {
      const { code: _code, ...extra } = err.extensions as Record<string, unknown>;
      if (typeof extra.retryAfter === 'number') reply.header('retry-after', String(extra.retryAfter));
      if (extra.rateLimit) reply.headers(rateHeaders(extra.rateLimit as RateInfo));
      return reply.code(err.status).send({ error: ERROR_CODES[err.code].reason, message: err.message, ...extra });
    }
    const status = (err as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      // Fastify's own refusals: malformed JSON, oversized body, unsupported media type.
      return reply.code(status).send({ error: reasonFor(status), message: err.message });
    }
    const down = databaseUnavailable(err);
    if (down) {
      req.log.warn({ err: { message: (err as Error).message, code: (err as { code?: unknown }).code } }, 'database unavailable');
      return reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send({ error: 'Service Unavailable', message: down.message });
    }
    req.log.error({ err }, 'unexpected error');
    return reply
      .code(500)
      .send({ error: 'Internal Server Error', message: 'Unexpected error', request_id: req.id });
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: 'Not Found', message: `Route ${req.method} ${req.url.split('?')[0]} not found` }),
  );

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    try {
      const pending = await pendingMigrations(services.orm);
      if (pending.length) return reply.code(503).send({ status: 'migrating', pending });
      return { status: 'ready' };
    } catch {
      return reply.code(503).header('retry-after', '5').send({ status: 'unavailable', message: 'database unreachable' });
    }
  });

  await registerDocs(app);
  // Outside tests an answer is serialized from its schema; in tests it is first checked
  // against it, so a handler and its documented shape cannot drift apart unnoticed.
  const checkAnswers = config.env === 'test';
  // What preValidation verified, for the handler. On the request itself, not in a WeakMap keyed by
  // it, whose values reach back to their keys (through the request's context): with the WeakMap,
  // every request outlived young-generation collections and was promoted to the old generation
  // until the next full collection (measured with --trace-gc-nvp; README: Performance).
  app.decorateRequest(AUTHORIZED, null);
  for (const route of REST_ROUTES) {
    // Keyed by the answer, holding only its text: nothing here reaches back to the key.
    const serialized = route.stableAnswer ? new WeakMap<object, string>() : undefined;
    app.route({
      method: route.method,
      url: route.path,
      schema: routeSchema(route),
      validatorCompiler: restValidatorCompiler,
      // Who is calling comes before what they sent: no key is a 401 and a missing scope a 403,
      // whatever the body, and only then does Fastify check the body's shape.
      preValidation(req, reply, done) {
        const scope = new DbScope();
        inScope(scope, () => {
          const requestContext = createRequestContext(services, req, reply, scope);
          const allowed = (ctx: ServiceContext) => {
            (req as AuthorizedRequest)[AUTHORIZED] = { scope, ctx };
            done();
          };
          // A key verified moments ago is answered now, without a promise (see maybe.ts).
          let ctx: ReturnType<typeof requestContext.authorize>;
          try {
            ctx = requestContext.authorize(OPERATIONS[route.operation]);
          } catch (err) {
            return done(err as Error);
          }
          if (ctx instanceof Promise) ctx.then(allowed, done);
          else allowed(ctx);
        });
      },
      handler: (req, reply) => {
        const { scope, ctx } = (req as AuthorizedRequest)[AUTHORIZED]!;
        return inScope(scope, () => {
          const send = (body: unknown) => {
            if (checkAnswers) checkAnswer(route, body);
            reply.code(route.status ?? 200);
            if (!serialized || typeof body !== 'object' || body === null) return reply.send(body);
            let json = serialized.get(body);
            // The route's own serializer (from its response schema), as Fastify would use it.
            if (json === undefined) serialized.set(body, (json = reply.serialize(body) as string));
            reply.type(JSON_TYPE).send(json);
          };
          const body = runRoute(route, services, ctx, {
            body: req.body,
            params: req.params as Record<string, string>,
            query: req.query as Record<string, string>,
          });
          // Fastify takes a sync handler's throw, or a returned promise's rejection, as the error;
          // a promise must resolve to the reply, or Fastify would send once more.
          if (body instanceof Promise) return body.then((answer) => (send(answer), reply));
          send(body);
        });
      },
    });
  }

  await app.register(consolePlugin, { services });

  const armor = graphqlArmor();
  const apollo = new ApolloServer<RequestContext>({
    schema: await buildGraphQLSchema(),
    validationRules: armor.validationRules,
    // Both also Apollo 5's defaults, stated so a change of default cannot turn them on.
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    logger: app.log,
    introspection: !config.production,
    // Off: in production formatError removes suggestions from every error, where this option's
    // request plugin would clean validation errors only, at a round of promises per request.
    hideSchemaDetailsFromClientErrors: false,
    includeStacktraceInErrorResponses: false,
    // The process owns shutdown order: Fastify's close drains requests (so no Apollo drain
    // plugin, which would close Fastify from inside its own close), then Apollo stops.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
    plugins: [
      ...armor.plugins,
      // No cache hints in this schema and no federation: these default plugins would only add
      // hooks (each a round of promises) to every request and field.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      config.production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ],
    formatError: (raw, error) => {
      const scope = currentScope();
      const answer = scope && answers.get(scope);
      metrics?.graphqlError(raw.extensions?.code);
      const original = unwrapResolverError(error);
      const down = databaseUnavailable(original);
      // "Did you mean ...?" names schema fields the client did not ask about: in production it
      // is removed from every error, validation's and the variables' alike.
      const shown = config.production ? { ...raw, message: raw.message.replace(SUGGESTION, '') } : raw;
      const formatted = down
        ? { message: down.message, extensions: { code: 'SERVICE_UNAVAILABLE', retryAfter: RETRY_AFTER_SECONDS } }
        : isVariableErrorLimit(original)
          ? { ...shown, extensions: { code: 'BAD_USER_INPUT' } }
          : shown;
      if (answer) {
        // The database is down or too slow: 503 with Retry-After, as REST answers. A refusal by
        // the rate limit: the same Retry-After and RateLimit-* headers REST sends.
        if (down) answer.status = 503;
        const { retryAfter, rateLimit } = formatted.extensions ?? {};
        if (typeof retryAfter === 'number') answer.headers = { ...answer.headers, 'retry-after': String(retryAfter) };
        if (rateLimit) answer.headers = { ...answer.headers, ...rateHeaders(rateLimit as RateInfo) };
      }
      if (down || original instanceof GraphQLError || formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
      // Anything that is not a deliberate error is logged in full and shown as a bare 500 that
      // names only the request id that finds it in the log.
      (answer?.log ?? app.log).error({ err: original }, 'unexpected error');
      return { message: 'Unexpected error', extensions: { code: 'INTERNAL_SERVER_ERROR', ...(answer && { requestId: answer.requestId }) } };
    },
  });
  await apollo.start();
  const graphql = apolloHandler(apollo, async (req, reply) => createRequestContext(services, req, reply, currentScope()));
  app.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    handler(req, reply) {
      return inRequestScope((scope) => {
        const answer: GraphQLAnswer = { requestId: req.id, log: req.log };
        answers.set(scope, answer);
        return graphql(req, reply, () => {
          if (answer.status) reply.code(answer.status);
          if (answer.headers) reply.headers(answer.headers);
        });
      });
    },
  });

  app.addHook('onClose', async () => {
    await apollo.stop();
    await services.close();
  });
  return app;
}
