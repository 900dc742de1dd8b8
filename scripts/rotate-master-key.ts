/**
 * `npm run rotate-master-key`: re-seals every tenant data key with TENANTRY_MASTER_KEY (the new
 * key), opening them with TENANTRY_PREVIOUS_MASTER_KEYS (the old ones). Safe to interrupt and run
 * again: it carries on with the keys not yet re-sealed. Keep the old key in
 * TENANTRY_PREVIOUS_MASTER_KEYS on every instance until this reports nothing remaining.
 */
import 'reflect-metadata';
import { loadConfig } from '../src/config';
import { applicationUrl, openDatabase } from '../src/database';
import { initOrm, migrateAsOwner } from '../src/db/orm';
import { createServices } from '../src/services';

async function main() {
  const config = loadConfig();
  if (!config.masterKey || config.previousMasterKeys.length === 0) {
    throw new Error('set TENANTRY_MASTER_KEY to the new key and TENANTRY_PREVIOUS_MASTER_KEYS to the key(s) it replaces');
  }
  const db = await openDatabase(config, () => {});
  try {
    await migrateAsOwner(db.url);
  } catch (err) {
    await db.embedded?.stop();
    throw err;
  }
  const orm = await initOrm({ url: await applicationUrl(db) });
  try {
    const services = createServices(orm, config, () => {});
    const { rewrapped, remaining } = await services.secrets.rotateMasterKey(orm);
    console.log(`Re-sealed ${rewrapped} tenant data keys; ${remaining} remaining.`);
    if (remaining > 0) process.exitCode = 2;
  } finally {
    await orm.close();
    await db.embedded?.stop();
  }
}

main().catch((err) => {
  console.error(`rotate-master-key failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
