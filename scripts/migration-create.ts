/**
 * Generates a migration from the difference between the entities and a database migrated to the
 * latest committed migration, then rewrites migrations/index.ts to list every migration file.
 * Uses DATABASE_URL when set, otherwise a throwaway embedded PostgreSQL.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { initOrm, migrate, MIGRATIONS_DIR } from '../src/db/orm';

function writeIndex(): string[] {
  const names = fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^Migration\d+.*\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  const body = [
    "import type { MigrationObject } from '@mikro-orm/core';",
    ...names.map((n) => `import { ${n} } from './${n}';`),
    '',
    '/**',
    ' * Every migration, in order. Generated files are committed and never edited after they land;',
    ' * `npm run migration:create` writes a new one and regenerates this list.',
    ' */',
    'export const MIGRATIONS: MigrationObject[] = [',
    ...names.map((n) => `  { name: '${n}', class: ${n} },`),
    '];',
    '',
  ];
  fs.writeFileSync(path.join(MIGRATIONS_DIR, 'index.ts'), body.join('\n'));
  return names;
}

async function main() {
  const name = process.argv[2];
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-mig-')), persistent: false });
  const orm = await initOrm({ url: process.env.DATABASE_URL ?? embedded!.url, owner: true });
  try {
    await migrate(orm);
    const result = await orm.getMigrator().createMigration(MIGRATIONS_DIR, false, false, name);
    if (!result.fileName) {
      console.log('Entities and migrations agree: nothing to generate.');
    } else {
      console.log(`Wrote migrations/${result.fileName}`);
      result.diff.up.forEach((l) => console.log('  ' + l));
    }
    writeIndex();
  } finally {
    await orm.close();
    await embedded?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
