import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fs from 'node:fs';
import path from 'node:path';
import { inRequestScope } from '../db/tenant-scope';
import { AppError, forbidden, unauthenticated } from '../errors';
import { CONSOLE_HEADER, cookieName, readCookie } from '../modules/sessions/session.service';
import type { Services } from '../services';

export const CONSOLE_PATH = '/console';

/**
 * Scripts only from Tenantry itself. Styles may be inline because the chart library sets style
 * attributes; nothing may frame the console (clickjacking) or post forms elsewhere.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

function setCookie(reply: FastifyReply, services: Services, token: string | null): void {
  const secure = services.sessions.secureCookie;
  const parts = [
    `${cookieName(secure)}=${token ?? ''}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${token ? services.sessions.ttlSeconds : 0}`,
  ];
  if (secure) parts.push('Secure');
  reply.header('set-cookie', parts.join('; '));
}

/** Sign-in and sign-out change state without a key: only the console itself may ask (see CONSOLE_HEADER). */
function requireConsoleHeader(req: FastifyRequest): void {
  if (req.headers[CONSOLE_HEADER] === undefined) throw forbidden(`Console requests must carry the ${CONSOLE_HEADER} header`);
}

/**
 * The admin console: its sign-in endpoints and its prebuilt single-page app (`npm run build`
 * writes it to dist/console). Everything else the console does goes through /graphql with the
 * session cookie, so the console has no API of its own beyond these three routes.
 */
export async function consolePlugin(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { config } = services;
  if (!config.console) return;

  app.post(`${CONSOLE_PATH}/auth/login`, (req, reply) =>
    inRequestScope(async () => {
      requireConsoleHeader(req);
      const signedIn = await services.sessions.signIn({ ip: req.ip, requestId: req.id }, req.body ?? {});
      setCookie(reply, services, signedIn.token);
      return reply.header('cache-control', 'no-store').send(services.sessions.identity(signedIn.principal));
    }),
  );

  app.post(`${CONSOLE_PATH}/auth/logout`, (req, reply) =>
    inRequestScope(async () => {
      requireConsoleHeader(req);
      await services.sessions.signOut({ ip: req.ip, requestId: req.id }, readCookie(req.headers, cookieName(services.sessions.secureCookie)));
      setCookie(reply, services, null);
      return reply.code(204).send();
    }),
  );

  app.get(`${CONSOLE_PATH}/auth/me`, (req, reply) =>
    inRequestScope(async () => {
      const principal = await services.sessions.authenticate(req.headers);
      if (!principal) throw unauthenticated();
      return reply.header('cache-control', 'no-store').send(services.sessions.identity(principal));
    }),
  );

  const root = config.consoleDir;
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    app.log.warn({ root }, 'the admin console is not built (npm run build); /console answers 503');
    const notBuilt = async () => {
      throw new AppError('SERVICE_UNAVAILABLE', 'The admin console is not built: run `npm run build`');
    };
    app.get(CONSOLE_PATH, notBuilt);
    app.get(`${CONSOLE_PATH}/*`, notBuilt);
    return;
  }

  // Only the reply.sendFile decoration: one route below decides between a file and the app.
  await app.register(fastifyStatic, { root, serve: false });

  const page = (reply: FastifyReply) =>
    reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .sendFile('index.html', { cacheControl: false });

  app.get(CONSOLE_PATH, (_req, reply) => page(reply));
  app.get(`${CONSOLE_PATH}/*`, (req, reply) => {
    const rest = (req.params as { '*': string })['*'];
    // A last segment with a dot is a file (hashed assets, the icon); anything else is a page of
    // the app, answered with index.html so a reload or a shared link lands on it.
    if (!/\.[A-Za-z0-9]+$/.test(rest)) return page(reply);
    const immutable = rest.startsWith('assets/');
    return reply
      .header('x-content-type-options', 'nosniff')
      .sendFile(rest, { cacheControl: true, immutable, maxAge: immutable ? 365 * 24 * 3600 * 1000 : 0 });
  });
}
