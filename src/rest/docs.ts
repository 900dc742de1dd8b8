import fs from 'node:fs';
import path from 'node:path';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { projectRoot } from '../paths';
import { openApiDocument } from './openapi';
import { REST_ROUTES } from './routes';

const { version } = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string };

/**
 * `/openapi.json` (generated from the route table, once) and Swagger UI at `/docs`, whose
 * assets ship inside @fastify/swagger-ui: nothing is fetched from a CDN.
 */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  const document = openApiDocument(REST_ROUTES, version);
  await app.register(swagger, { mode: 'static', specification: { document: document as never } });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true, tryItOutEnabled: false } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => document);
}
