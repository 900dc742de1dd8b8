import type { Config } from '../config';
import { initOrm } from '../db/orm';
import { createServices, type Services } from '../services';
import { warn } from './command';
import { connect, migrationStatus, openCliDatabase } from './database';

/**
 * Runs `work` with the services on a migrated database, then closes everything. Migrations are
 * not applied here: a command beside a running fleet must not change its schema unasked.
 */
export async function withServices<T>(config: Config, work: (services: Services) => Promise<T>): Promise<T> {
  const db = await openCliDatabase(config);
  try {
    const client = await connect(db.url);
    const { pending } = await migrationStatus(client).finally(() => client.end());
    if (pending.length) {
      throw new Error(`the database (${db.where}) has ${pending.length} pending migration(s): run \`tenantry migrate\` first`);
    }
    // The owner's URL, switched to the application role on every connection (see db/orm.ts),
    // as with DATABASE_URL: the embedded role's password belongs to the running server.
    const orm = await initOrm({ url: db.url, poolMax: 2 });
    // No rate limiting happens here: no Redis connection either.
    const services = createServices(orm, { ...config, redisUrl: undefined }, (err) => warn(`background work failed: ${String(err)}`));
    try {
      return await work(services);
    } finally {
      await services.close();
      await orm.close();
    }
  } finally {
    await db.stop();
  }
}
