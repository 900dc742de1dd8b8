/**
 * Baseline: the fastest a Fastify handler answers on this machine (a constant JSON body).
 * With BENCH_WORK_US set, the handler first spends that many microseconds of CPU: the bench's
 * calibration of what a ratio to the bare handler leaves for a request's own work.
 */
import Fastify from 'fastify';

const BODY = { tenant_id: '00000000-0000-4000-8000-000000000000', name: 'Bench Tenant', status: 'active' };
const WORK_NS = BigInt(Math.round(Number(process.env.BENCH_WORK_US ?? 0) * 1000));

function work(): void {
  const end = process.hrtime.bigint() + WORK_NS;
  while (process.hrtime.bigint() < end);
}

async function main() {
  const app = Fastify({ logger: false });
  app.get('/', WORK_NS > 0n ? async () => (work(), BODY) : async () => BODY);
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send?.({ port: (app.server.address() as { port: number }).port });
}
void main();
