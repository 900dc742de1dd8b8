import type { Check } from '../checks';
import { EXIT, printJson, say, type Command } from '../command';

const NAME_WIDTH = 'configuration'.length;

export const doctor: Command = {
  name: 'doctor',
  summary: 'check configuration, database, migrations, master key and Redis',
  description: [
    'Checks what a server needs, one line per check (ok, FAIL with the reason, or skip when an earlier',
    'failure makes it moot), and exits 1 if any fails:',
    '  configuration  the environment variables parse (as the server reads them)',
    '  database       PostgreSQL answers (DATABASE_URL, or the embedded one: the running server\'s, or',
    '                 started for the check when a data directory exists)',
    '  migrations     every migration of this version is applied',
    '  app role       the login can act as the application role, tenantry_app',
    '  master key     the configured master key(s) sealed the tenant data keys in the database',
    '  redis          REDIS_URL answers PING (only when REDIS_URL is set)',
    'It changes nothing.',
  ].join('\n'),
  options: { json: { type: 'boolean', description: 'print {"ok": ..., "checks": [{name, status, detail}]}' } },
  async run({ options }) {
    const { diagnose } = require('../checks') as typeof import('../checks');
    const checks: Check[] = [];
    await diagnose((name, status, detail) => {
      checks.push({ name, status, detail });
      // Line by line as they finish: starting an embedded database takes a few seconds.
      if (!options.json) say(`${status.padEnd(4)}  ${name.padEnd(NAME_WIDTH)}  ${detail}`);
    });
    const failed = checks.filter((c) => c.status === 'FAIL').length;
    if (options.json) printJson({ ok: failed === 0, checks: checks.map((c) => ({ ...c, status: c.status.toLowerCase() })) });
    else say(failed ? `${failed} of ${checks.length} checks failed.` : `All checks passed.`);
    return failed ? EXIT.error : EXIT.ok;
  },
};
