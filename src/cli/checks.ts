import { Redis } from 'ioredis';
import fs from 'node:fs';
import type { Client } from 'pg';
import { ConfigError, loadConfig, type Config } from '../config';
import { embeddedClusterExists, runningEmbeddedUrl } from '../db/embedded';
import { ALL_TENANTS, APP_ROLE, SETTING } from '../db/tenant-scope';
import { masterKeyFromFile, masterKeyId, masterKeyPath } from '../modules/secrets/envelope';
import { describeError } from './command';
import { connect, describeUrl, migrationStatus, openCliDatabase, type CliDatabase } from './database';

/** `tenantry doctor`'s checks: each reports once, in order; none changes anything. */
export type Status = 'ok' | 'FAIL' | 'skip';
export interface Check {
  name: string;
  status: Status;
  detail: string;
}
type Report = (name: string, status: Status, detail: string) => void;

export async function diagnose(report: Report): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const problems = err.message.split('\n').slice(1).map((line) => line.trim());
    report('configuration', 'FAIL', problems.join('; '));
    for (const name of ['database', 'migrations', 'app role', 'master key', ...(process.env.REDIS_URL ? ['redis'] : [])]) {
      report(name, 'skip', 'needs a valid configuration');
    }
    return;
  }
  const source = config.databaseUrl ? `DATABASE_URL (${describeUrl(config.databaseUrl)})` : `embedded, in ${config.dataDir}`;
  report('configuration', 'ok', `NODE_ENV=${config.env}; database: ${source}`);

  let db: CliDatabase | undefined;
  let client: Client | undefined;
  try {
    try {
      if (!config.databaseUrl && !runningEmbeddedUrl(config.dataDir) && !embeddedClusterExists(config.dataDir)) {
        throw new Error(`no embedded database in ${config.dataDir} yet: \`tenantry migrate\` or \`tenantry start\` creates it`);
      }
      db = await openCliDatabase(config);
      client = await connect(db.url);
      const { rows } = await client.query<{ version: string }>(`select current_setting('server_version') as version`);
      report('database', 'ok', `PostgreSQL ${rows[0].version}, ${db.where}`);
    } catch (err) {
      report('database', 'FAIL', describeError(err));
    }
    const migrated = await guarded('migrations', report, () => checkMigrations(client, report));
    await guarded('app role', report, () => checkAppRole(client, migrated === true, report));
    await guarded('master key', report, () => checkMasterKey(config, client, migrated === true, report));
  } finally {
    await client?.end().catch(() => {});
    await db?.stop();
  }
  if (config.redisUrl) await checkRedis(config.redisUrl, report);
}

/** A check that breaks (the connection lost midway) is a failed check, not a failed doctor. */
async function guarded<T>(name: string, report: Report, check: () => Promise<T>): Promise<T | undefined> {
  try {
    return await check();
  } catch (err) {
    report(name, 'FAIL', describeError(err));
    return undefined;
  }
}

const some = (names: string[]) => (names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', '));

/** Whether the schema is this version's (later checks need its tables). */
async function checkMigrations(client: Client | undefined, report: Report): Promise<boolean> {
  if (!client) {
    report('migrations', 'skip', 'needs the database');
    return false;
  }
  const { applied, pending, unknown } = await migrationStatus(client);
  const newer = unknown.length ? `; ${unknown.length} unknown to this version (${some(unknown)}): a newer Tenantry migrated it` : '';
  if (pending.length) {
    report('migrations', 'FAIL', `${pending.length} pending (${some(pending)}): run \`tenantry migrate\`${newer}`);
    return false;
  }
  report('migrations', 'ok', `all ${applied.length - unknown.length} applied${newer}`);
  return true;
}

async function checkAppRole(client: Client | undefined, migrated: boolean, report: Report): Promise<void> {
  if (!client) return report('app role', 'skip', 'needs the database');
  if (!migrated) return report('app role', 'skip', `${APP_ROLE} is made by the migrations`);
  const { rows } = await client.query<{ user: string }>('select current_user as user');
  try {
    await client.query(`set role ${APP_ROLE}`);
    await client.query('reset role');
    report('app role', 'ok', `${rows[0].user} can act as ${APP_ROLE}`);
  } catch (err) {
    report('app role', 'FAIL', `${describeError(err)}: grant ${APP_ROLE} to ${rows[0].user}, or run the migrations as this login`);
  }
}

