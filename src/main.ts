import 'reflect-metadata';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { applicationUrl, openDatabase } from './database';
import { initOrm, migrateAsOwner } from './db/orm';
import { PurgeJob } from './modules/tenants/purge-job';
import { createServices } from './services';

async function main(): Promise<void> {
  const config = loadConfig();
  const say = (line: string) => process.stdout.write(line + '\n');

  const db = await openDatabase(config, () => {});
  say(db.embedded ? `Embedded PostgreSQL running, data in ${config.dataDir}` : 'Using DATABASE_URL');
  const applied = await migrateAsOwner(db.url);
  if (applied.length) say(`Applied migrations: ${applied.join(', ')}`);
  const orm = await initOrm({ url: await applicationUrl(db), statementTimeoutMs: config.statementTimeoutMs, acquireTimeoutMs: config.poolTimeoutMs });

  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
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
  const purge = new PurgeJob(
    orm,
    services.tenants,
    (ids) => app?.log.info({ tenants: ids }, 'purged deleted tenants past their retention'),
    (err) => app?.log.error({ err }, 'tenant purge failed'),
  );
  purge.start(config.purgeIntervalSeconds);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app?.log.info(`${signal}: shutting down`);
    // Order matters: stop taking requests and drain, flush batched writes, then the database.
    await app?.close().catch(() => {});
    await purge.stop();
    await orm.close().catch(() => {});
    await db.embedded?.stop().catch(() => {});
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const base = `http://${shown}:${(app.server.address() as { port: number }).port}`;
  say(`Tenantry ${config.env} server listening`);
  say(`GraphQL: ${base}/graphql${config.production ? '' : ' (Apollo Sandbox in a browser)'}`);
  say(`REST:    ${base}/api/v1`);
  if (config.console) say(`Console: ${base}/console`);
  if (firstKey) {
    say('This is the first start: keep this operator key now, it will not be shown again.');
    say(`Platform admin key: ${firstKey}`);
  }
}

main().catch((err) => {
  if (err instanceof ConfigError) process.stderr.write(err.message + '\n');
  else {
    const verbose = ['debug', 'trace'].includes(process.env.LOG_LEVEL ?? '');
    const detail = err instanceof Error ? (verbose ? err.stack : err.message) : String(err);
    process.stderr.write(`Tenantry failed to start: ${detail}\n`);
  }
  process.exit(1);
});
