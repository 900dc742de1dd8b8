/**
 * Baseline: a bare Apollo Server 5 on Fastify answering the bench's query from constants.
 * With BENCH_ASYNC_CONTEXTS=n, n AsyncLocalStorage instances are in use (tracking.ts).
 */
import { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify from 'fastify';
import { tracked } from './tracking';

const typeDefs = `
  type Settings { retention_days: Int! }
  type Tenant { id: ID! name: String! settings: Settings! }
  type Query { tenant: Tenant }
`;
const tenant = { id: '00000000-0000-4000-8000-000000000000', name: 'Bench Tenant', settings: { retention_days: 30 } };

async function main() {
  const app = Fastify({ logger: false });
  const apollo = new ApolloServer({ typeDefs, resolvers: { Query: { tenant: () => tenant } } });
  await apollo.start();
  app.route({ url: '/graphql', method: ['GET', 'POST', 'OPTIONS'], handler: tracked(fastifyApolloHandler(apollo)) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send?.({ port: (app.server.address() as { port: number }).port });
}
void main();
