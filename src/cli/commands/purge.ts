import { loadConfig } from '../../config';
import { EXIT, printJson, say, type Command } from '../command';

export const purge: Command = {
  name: 'purge',
  summary: 'purge deleted tenants past their retention, now',
  description: [
    'Runs the lifecycle purge now instead of waiting for the servers\' timer',
    '(TENANTRY_PURGE_INTERVAL_SECONDS): every deleted tenant whose settings.retention_days (default',
    '30) have passed since deletion loses its rows for good. Safe beside running servers: rows are',
    'claimed with FOR UPDATE SKIP LOCKED. Each purge is audited as `tenant.purged`.',
  ].join('\n'),
  options: { json: { type: 'boolean', description: 'print {"purged": [tenant ids]}' } },
  async run({ options }) {
    const { withServices } = require('../services') as typeof import('../services');
    return withServices(loadConfig(), async (s) => {
      const ids = await s.tenants.purgeExpired(s.orm.em.fork());
      if (options.json) printJson({ purged: ids });
      else if (!ids.length) say('Nothing to purge: no deleted tenant is past its retention.');
      else say(`Purged ${ids.length} deleted tenant(s) past their retention:\n${ids.map((id) => `  ${id}`).join('\n')}`);
      return EXIT.ok;
    });
  },
};
