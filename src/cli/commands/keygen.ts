import { generateKey } from '../../auth/key-format';
import { loadConfig } from '../../config';
import { EXIT, say, type Command } from '../command';

export const keygen: Command = {
  name: 'keygen',
  summary: 'print a new well-formed key, e.g. for TENANTRY_ADMIN_KEY',
  description: [
    'Prints a new random key in Tenantry\'s format (prefix from TENANTRY_KEY_PREFIX, checksum included),',
    'e.g. for TENANTRY_ADMIN_KEY in automated deployments. Nothing is stored and no database is needed.',
  ].join('\n'),
  options: {
    test: { type: 'boolean', description: 'a test key (`_test_`) instead of a live one' },
  },
  examples: ['TENANTRY_ADMIN_KEY=$(tenantry keygen) tenantry start'],
  async run({ options }) {
    say(generateKey(loadConfig().keyPrefix, options.test ? 'test' : 'live').key);
    return EXIT.ok;
  },
};
