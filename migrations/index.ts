import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261126153539_core } from './Migration20261126153539_core';
import { Migration20261126155311_lifecycle } from './Migration20261126155311_lifecycle';
import { Migration20261126160832_audit } from './Migration20261126160832_audit';
import { Migration20261126161406_secrets } from './Migration20261126161406_secrets';
import { Migration20261126161508_config } from './Migration20261126161508_config';
import { Migration20261126162403_rbac } from './Migration20261126162403_rbac';
import { Migration20261126163641_limits } from './Migration20261126163641_limits';
import { Migration20261126165711_events } from './Migration20261126165711_events';
import { Migration20261126170253_gauges } from './Migration20261126170253_gauges';
import { Migration20261126181357_webhooks } from './Migration20261126181357_webhooks';
import { Migration20261126184338_daily_shards } from './Migration20261126184338_daily_shards';
import { Migration20261126203500_row_security } from './Migration20261126203500_row_security';
import { Migration20261126204006_console_sessions } from './Migration20261126204006_console_sessions';
import { Migration20261127005225_retention } from './Migration20261127005225_retention';
import { Migration20261127090843_master_key_pin } from './Migration20261127090843_master_key_pin';

/**
 * Every migration, in order. Generated files are committed and never edited after they land;
 * `npm run migration:create` writes a new one and regenerates this list.
 */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261126153539_core', class: Migration20261126153539_core },
  { name: 'Migration20261126155311_lifecycle', class: Migration20261126155311_lifecycle },
  { name: 'Migration20261126160832_audit', class: Migration20261126160832_audit },
  { name: 'Migration20261126161406_secrets', class: Migration20261126161406_secrets },
  { name: 'Migration20261126161508_config', class: Migration20261126161508_config },
  { name: 'Migration20261126162403_rbac', class: Migration20261126162403_rbac },
  { name: 'Migration20261126163641_limits', class: Migration20261126163641_limits },
  { name: 'Migration20261126165711_events', class: Migration20261126165711_events },
  { name: 'Migration20261126170253_gauges', class: Migration20261126170253_gauges },
  { name: 'Migration20261126181357_webhooks', class: Migration20261126181357_webhooks },
  { name: 'Migration20261126184338_daily_shards', class: Migration20261126184338_daily_shards },
  { name: 'Migration20261126203500_row_security', class: Migration20261126203500_row_security },
  { name: 'Migration20261126204006_console_sessions', class: Migration20261126204006_console_sessions },
  { name: 'Migration20261127005225_retention', class: Migration20261127005225_retention },
  { name: 'Migration20261127090843_master_key_pin', class: Migration20261127090843_master_key_pin },
];
