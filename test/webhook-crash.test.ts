import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verify } from '../src/modules/webhooks/signature';
import { useHarness } from './support/harness';
import { listeningAt } from './support/listening';
import { startReceiver } from './support/receiver';

const h = useHarness({ TENANTRY_WEBHOOK_ALLOW_PRIVATE: 'true' });
const root = path.resolve(__dirname, '..');
const children: ChildProcess[] = [];

/** A real Tenantry server process (sources compiled on load) on the harness's database. */
async function startServer(): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['-r', './test/support/register-ts.cjs', 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: h.orm.config.getClientUrl(),
      TENANTRY_MASTER_KEY: h.config.masterKey!.toString('base64'),
      TENANTRY_WEBHOOK_ALLOW_PRIVATE: 'true',
      TENANTRY_WEBHOOK_TIMEOUT_SECONDS: '2',
      TENANTRY_PURGE_INTERVAL_SECONDS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const { base } = await listeningAt(child);
  return { child, base };
}

const killed = (child: ChildProcess, signal: NodeJS.Signals) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(async () => {
  await Promise.all(children.map((c) => killed(c, 'SIGKILL')));
});

describe('webhook delivery survives a killed server', () => {
  it('an event committed before SIGKILL, and one whose send was cut off, are delivered by the next process', async () => {
    // The first delivery hangs (the process is killed mid-send); every later one is answered.
    const receiver = await startReceiver((_r, n) => (n === 1 ? { delayMs: Infinity } : {}));
    try {
      const t = await h.register();
      const created = await h.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { authorization: `Bearer ${t.key}` }, payload: { url: receiver.url() } });
      const secret = created.json().secret;

      const first = await startServer();
      const renamed = await fetch(`${first.base}/api/v1/tenant`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Before the crash' }),
      });
      expect(renamed.status).toBe(200);
      await until('the first send to start', () => receiver.received.length === 1);
      await killed(first.child, 'SIGKILL');

      // Committed while no server runs: only the outbox knows about it.
      const published = await h.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${t.key}` }, payload: { type: 'memory.ingested', data: { n: 2 } } });
      expect(published.statusCode).toBe(202);
      const [pending] = await h.sql<{ n: number }>(`select count(*)::int as n from events where dispatched_at is null and tenant_id = ?`, [t.tenantId]);
      expect(pending.n).toBe(1);

      // Cut off for real: the first process never recorded an outcome.
      expect(await h.sql('select 1 from webhook_attempts where tenant_id = ?', [t.tenantId])).toEqual([]);
      const second = await startServer();
      // The cut-off delivery waits for its lease (2 x timeout + 5 s = 9 s) to run out, then goes again.
      await until('both events to be delivered', () => receiver.received.length >= 3, 45_000);
      await killed(second.child, 'SIGTERM');

      const ids = receiver.received.map((r) => r.headers['webhook-id']);
      const bodies = receiver.received.map((r) => JSON.parse(r.body));
      expect(bodies.map((b) => b.type).sort()).toEqual(['memory.ingested', 'tenant.updated', 'tenant.updated']);
      // The retry of the cut-off send carries the same webhook-id: receivers deduplicate on it.
      const renamedId = bodies.find((b) => b.type === 'tenant.updated').id;
      expect(ids.filter((id) => id === renamedId)).toHaveLength(2);
      for (const r of receiver.received) expect(verify(secret, r.headers as any, r.body)).toBe(true);
      const rows = await h.sql<{ event_type: string; status: string; attempts: number }>(
        'select event_type, status, attempts from webhook_deliveries where tenant_id = ? order by event_type',
        [t.tenantId],
      );
      expect(rows).toEqual([
        { event_type: 'memory.ingested', status: 'succeeded', attempts: 1 },
        { event_type: 'tenant.updated', status: 'succeeded', attempts: 2 },
      ]);
    } finally {
      await receiver.close();
    }
  }, 120_000);
});
