import { AsyncLocalStorage } from 'node:async_hooks';
import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * Row-level security's side of isolation. Every tenant-owned table has a forced policy that
 * shows a row only when `tenantry.tenant` names its tenant, or is `*` for the platform's own
 * work. The application sets that setting on each pooled connection as it is handed out, from
 * the scope of the code asking for it, so a service that forgot its `tenant_id` filter still
 * cannot see another tenant's rows.
 *
 *   - A request starts confined to nothing; once its key is verified it is confined to the key's
 *     tenant, or opened to all for an operator key.
 *   - Work outside any request (jobs, flushes, the CLI, start-up) is the platform's and sees all.
 */
export const APP_ROLE = 'tenantry_app';
export const SETTING = 'tenantry.tenant';
export const ALL_TENANTS = '*';
const NO_TENANT = '';

/** One request's scope: mutable, because the tenant is known only after the key is verified. */
export class DbScope {
  private value = NO_TENANT;

  /** Confines the request's later statements to one tenant, or opens them to all (operators). */
  confine(tenantId: string | typeof ALL_TENANTS): void {
    this.value = tenantId;
  }

  get setting(): string {
    return this.value;
  }
}

const PLATFORM: DbScope = new DbScope();
PLATFORM.confine(ALL_TENANTS);

const storage = new AsyncLocalStorage<DbScope>();

/** Runs `work` in a new request scope, which sees no tenant's rows until it is confined. */
export function inRequestScope<T>(work: (scope: DbScope) => T): T {
  const scope = new DbScope();
  return inScope(scope, () => work(scope));
}

/** Runs `work` in a request's scope (a request passes through several Fastify stages). */
export function inScope<T>(scope: DbScope, work: () => T): T {
  return storage.run(scope, work);
}

/**
 * Runs `work` as the platform: for the few request steps that precede knowing the tenant (looking
 * a key up by its digest) and for background work a request may have set in motion.
 */
export function asPlatform<T>(work: () => T): T {
  return storage.run(PLATFORM, work);
}

/** The scope the calling request runs in, if it runs in one. */
export function currentScope(): DbScope | undefined {
  const scope = storage.getStore();
  return scope === PLATFORM ? undefined : scope;
}

/** The value `tenantry.tenant` must have for the calling code. */
export function currentSetting(): string {
  return (storage.getStore() ?? PLATFORM).setting;
}

interface PgClient {
  query(config: { text: string; values: unknown[] }): Promise<unknown>;
  [applied]?: string;
}
const applied = Symbol('tenantry.tenant');

/**
 * Makes every connection of `orm`'s pool act as the application role and carry the caller's
 * scope. Knex hands out connections (for autocommit statements, transactions, and the prepared
 * hot path alike) through one method; wrapping it means no statement runs before the setting is
 * right. The setting is session-level, written while the connection is idle and outside any
 * transaction, so no rollback can undo it, and remembered per connection, so a connection that
 * serves the same tenant again costs no extra round trip.
 */
export function confineConnections(orm: MikroORM): void {
  const client = orm.em.getConnection().getKnex().client as {
    acquireConnection(): Promise<PgClient>;
    releaseConnection(c: PgClient): Promise<unknown>;
  };
  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = async () => {
    const wanted = currentSetting();
    const connection = await acquire();
    if (connection[applied] !== wanted) {
      try {
        await connection.query({ text: 'select set_config($1, $2, false)', values: [SETTING, wanted] });
      } catch (err) {
        await client.releaseConnection(connection);
        throw err;
      }
      connection[applied] = wanted;
    }
    return connection;
  };
}
