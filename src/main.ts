// First: every AsyncLocalStorage made after it, MikroORM's included, shares one frame.
import './async-context';
import 'reflect-metadata';
import os from 'node:os';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { applicationUrl, openDatabase } from './database';
import { initOrm, migrateAsOwner } from './db/orm';
import { chores, Housekeeping } from './housekeeping';
import { createServices } from './services';

export async function main(): Promise<void> {
  const config = loadConfig();
  const say = (line: string) => process.stdout.write(line + '\n');

  const db = await openDatabase(config, () => {});
  say(db.embedded ? `Embedded PostgreSQL running, data in ${config.dataDir}` : 'Using DATABASE_URL');
  const applied = await migrateAsOwner(db.url);
  if (applied.length) say(`Applied migrations: ${applied.join(', ')}`);
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  const orm = await initOrm({
    url: await applicationUrl(db, config),
    statementTimeoutMs: config.statementTimeoutMs,
    acquireTimeoutMs: config.poolTimeoutMs,
    // Into the service's JSON log; before it exists, a JSON line of the same shape on stderr.
    driverLog: (level, message) =>
      app ? app.log[level]({ component: 'knex' }, message) : process.stderr.write(JSON.stringify({ level, component: 'knex', msg: message }) + '\n'),
  });

  const services = createServices(orm, config, (err) => app?.log.error({ err }, 'background write failed'));
  const firstKey = await services.apiKeys.ensurePlatformKey();
  // Tenants that set settings.webhook_url before webhooks were delivered get their endpoint now.
  const backfilled = await services.webhooks.backfillSettingsEndpoints(orm.em.fork());
  if (backfilled) say(`Created webhook endpoints from settings.webhook_url for ${backfilled} tenant(s)`);
  app = await buildApp(services);
  // Before the first request: verified keys are cached only while invalidations can arrive.
  await services.feed.start();
  services.lastUsed.start();
  services.apiCalls.start();
  // Every instance delivers: they share the work through row locks (see DeliveryWorker).
  if (config.webhookWorker) services.deliveries.start();
  const housekeeping = new Housekeeping(
    orm,
    chores(services, {
      purged: (ids) => app?.log.info({ tenants: ids }, 'purged deleted tenants past their retention'),
      swept: (counts) => app?.log.info({ deleted: counts }, 'deleted history past its retention'),
    }),
    (err, chore) => app?.log.error({ err }, `${chore} failed`),
  );
  housekeeping.start(config.purgeIntervalSeconds);

  const drainMs = config.shutdownTimeoutSeconds * 1000;
  let stopping = false;
  // While stopping, every response ends its connection: a keep-alive client would otherwise
  // hold its idle socket, and the drain with it, open until the timeout below cuts it off.
  // A callback hook: no promise per request for one flag test.
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (stopping) reply.header('connection', 'close');
    done(null, payload);
  });

  const shutdown = async (signal: NodeJS.Signals, server: NonNullable<typeof app>) => {
    const log = server.log;
    log.info(`${signal}: shutting down; in-flight requests have ${config.shutdownTimeoutSeconds} s to finish`);
    // Something is stuck (a cut-off request still holding a pooled connection, an unreachable
    // database): exiting beats the orchestrator's SIGKILL, which would orphan the embedded
    // database; exiting runs its exit hook, which stops it.
    setTimeout(() => {
      log.error(`shutdown did not finish within ${(2 * drainMs) / 1000} s: exiting`);
      process.exit(1);
    }, 2 * drainMs).unref();
    // Fastify's close stops accepting at once but waits for in-flight requests without limit,
    // and Node counts a connection that has not sent a whole request yet as one in flight.
    const cutOff = setTimeout(() => {
      log.warn(`connections still open after ${config.shutdownTimeoutSeconds} s (requests in flight, or not yet sent): closing them`);
      server.server.closeAllConnections();
    }, drainMs);
    server.server.once('close', () => {
      clearTimeout(cutOff);
      log.info('HTTP server closed');
    });

    let failed = false;
    const step = (what: string, work: Promise<unknown>) =>
      work.catch((err) => {
        failed = true;
        log.error({ err }, `shutdown: ${what} failed`);
      });
    // Neither serves requests, so both wind down while requests drain rather than after them;
    // the worker finishes and records a send in progress (services.close waits for it again).
    const background = Promise.all([step('housekeeping', housekeeping.stop()), step('webhook worker', services.deliveries.stop())]);
    // After the drain, the app's onClose hooks stop GraphQL, the webhook worker and the change
    // feed, and flush the batched writes (API-call counts, last-used times), which the drained
    // requests added to: everything that needs the pool, before the pool closes.
    await step('closing the server', server.close());
    await background;
    log.info('batched writes flushed; webhook worker and change feed stopped');
    await step('closing the database pool', orm.close());
    log.info('database pool closed');
    // Last: everything above writes to it.
    if (db.embedded) {
      await step('stopping the embedded PostgreSQL', db.embedded.stop());
      log.info('embedded PostgreSQL stopped');
    }
    log.info('shutdown complete');
    process.exit(failed ? 1 : 0);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) {
      stopping = true;
      return void shutdown(signal, app!);
    }
    // A second signal is an operator who will not wait: exit at once, as the default would
    // have, but through process.exit so the embedded database's exit hook still stops it.
    app?.log.warn(`${signal} during shutdown: exiting without finishing it`);
    process.exit(128 + os.constants.signals[signal]);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  await app.listen({ port: config.port, host: config.host });
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const base = `http://${shown}:${(app.server.address() as { port: number }).port}`;
  say(`Tenantry ${config.env} server listening`);
  say(`GraphQL: ${base}/graphql${config.production ? '' : ' (Apollo Sandbox in a browser)'}`);
  say(`REST:    ${base}/api/v1 (OpenAPI: ${base}/openapi.json, Swagger UI: ${base}/docs)`);
  if (config.console) say(`Console: ${base}/console`);
  if (firstKey) {
    say('This is the first start: keep this operator key now, it will not be shown again.');
    say(`Platform admin key: ${firstKey}`);
  }
}

/** How a failed start ends, for `npm start` and `tenantry start` alike. */
export function startFailed(err: unknown): never {
  if (err instanceof ConfigError) process.stderr.write(err.message + '\n');
  else {
    const verbose = ['debug', 'trace'].includes(process.env.LOG_LEVEL ?? '');
    const detail = err instanceof Error ? (verbose ? err.stack : err.message) : String(err);
    process.stderr.write(`Tenantry failed to start: ${detail}\n`);
  }
  process.exit(1);
}

// `node dist/src/main.js` (npm start); `tenantry start` calls main() itself.
if (require.main === module) main().catch(startFailed);