async function checkMasterKey(config: Config, client: Client | undefined, migrated: boolean, report: Report): Promise<void> {
  const file = masterKeyPath(config.dataDir);
  let current: { id: string; source: string } | undefined;
  if (config.masterKey) current = { id: masterKeyId(config.masterKey), source: 'TENANTRY_MASTER_KEY' };
  else if (fs.existsSync(file)) {
    try {
      current = { id: masterKeyId(masterKeyFromFile(config.dataDir)), source: `the generated key in ${file}` };
    } catch (err) {
      return report('master key', 'FAIL', describeError(err));
    }
  }
  const previous = new Set(config.previousMasterKeys.map(masterKeyId));
  const none = `none yet: one is generated into ${file} at the first start (development only; production requires TENANTRY_MASTER_KEY)`;
  if (!client || !migrated) {
    if (!current) return report('master key', 'skip', 'needs the database (whether tenant data keys exist decides)');
    return report('master key', 'ok', `${current.source} (not compared with the database, which is not ready)`);
  }

  // The owner is bound by the row policies too (unless a superuser): read every tenant's row.
  await client.query('select set_config($1, $2, false)', [SETTING, ALL_TENANTS]);
  const { rows } = await client.query<{ id: string; n: number }>('select master_key_id as id, count(*)::int as n from tenant_data_keys group by 1');
  const count = (match: (id: string) => boolean) => rows.filter((r) => match(r.id)).reduce((sum, r) => sum + r.n, 0);
  const total = count(() => true);
  const byCurrent = count((id) => id === current?.id);
  const byPrevious = count((id) => id !== current?.id && previous.has(id));
  const unknownIds = rows.filter((r) => r.id !== current?.id && !previous.has(r.id)).map((r) => r.id);
  const unknown = total - byCurrent - byPrevious;

  if (!current) {
    if (total === 0) return report('master key', 'ok', none);
    return report('master key', 'FAIL', `${total} tenant data keys exist but no master key is configured: set TENANTRY_MASTER_KEY (${file} is missing)`);
  }
  if (unknown > 0) {
    return report(
      'master key',
      'FAIL',
      `${unknown} of ${total} tenant data keys are sealed by master key ${unknownIds.join(', ')}, which is not configured: ` +
        `${current.source} is not the key that sealed them (a rotation keeps the old one in TENANTRY_PREVIOUS_MASTER_KEYS)`,
    );
  }
  const pinned = (await client.query<{ id: string }>(`select master_key_id as id from master_key_pin where id = 'current'`)).rows[0]?.id;
  if (pinned && pinned !== current.id && !previous.has(pinned)) {
    return report(
      'master key',
      'FAIL',
      `master key ${pinned} seals new data keys (pinned by the last rotation, or by the first data key), but ${current.source} is ${current.id}: ` +
        'this instance refuses to seal new data keys until it is configured as the others are',
    );
  }
  if (byPrevious > 0) {
    return report('master key', 'ok', `${current.source} seals ${byCurrent} of ${total} tenant data keys; ${byPrevious} await \`tenantry rotate-master-key\``);
  }
  report('master key', 'ok', total ? `${current.source} sealed all ${total} tenant data keys` : `${current.source}; no tenant data keys yet`);
}

async function checkRedis(url: string, report: Report): Promise<void> {
  let where = 'REDIS_URL';
  try {
    const u = new URL(url);
    where = `${u.hostname}:${u.port || 6379}`;
  } catch {
    // loadConfig checked the scheme only; the client reports the rest.
  }
  // One attempt, briefly: a doctor reports an outage, it does not wait it out.
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The connection's own error says why; the rejected connect only says it closed.
  let cause: unknown;
  redis.on('error', (err) => (cause ??= err));
  try {
    await redis.connect();
    const started = performance.now();
    const answer = await redis.ping();
    report('redis', 'ok', `${answer} in ${(performance.now() - started).toFixed(1)} ms from ${where}`);
  } catch (err) {
    const reason = describeError(cause ?? err);
    report('redis', 'FAIL', reason.includes(where) ? reason : `${reason} (${where})`);
  } finally {
    redis.disconnect();
  }
}
