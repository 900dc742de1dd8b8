import { Client } from 'pg';
import { MIGRATIONS } from '../../migrations';
import type { Config } from '../config';
import { openDatabase } from '../database';
import { runningEmbeddedUrl } from '../db/embedded';

export interface CliDatabase {
  /** The owner's address: migrations need it, and the application role is switched to from it. */
  url: string;
  /** Where it is, for people (never the password). */
  where: string;
  stop(): Promise<void>;
}

/** host:port/database, without credentials. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * DATABASE_URL; else the embedded PostgreSQL of a server running on the same data directory;
 * else the embedded one, started for this command and stopped after it.
 */
export async function openCliDatabase(config: Config): Promise<CliDatabase> {
  const none = async () => {};
  if (config.databaseUrl) return { url: config.databaseUrl, where: `at ${describeUrl(config.databaseUrl)}`, stop: none };
  const running = runningEmbeddedUrl(config.dataDir);
  if (running) return { url: running, where: `embedded, of the server running on ${config.dataDir}`, stop: none };
  const db = await openDatabase(config, () => {});
  return { url: db.url, where: `embedded, in ${config.dataDir}`, stop: () => db.embedded!.stop() };
}

export async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  // A connection lost later surfaces on the query that needed it; unhandled, it would crash.
  client.on('error', () => {});
  await client.connect();
  return client;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Applied by a newer Tenantry: this version does not know them. */
  unknown: string[];
}

/**
 * Read from the migrations table directly: the migrator would create that table, or even the
 * database, just to be asked.
 */
export async function migrationStatus(client: Client): Promise<MigrationStatus> {
  const { rows } = await client.query<{ exists: boolean }>(`select to_regclass('mikro_orm_migrations') is not null as exists`);
  const applied = rows[0].exists
    ? (await client.query<{ name: string }>('select name from mikro_orm_migrations order by id')).rows.map((r) => r.name)
    : [];
  const known = MIGRATIONS.map((m) => m.name);
  return { applied, pending: known.filter((n) => !applied.includes(n)), unknown: applied.filter((n) => !known.includes(n)) };
}
