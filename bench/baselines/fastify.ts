/** Baseline: the fastest a Fastify handler answers on this machine (a constant JSON body). */
import Fastify from 'fastify';

const BODY = { tenant_id: '00000000-0000-4000-8000-000000000000', name: 'Bench Tenant', status: 'active' };

async function main() {
  const app = Fastify({ logger: false });
  app.get('/', async () => BODY);
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send?.({ port: (app.server.address() as { port: number }).port });
}
void main();
