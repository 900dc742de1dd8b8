import { EXIT, type Command } from '../command';

export const start: Command = {
  name: 'start',
  summary: 'run the server, exactly as `npm start` does',
  description: [
    'Runs the Tenantry server, exactly as `npm start` does: opens the database (DATABASE_URL, or the',
    'embedded PostgreSQL in TENANTRY_DATA_DIR), applies pending migrations, prints the platform admin',
    'key on the very first start, and serves GraphQL and REST on HOST:PORT until SIGINT or SIGTERM.',
    'Every setting comes from the environment (see README: Configuration).',
  ].join('\n'),
  examples: ['PORT=8080 tenantry start', 'DATABASE_URL=postgres://tenantry@db:5432/tenantry NODE_ENV=production TENANTRY_MASTER_KEY=... tenantry start'],
  ownsSignals: true,
  async run() {
    const { main, startFailed } = require('../../main') as typeof import('../../main');
    // Resolves once listening; the server then runs until a signal ends the process.
    await main().catch(startFailed);
    return EXIT.ok;
  },
};
