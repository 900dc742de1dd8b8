import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { withDatabase } from './db-url';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded';
import { migrateAsOwner } from '../../src/db/orm';

/**
 * One PostgreSQL for the whole run: TEST_DATABASE_URL when given, otherwise an embedded server in
 * a temporary directory. A template database is migrated once; each test file clones it, so
 * files run in parallel without seeing each other's rows.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    database: { adminUrl: string; template: string };
  }
}


let embedded: EmbeddedDatabase | undefined;
let adminUrl = '';
let template = '';

export async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    adminUrl = process.env.TEST_DATABASE_URL;
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-test-'));
    embedded = await startEmbeddedPostgres({ dataDir: dir, persistent: false, database: 'postgres' });
    adminUrl = embedded.url;
  }
  template = `tenantry_tpl_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${template}`);
  await admin.end();
  await migrateAsOwner(withDatabase(adminUrl, template));
  project.provide('database', { adminUrl, template });
}

export async function teardown() {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  // Drop what this run created, including databases of files that failed before cleaning up.
  const { rows } = await admin.query<{ datname: string }>(
    `select datname from pg_database where datname = $1 or datname like $2`,
    [template, `${template.replace('tpl', 't')}%`],
  );
  for (const { datname } of rows) await admin.query(`drop database if exists ${datname} with (force)`);
  await admin.end();
  await embedded?.stop();
}
