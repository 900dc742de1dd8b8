import { loadConfig } from '../../config';
import { EXIT, printJson, say, warn, type Command } from '../command';

export const purge: Command = {
  name: 'purge',
  summary: 'purge deleted tenants past their retention, and history past its own, now',
  description: [
    'Runs the servers\' housekeeping now instead of waiting for their timer',
    '(TENANTRY_PURGE_INTERVAL_SECONDS): every deleted tenant whose settings.retention_days (default',
    '30) have passed since deletion loses its rows for good, each purge audited as `tenant.purged`;',
    'then delivered events older than TENANTRY_EVENT_RETENTION_DAYS (with their webhook deliveries),',
    'audit entries older than TENANTRY_AUDIT_RETENTION_DAYS (when set: by default the trail stays),',
    'the counters and alerts of limit windows closed a day or more, and idempotency keys older than',
    '7 days are deleted. Safe beside running servers: rows are claimed with FOR UPDATE SKIP LOCKED.',
  ].join('\n'),
  options: { json: { type: 'boolean', description: 'print {"purged": [tenant ids], "deleted": {kind: rows}}' } },
  async run({ options }) {
    const { withServices } = require('../services') as typeof import('../services');
    const { chores, Housekeeping } = require('../../housekeeping') as typeof import('../../housekeeping');
    return withServices(loadConfig(), async (s) => {
      const result = { purged: [] as string[], deleted: { events: 0, auditEvents: 0, usageCounters: 0, limitAlerts: 0, idempotencyKeys: 0 } };
      let failed = false;
      const job = new Housekeeping(
        s.orm,
        chores(s, { purged: (ids) => result.purged.push(...ids), swept: (counts) => Object.assign(result.deleted, counts) }),
        (err, chore) => {
          failed = true;
          warn(`${chore} failed: ${String(err)}`);
        },
      );
      await job.runOnce();
      if (options.json) printJson(result);
      else {
        const { purged, deleted } = result;
        if (!purged.length) say('Nothing to purge: no deleted tenant is past its retention.');
        else say(`Purged ${purged.length} deleted tenant(s) past their retention:\n${purged.map((id) => `  ${id}`).join('\n')}`);
        const kinds = { events: 'delivered events', auditEvents: 'audit entries', usageCounters: 'counters of closed windows', limitAlerts: 'alerts of closed windows', idempotencyKeys: 'idempotency keys' };
        const lines = Object.entries(kinds).filter(([k]) => deleted[k as keyof typeof deleted] > 0);
        if (lines.length) say(`Deleted past their retention:\n${lines.map(([k, label]) => `  ${label}: ${deleted[k as keyof typeof deleted]}`).join('\n')}`);
      }
      return failed ? EXIT.error : EXIT.ok;
    });
  },
};
