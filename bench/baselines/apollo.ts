/**
 * Baseline: a bare Apollo Server 5 on Fastify answering the bench's query from constants.
 * With BENCH_ASYNC_CONTEXTS=n, n AsyncLocalStorage instances are in use, the first carrying a
 * store per request: the bench's calibration of what Node 20's async-context tracking alone
 * costs Apollo, with as many storages as the Tenantry process has in use.
 */
import { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify from 'fastify';
import { AsyncLocalStorage } from 'node:async_hooks';

const typeDefs = `
  type Settings { retention_days: Int! }
  type Tenant { id: ID! name: String! settings: Settings! }
  type Query { tenant: Tenant }
`;
const tenant = { id: '00000000-0000-4000-8000-000000000000', name: 'Bench Tenant', settings: { retention_days: 30 } };
const storages = Array.from({ length: Number(process.env.BENCH_ASYNC_CONTEXTS ?? 0) }, () => new AsyncLocalStorage<object>());
// A storage's first use turns on the per-promise hook, as a first transaction does in Tenantry.
for (const storage of storages) storage.run({}, () => {});

async function main() {
  const app = Fastify({ logger: false });
  const apollo = new ApolloServer({ typeDefs, resolvers: { Query: { tenant: () => tenant } } });
  await apollo.start();
  const handler = fastifyApolloHandler(apollo);
  type Args = Parameters<typeof handler>;
  const route = { url: '/graphql', method: ['GET', 'POST', 'OPTIONS'] };
  if (!storages.length) app.route({ ...route, handler });
  else {
    app.route({
      ...route,
      handler(req, reply) {
        return storages[0].run({}, () => handler.call(this, req as Args[0], reply as Args[1]));
      },
    });
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send?.({ port: (app.server.address() as { port: number }).port });
}
void main();
