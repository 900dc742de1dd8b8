import { loadConfig } from '../../config';
import type { ApiKey } from '../../modules/api-keys/api-key.entity';
import { EXIT, printJson, say, table, warn, when, type Command } from '../command';

function load() {
  return {
    ...(require('../services') as typeof import('../services')),
    ...(require('../actor') as typeof import('../actor')),
    ...(require('../../modules/api-keys/api-key.routes') as typeof import('../../modules/api-keys/api-key.routes')),
  };
}

const json = { type: 'boolean', description: 'print JSON (the shape of the REST API\'s /api/v1/operator-keys)' } as const;

function status(key: ApiKey, now = new Date()): string {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt <= now) return 'expired';
  return 'active';
}

export const operatorKeyCreate: Command = {
  name: 'operator-key create',
  summary: 'create an operator key (platform:admin); it is printed once',
  description: [
    'Creates an operator key: scope platform:admin, no tenant. The key is printed once and only its',
    'digest is stored. The audit trail records the change with actor `operator`, prefix `cli:<user>`.',
  ].join('\n'),
  options: {
    name: { type: 'string', value: '<name>', description: 'what the key is for, at most 100 characters', required: true },
    'expires-at': { type: 'string', value: '<date-time>', description: 'ISO-8601 date-time in the future (default: never)' },
    json,
  },
  fields: { name: '--name', expiresAt: '--expires-at' },
  examples: [
    'tenantry operator-key create --name "CI deploy" --expires-at 2027-01-01T00:00:00Z',
    'tenantry operator-key create --name ops --json | jq -r .api_key',
  ],
  async run({ options }) {
    const { withServices, cliContext, apiKeyJson, KEY_SHOWN_ONCE } = load();
    const input = { name: options.name, ...(options['expires-at'] !== undefined && { expiresAt: options['expires-at'] }) };
    return withServices(loadConfig(), async (s) => {
      const { key, apiKey } = await s.apiKeys.createOperatorKey(cliContext(s.orm.em.fork()), input);
      if (options.json) printJson({ ...apiKeyJson(apiKey), api_key: key, message: KEY_SHOWN_ONCE });
      else {
        say(`Created operator key "${apiKey.name}": id ${apiKey.id}, prefix ${apiKey.prefix}, expires ${when(apiKey.expiresAt, 'never')}.`);
        say('Keep it now: it will not be shown again.');
        say(`Operator key: ${key}`);
      }
      return EXIT.ok;
    });
  },
};

export const operatorKeyList: Command = {
  name: 'operator-key list',
  summary: 'list operator keys',
  description: 'Lists operator keys, newest first: id, name, display prefix, status and times (UTC). Keys themselves are never shown.',
  options: {
    all: { type: 'boolean', short: 'a', description: 'include revoked keys' },
    json,
  },
  async run({ options }) {
    const { withServices, cliContext, apiKeyJson } = load();
    return withServices(loadConfig(), async (s) => {
      const keys = await s.apiKeys.listOperatorKeys(cliContext(s.orm.em.fork()), { includeRevoked: options.all === true });
      if (options.json) printJson({ api_keys: keys.map(apiKeyJson) });
      else if (!keys.length) say(options.all ? 'No operator keys.' : 'No active operator keys (--all shows revoked ones).');
      else {
        say(
          table(
            ['ID', 'NAME', 'PREFIX', 'STATUS', 'CREATED', 'LAST USED', 'EXPIRES'],
            keys.map((k) => [k.id, k.name, k.prefix, status(k), when(k.createdAt, '-'), when(k.lastUsedAt, 'never'), when(k.expiresAt, 'never')]),
          ),
        );
      }
      return EXIT.ok;
    });
  },
};

export const operatorKeyRevoke: Command = {
  name: 'operator-key revoke',
  summary: 'revoke an operator key at once',
  description: [
    'Revokes an operator key: every Tenantry instance refuses it within moments (the change feed',
    'tells them). Revoking a revoked key changes nothing. The audit trail records the CLI as actor.',
  ].join('\n'),
  args: [{ name: 'id', description: 'the key\'s id, as `operator-key list` shows it' }],
  options: { json },
  fields: { id: '<id>' },
  async run({ args: [id], options }) {
    const { withServices, cliContext, apiKeyJson } = load();
    return withServices(loadConfig(), async (s) => {
      const ctx = cliContext(s.orm.em.fork());
      const key = await s.apiKeys.revokeOperatorKey(ctx, id);
      if (options.json) printJson(apiKeyJson(key));
      else say(`Revoked operator key "${key.name}" (${key.id}, ${key.prefix}) at ${when(key.revokedAt, '-')}.`);
      const active = (await s.apiKeys.listOperatorKeys(cliContext(s.orm.em.fork()))).filter((k) => status(k) === 'active');
      if (!active.length) {
        warn('No active operator key remains: create one with `tenantry operator-key create`.');
      }
      return EXIT.ok;
    });
  },
};
