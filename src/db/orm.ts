import 'reflect-metadata';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import path from 'node:path';
import { MIGRATIONS } from '../../migrations';
import { projectRoot } from '../paths';
import { ENTITIES } from './entities';
import { APP_ROLE, confineConnections } from './tenant-scope';

export interface OrmOptions {
  url: string;
  poolMax?: number;
  /** Statements running longer are cancelled by PostgreSQL (0 or unset: no limit). */
  statementTimeoutMs?: number;
  /** How long a request waits for a pooled connection before it is refused (503). */
  acquireTimeoutMs?: number;
  debug?: boolean;
  log?: (message: string) => void;
  /**
   * Where the query builder's own warnings go (a pooled connection found dead, say). Unset, knex
   * prints them as bare console lines, which break a JSON log stream.
   */
  driverLog?: (level: 'warn' | 'error', message: string) => void;
  /**
   * Connect with the login's own rights and no row-level scope: only for migrations, which own
   * the tables. Everything else runs as the application role (see tenant-scope.ts).
   */
  owner?: boolean;
}

/** Where generated migrations are written (the repository's `migrations/` folder). */
export const MIGRATIONS_DIR = path.join(projectRoot(), 'migrations');

export function ormConfig(options: OrmOptions): Options {
  return defineConfig({
    clientUrl: options.url,
    entities: ENTITIES,
    extensions: [Migrator],
    forceUtcTimezone: true,
    debug: options.debug ?? false,
    logger: options.log,
    discovery: { disableDynamicFileAccess: true },
    pool: {
      min: 0,
      max: options.poolMax ?? 10,
      // The login may own the tables (or be a superuser); the application's statements must run
      // as a role that owns nothing and bypasses no policy, from the connection's first one.
      ...(!options.owner && {
        afterCreate: (connection: { query(sql: string, cb: (err?: Error) => void): void }, done: (err: Error | undefined, c: unknown) => void) =>
          connection.query(`set role ${APP_ROLE}`, (err) => done(err, connection)),
      }),
    },
    driverOptions: {
      // An exhausted pool or an unreachable server answers 503 within seconds, never hangs.
      acquireConnectionTimeout: options.acquireTimeoutMs ?? 10_000,
      ...(options.driverLog && { log: driverLogger(options.driverLog) }),
      connection: {
        connectionTimeoutMillis: 5000,
        ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
      },
    },
    migrations: {
      tableName: 'mikro_orm_migrations',
      silent: true,
      path: MIGRATIONS_DIR,
      // Migrations are imported, not discovered on disk, so the built server and the tests
      // (running TypeScript) apply exactly the same list.
      migrationsList: MIGRATIONS,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
    },
  });
}

/** knex's logger hooks: messages may be objects (knex inspects them itself when printing). */
function driverLogger(log: NonNullable<OrmOptions['driverLog']>) {
  const text = (m: unknown) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m));
  return {
    warn: (m: unknown) => log('warn', text(m)),
    deprecate: (m: unknown) => log('warn', text(m)),
    error: (m: unknown) => log('error', text(m)),
    debug: () => {},
  };
}

export async function initOrm(options: OrmOptions): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(options));
  if (!options.owner) confineConnections(orm);
  return orm;
}

export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}

/**
 * Applies pending migrations on a connection of its own, as the login (the tables' owner): the
 * application's role may not create or alter tables, and its statement timeout must not cut a
 * migration short.
 */
export async function migrateAsOwner(url: string): Promise<string[]> {
  const migrator = await initOrm({ url, poolMax: 1, owner: true });
  try {
    return await migrate(migrator);
  } finally {
    await migrator.close();
  }
}

export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  return (await orm.getMigrator().getPendingMigrations()).map((m) => m.name);
}
