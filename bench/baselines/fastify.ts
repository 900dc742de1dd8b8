/**
 * Baseline: the fastest a Fastify handler answers on this machine (a constant JSON body).
 * With BENCH_ANSWER set (a JSON file holding an answer's headers and body), the handler sends
 * those bytes instead: the bench's calibration of what sending Tenantry's own answer costs,
 * with none of the work that made it. With BENCH_ASYNC_CONTEXTS=n, n AsyncLocalStorage
 * instances are in use (tracking.ts).
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import fs from 'node:fs';
import { tracked } from './tracking';

const BODY = { tenant_id: '00000000-0000-4000-8000-000000000000', name: 'Bench Tenant', status: 'active' };

async function main() {
  const app = Fastify({ logger: false });
  if (process.env.BENCH_ANSWER) {
    const answer: { headers: Record<string, string>; body: string } = JSON.parse(fs.readFileSync(process.env.BENCH_ANSWER, 'utf8'));
    app.get('/', tracked(async (_req: FastifyRequest, reply: FastifyReply) => reply.headers(answer.headers).send(answer.body)));
  } else {
    app.get('/', tracked(async () => BODY));
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send?.({ port: (app.server.address() as { port: number }).port });
}
void main();
