import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Config } from './config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded';
import { APP_ROLE } from './db/tenant-scope';

/** DATABASE_URL when given; otherwise an embedded PostgreSQL in the data directory. */
export async function openDatabase(
  config: Config,
  log: (message: string) => void,
): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, log });
  return { url: embedded.url, embedded };
}

/**
 * Where the application connects, once migrations have made its role. Either way it switches to
 * the role on every connection (see db/orm.ts); what differs is whose credentials it holds:
 *   - TENANTRY_APP_DATABASE_URL: a login of the operator's that is tenantry_app or a member of it.
 *   - The embedded database: Tenantry owns the server, so it logs in as tenantry_app itself, with
 *     a fresh password each start.
 *   - Otherwise DATABASE_URL's own user, so one URL suffices (that user could RESET ROLE).
 */
export async function applicationUrl(db: { url: string; embedded?: EmbeddedDatabase }, config: Pick<Config, 'appDatabaseUrl'>): Promise<string> {
  if (config.appDatabaseUrl) return config.appDatabaseUrl;
  if (!db.embedded) return db.url;
  const password = randomBytes(24).toString('base64url');
  const owner = new Client({ connectionString: db.url });
  await owner.connect();
  try {
    // The password is a literal in DDL (no parameters there); base64url needs no quoting.
    await owner.query(`alter role ${APP_ROLE} with login password '${password}'`);
  } finally {
    await owner.end();
  }
  const url = new URL(db.url);
  url.username = APP_ROLE;
  url.password = password;
  return url.toString();
}
