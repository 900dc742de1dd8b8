import { loadConfig } from '../../config';
import { EXIT, say, warn, type Command } from '../command';

export const rotateMasterKey: Command = {
  name: 'rotate-master-key',
  summary: 're-seal tenant data keys with a new master key (resumable)',
  description: [
    'Makes TENANTRY_MASTER_KEY (the new key) the one that seals new data keys: from then on an',
    'instance still configured with the old key as current refuses to seal one (503) until it is',
    'reconfigured. Then re-seals every tenant data key with the new key, opening them with',
    'TENANTRY_PREVIOUS_MASTER_KEYS (the old ones, comma-separated), in batches, each its own',
    'transaction. Safe to interrupt and to run again: it carries on with the keys not yet re-sealed,',
    'and instances may keep serving meanwhile. Remove the old key from TENANTRY_PREVIOUS_MASTER_KEYS',
    'on every instance once this reports nothing remaining. Exits 3 while keys remain.',
  ].join('\n'),
  examples: ['TENANTRY_MASTER_KEY=$(openssl rand -base64 32) TENANTRY_PREVIOUS_MASTER_KEYS=<old key> tenantry rotate-master-key'],
  async run() {
    const config = loadConfig();
    if (!config.masterKey || config.previousMasterKeys.length === 0) {
      throw new Error('set TENANTRY_MASTER_KEY to the new key and TENANTRY_PREVIOUS_MASTER_KEYS to the key(s) it replaces');
    }
    const { withServices } = require('../services') as typeof import('../services');
    return withServices(config, async (s) => {
      const { rewrapped, remaining, failed } = await s.secrets.rotateMasterKey(s.orm);
      say(`Re-sealed ${rewrapped} tenant data keys; ${remaining} remaining.`);
      if (failed.length) {
        warn(
          `${failed.length} could not be opened with the configured master keys (tenants ${failed.join(', ')}): ` +
            'is the key that sealed them in TENANTRY_PREVIOUS_MASTER_KEYS?',
        );
      }
      return remaining > 0 ? EXIT.incomplete : EXIT.ok;
    });
  },
};
