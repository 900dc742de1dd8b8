/** `npm run migrate`: applies pending migrations to DATABASE_URL or the embedded database, then exits. */
import 'reflect-metadata';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/database';
import { migrateAsOwner } from '../src/db/orm';

async function main() {
  const config = loadConfig();
  const db = await openDatabase(config, () => {});
  try {
    const applied = await migrateAsOwner(db.url);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
  } finally {
    await db.embedded?.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
