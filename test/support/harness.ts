import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import { print, type DocumentNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { withDatabase } from './db-url';
import { afterAll, beforeAll, inject } from 'vitest';
import { buildApp } from '../../src/app';
import { generateKey } from '../../src/auth/key-format';
import { loadConfig, type Config } from '../../src/config';
import { initOrm } from '../../src/db/orm';
import { createServices, type Services } from '../../src/services';


export interface Registered {
  tenantId: string;
  key: string;
  body: Record<string, any>;
}

export interface GqlResult<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
}

export interface Harness {
  app: FastifyInstance;
  services: Services;
  orm: MikroORM;
  config: Config;
  /** Registers a fresh tenant over REST and returns its admin key. */
  register(body?: Record<string, unknown>): Promise<Registered>;
  /** A key of `tenant` with exactly these scopes. */
  keyWith(tenant: Registered, scopes: string[]): Promise<string>;
  /** A fresh operator key (`platform:admin`). */
  operatorKey(): Promise<string>;
  gql<T, V>(doc: TypedDocumentNode<T, V> | DocumentNode, variables?: V, key?: string, headers?: Record<string, string>): Promise<GqlResult<T>>;
  sql<T = Record<string, any>>(text: string, params?: unknown[]): Promise<T[]>;
  /** As the login that owns the tables: DDL, and views (other sessions' activity) the application's role is not shown. */
  ownerSql<T = Record<string, any>>(text: string, params?: unknown[]): Promise<T[]>;
  /** The test database's address for the login that owns the tables. */
  ownerUrl: string;
}

let counter = 0;
export const uniqueEmail = () => `t${Date.now()}${counter++}${randomBytes(3).toString('hex')}@example.com`;

/**
 * Boots the real app on a database of its own (cloned from the run's migrated template), for one
 * test file. Nothing is mocked: requests go through Fastify with `inject`, data into PostgreSQL.
 */
export function useHarness(env: Record<string, string> = {}): Harness {
  const { adminUrl, template } = inject('database');
  const database = `${template.replace('tpl', 't')}_${randomBytes(4).toString('hex')}`;
  const h = {} as Harness;

  beforeAll(async () => {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${database} template ${template}`);
    await admin.end();
    // Registration and console sign-in are rate-limited per address and every test comes from
    // one: tests of the limits themselves set their own figures.
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      TENANTRY_REGISTRATIONS_PER_HOUR: '0',
      TENANTRY_LOGIN_ATTEMPTS_PER_MINUTE: '0',
      // Console passwords: the lowest bcrypt cost, so tests that set one stay fast (production
      // refuses it, so tests of production mode keep the default).
      ...(env.NODE_ENV === 'production' ? {} : { TENANTRY_BCRYPT_COST: '4' }),
      TENANTRY_MASTER_KEY: randomBytes(32).toString('base64'),
      ...env,
    });
    const orm = await initOrm({ url: withDatabase(adminUrl, database), poolMax: 5, statementTimeoutMs: config.statementTimeoutMs, acquireTimeoutMs: config.poolTimeoutMs });
    const services = createServices(orm, config, (err) => {
      throw err;
    });
    const app = await buildApp(services);
    Object.assign(h, { app, services, orm, config });
  });

  afterAll(async () => {
    await h.app?.close();
    await h.orm?.close();
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  });

  h.register = async (body = {}) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      payload: { name: 'Test Tenant', email: uniqueEmail(), ...body },
    });
    if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
    const json = res.json();
    return { tenantId: json.tenant_id, key: json.api_key, body: json };
  };

  h.keyWith = async (tenant, scopes) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { authorization: `Bearer ${tenant.key}` },
      payload: { name: `key ${scopes.join(' ')}`, scopes },
    });
    if (res.statusCode !== 201) throw new Error(`key creation failed: ${res.statusCode} ${res.body}`);
    return res.json().api_key;
  };

  h.operatorKey = async () => {
    const key = generateKey(h.config.keyPrefix, 'live').key;
    await createServices(h.orm, { ...h.config, adminKey: key }, () => {}).apiKeys.ensurePlatformKey();
    return key;
  };

  h.gql = async (doc, variables, key, headers = {}) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      payload: { query: print(doc), variables },
    });
    return { status: res.statusCode, ...res.json() };
  };

  h.ownerUrl = withDatabase(adminUrl, database);
  h.ownerSql = async (text, params = []) => {
    const owner = new Client({ connectionString: h.ownerUrl });
    await owner.connect();
    try {
      return (await owner.query(text, params)).rows;
    } finally {
      await owner.end();
    }
  };

  h.sql = async (text, params = []) => {
    return h.orm.em.getConnection().execute(text, params as any[]) as any;
  };

  return h;
}
