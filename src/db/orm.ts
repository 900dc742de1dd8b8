import 'reflect-metadata';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import path from 'node:path';
import { MIGRATIONS } from '../../migrations';
import { projectRoot } from '../paths';
import { ENTITIES } from './entities';

export interface OrmOptions {
  url: string;
  poolMax?: number;
  /** Statements running longer are cancelled by PostgreSQL (0 or unset: no limit). */
  statementTimeoutMs?: number;
  /** How long a request waits for a pooled connection before it is refused (503). */
  acquireTimeoutMs?: number;
  debug?: boolean;
  log?: (message: string) => void;
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
    pool: { min: 0, max: options.poolMax ?? 10 },
    driverOptions: {
      // An exhausted pool or an unreachable server answers 503 within seconds, never hangs.
      acquireConnectionTimeout: options.acquireTimeoutMs ?? 10_000,
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

export async function initOrm(options: OrmOptions): Promise<MikroORM> {
  return MikroORM.init(ormConfig(options));
}

export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}

export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  return (await orm.getMigrator().getPendingMigrations()).map((m) => m.name);
}
