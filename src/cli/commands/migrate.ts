import { loadConfig } from '../../config';
import { EXIT, say, type Command } from '../command';

export const migrate: Command = {
  name: 'migrate',
  summary: 'apply pending database migrations, then exit',
  description: [
    'Applies pending migrations to DATABASE_URL (as that login, which must own the tables) or to the',
    'embedded PostgreSQL in TENANTRY_DATA_DIR, then exits. Running it again changes nothing. The server',
    'applies them at start too; this runs them alone, e.g. as a deployment step before the new version.',
  ].join('\n'),
  examples: ['DATABASE_URL=postgres://owner@db:5432/tenantry tenantry migrate'],
  async run() {
    const { openCliDatabase } = require('../database') as typeof import('../database');
    const { migrateAsOwner } = require('../../db/orm') as typeof import('../../db/orm');
    const db = await openCliDatabase(loadConfig());
    try {
      const applied = await migrateAsOwner(db.url);
      say(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database is up to date.');
    } finally {
      await db.stop();
    }
    return EXIT.ok;
  },
};
