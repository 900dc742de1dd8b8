import type { EntityManager } from '@mikro-orm/postgresql';

interface PgConnection {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * One autocommit statement on a connection from the ORM's own pool, as a named prepared
 * statement: PostgreSQL parses and plans it once per connection, and the ORM's query building,
 * which profiling showed costing more than the statement itself on the hottest path (consume),
 * is skipped. Never inside a transaction: the connection is not the transaction's.
 */
export async function prepared<T>(em: EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  const client = em.getConnection().getKnex().client as {
    acquireConnection(): Promise<PgConnection>;
    releaseConnection(c: PgConnection): Promise<void>;
  };
  const connection = await client.acquireConnection();
  try {
    return (await connection.query({ name, text, values })).rows as T[];
  } finally {
    await client.releaseConnection(connection);
  }
}
