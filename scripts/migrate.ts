/** `npm run migrate`: applies pending migrations to DATABASE_URL or the embedded database, then exits. */
import 'reflect-metadata';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/database';
import { initOrm, migrate } from '../src/db/orm';

async function main() {
  const config = loadConfig();
  const db = await openDatabase(config, () => {});
  const orm = await initOrm({ url: db.url });
  try {
    const applied = await migrate(orm);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
  } finally {
    await orm.close();
    await db.embedded?.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
