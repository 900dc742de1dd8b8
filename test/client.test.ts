import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors';
import {
  ApiKeysDocument,
  AuditEventsDocument,
  CheckLimitDocument,
  CheckPermissionDocument,
  ConsumeLimitDocument,
  CreateApiKeyDocument,
  CreateRoleDocument,
  CreateWebhookDocument,
  DeleteSecretDocument,
  EventCatalogDocument,
  EventsDocument,
  LimitUsageDocument,
  PublishEventDocument,
  RegisterTenantDocument,
  RevokeApiKeyDocument,
  RotateApiKeyDocument,
  SaveTenantConfigDocument,
  SecretsDocument,
  SecretValueDocument,
  SERVER_ERROR_CODES,
  SetResourceLimitsDocument,
  SetTenantSettingDocument,
  SetUserRolesDocument,
  StoreSecretDocument,
  TenantDocument,
  TenantryClient,
  TenantryError,
  TenantsDocument,
  TenantSettingsDocument,
  UpdateTenantDocument,
  UsageSummaryDocument,
  WebhooksDocument,
  type TenantQuery,
} from '../src/client';
import { uniqueEmail, useHarness } from './support/harness';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..');

// Statements wait on row locks for at most 1.5 s, so a held lock shows the client a real 503.
const h = useHarness({ TENANTRY_STATEMENT_TIMEOUT_MS: '1500' });
let baseUrl = '';

beforeAll(async () => {
  // A real port: the client speaks HTTP through fetch, as it will in production.
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
});

/** A fresh tenant registered through the client, and a client holding its admin key. */
async function newTenant(name = 'Client Co') {
  const { registerTenant } = await new TenantryClient({ baseUrl }).request(RegisterTenantDocument, { input: { name, email: uniqueEmail() } });
  return { id: registerTenant.tenant.id, key: registerTenant.key, client: new TenantryClient({ baseUrl, apiKey: registerTenant.key }) };
}

/** The error a request fails with; fails the test if it succeeds or throws anything else. */
async function refusal(pending: Promise<unknown>): Promise<TenantryError> {
  const err = await pending.then(
    () => expect.unreachable('the request succeeded'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TenantryError);
  return err as TenantryError;
}

/** A plain HTTP server standing in for what may sit in front of Tenantry (a proxy, a stalled peer). */
async function stub(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('typed client against a live server', () => {
  it('registers, reads and updates the tenant with typed answers', async () => {
    const t = await newTenant('Typed Co');
    const { tenant } = await t.client.request(TenantDocument);
    const typed: TenantQuery['tenant'] = tenant;
    expect(typed).toMatchObject({ id: t.id, name: 'Typed Co', status: 'ACTIVE', plan: 'free' });
    expect(tenant.settings.retention_days).toBe(30);
    expect(tenant.limits.apiCalls).toBeGreaterThan(0);

    const { updateTenant } = await t.client.request(UpdateTenantDocument, { input: { name: 'Typed Co Inc.', settings: { retention_days: 180 } } });
    expect(updateTenant).toMatchObject({ name: 'Typed Co Inc.', settings: { retention_days: 180, batch_size: 10 } });
  });

  it('API keys: create, list, rotate, revoke; each key works or is refused accordingly', async () => {
    const t = await newTenant();
    const { createApiKey } = await t.client.request(CreateApiKeyDocument, { input: { name: 'reader', scopes: ['tenant:read'] } });
    expect(createApiKey.key).toMatch(/^rk_live_/);
    expect(createApiKey.apiKey).toMatchObject({ name: 'reader', scopes: ['tenant:read'], environment: 'LIVE', revokedAt: null });
    const reader = t.client.withApiKey(createApiKey.key);
    expect((await reader.request(TenantDocument)).tenant.id).toBe(t.id);

    const { apiKeys } = await t.client.request(ApiKeysDocument);
    expect(apiKeys.map((k) => k.name)).toContain('reader');

    const { rotateApiKey } = await t.client.request(RotateApiKeyDocument, { id: createApiKey.apiKey.id, graceSeconds: 0 });
    expect(rotateApiKey.previous.replacedById).toBe(rotateApiKey.apiKey.id);
    const rotated = t.client.withApiKey(rotateApiKey.key);
    expect((await rotated.request(TenantDocument)).tenant.id).toBe(t.id);
    expect((await refusal(reader.request(TenantDocument))).code).toBe('UNAUTHENTICATED');

    const { revokeApiKey } = await t.client.request(RevokeApiKeyDocument, { id: rotateApiKey.apiKey.id });
    expect(revokeApiKey.revokedAt).not.toBeNull();
    expect((await refusal(rotated.request(TenantDocument))).code).toBe('UNAUTHENTICATED');
  });

  it('settings, secrets and the gateway configuration', async () => {
    const t = await newTenant();
    await t.client.request(SetTenantSettingDocument, { name: 'CURRENCY', value: 'EUR' });
    expect((await t.client.request(TenantSettingsDocument)).tenantSettings).toEqual([expect.objectContaining({ name: 'CURRENCY', value: 'EUR' })]);

    await t.client.request(StoreSecretDocument, { name: 'STRIPE_SECRET_KEY', value: 'sk_live_123' });
    expect((await t.client.request(SecretsDocument)).secrets.map((s) => s.name)).toEqual(['STRIPE_SECRET_KEY']);
    expect((await t.client.request(SecretValueDocument, { name: 'STRIPE_SECRET_KEY' })).secretValue).toBe('sk_live_123');
    await t.client.request(DeleteSecretDocument, { name: 'STRIPE_SECRET_KEY' });
    expect((await t.client.request(SecretsDocument)).secrets).toEqual([]);

    const { saveTenantConfig } = await t.client.request(SaveTenantConfigDocument, { document: { cache: { enabled: true, ttlSeconds: 60 } } });
    expect(saveTenantConfig.version).toBe(1);
  });

  it('limits: check, consume up to the limit, usage', async () => {
    const t = await newTenant();
    await t.client.request(SetResourceLimitsDocument, { limits: [{ resource: 'documents', metric: 'count', period: 'day', limit: 2 }] });
    const input = { resource: 'documents', metric: 'count' };
    expect((await t.client.request(CheckLimitDocument, { input })).checkLimit).toMatchObject({ allowed: true, remaining: 2, usage: { current: 0, limit: 2 } });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await t.client.request(ConsumeLimitDocument, { input })).consumeLimit);
    expect(answers.map((a) => a.allowed)).toEqual([true, true, false]);
    expect(answers[2].rule).toMatchObject({ resource: 'documents', metric: 'count', period: 'day' });
    const { limitUsage } = await t.client.request(LimitUsageDocument);
    expect(limitUsage).toEqual([expect.objectContaining({ resource: 'documents', current: 2, limit: 2, percentage: 100 })]);
    const { usageSummary } = await t.client.request(UsageSummaryDocument);
    expect(usageSummary.period).toMatch(/^\d{4}-\d{2}$/);
  });

  it('rbac: the check answers with its reason, before and after an assignment', async () => {
    const t = await newTenant();
    const check = async (permission: string) => (await t.client.request(CheckPermissionDocument, { userId: 'user-123', permission })).checkPermission;
    expect(await check('read')).toMatchObject({ allowed: true, role: 'viewer', viaDefaultRole: true });
    expect((await check('write')).allowed).toBe(false);
    await t.client.request(CreateRoleDocument, { input: { name: 'editor', permissions: ['read', 'write'] } });
    await t.client.request(SetUserRolesDocument, { userId: 'user-123', roles: ['editor'] });
    expect(await check('write')).toMatchObject({ allowed: true, role: 'editor', grantedBy: 'editor', viaDefaultRole: false });
  });

  it('webhooks, events and the audit trail', async () => {
    const t = await newTenant();
    const { createWebhook } = await t.client.request(CreateWebhookDocument, { input: { url: 'https://hooks.example.com/tenantry', events: ['memory.ingested'] } });
    expect(createWebhook.secret).toMatch(/^whsec_/);
    expect((await t.client.request(WebhooksDocument)).webhooks).toEqual([expect.objectContaining({ id: createWebhook.webhook.id, source: 'api', enabled: true })]);

    const { publishEvent } = await t.client.request(PublishEventDocument, { type: 'memory.ingested', data: { memory_id: 'm-1' } });
    const { events } = await t.client.request(EventsDocument, { type: 'memory.ingested' });
    expect(events.events).toEqual([expect.objectContaining({ id: publishEvent.id, tenant_id: t.id, data: { memory_id: 'm-1' } })]);
    // Public: no key needed.
    const { eventCatalog } = await new TenantryClient({ baseUrl }).request(EventCatalogDocument);
    expect(eventCatalog.map((e) => e.type)).toContain('tenant.updated');

    const { auditEvents } = await t.client.request(AuditEventsDocument, { filter: { action: 'webhook.created' } });
    expect(auditEvents.edges.map((e) => e.node)).toEqual([expect.objectContaining({ targetId: createWebhook.webhook.id, actorType: 'key' })]);
  });

  it('an operator key acts on the tenant named by tenantId (X-Tenant-ID)', async () => {
    const [a, b] = [await newTenant('Operated A'), await newTenant('Operated B')];
    const apiKey = await h.operatorKey();
    const onB = new TenantryClient({ baseUrl, apiKey, tenantId: b.id });
    expect((await onB.request(TenantDocument)).tenant.name).toBe('Operated B');
    const operator = new TenantryClient({ baseUrl, apiKey });
    expect((await operator.forTenant(a.id).request(TenantDocument)).tenant.name).toBe('Operated A');
    const { tenants } = await operator.request(TenantsDocument, { filter: { search: 'Operated' } });
    expect(tenants.edges.map((e) => e.node.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    // A tenant key may not name another tenant.
    const err = await refusal(a.client.forTenant(b.id).request(TenantDocument));
    expect(err.code).toBe('FORBIDDEN');
  });
});

describe('errors carry the GraphQL code and its details', () => {
  it('no key: UNAUTHENTICATED', async () => {
    const err = await refusal(new TenantryClient({ baseUrl }).request(TenantDocument));
    expect(err).toMatchObject({ name: 'TenantryError', code: 'UNAUTHENTICATED', message: 'Missing or invalid API key', operationName: 'Tenant', status: 200 });
    expect(err.errors).toHaveLength(1);
  });

  it('wrong scope: FORBIDDEN naming the required scope', async () => {
    const t = await newTenant();
    const { createApiKey } = await t.client.request(CreateApiKeyDocument, { input: { name: 'reader', scopes: ['tenant:read'] } });
    const err = await refusal(t.client.withApiKey(createApiKey.key).request(ApiKeysDocument));
    expect(err).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'tenant:admin', message: 'API key lacks required scope: tenant:admin' });
  });

  it('bad input: BAD_USER_INPUT with the field and every problem', async () => {
    const t = await newTenant();
    const err = await refusal(t.client.request(UpdateTenantDocument, { input: { settings: { retention_days: 0, batch_size: 0 } } }));
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.field).toBe('settings.retention_days');
    expect(err.problems.map((p) => p.field).sort()).toEqual(['settings.batch_size', 'settings.retention_days']);
  });

  it('NOT_FOUND, and a document the schema refuses (GRAPHQL_VALIDATION_FAILED, HTTP 400)', async () => {
    const t = await newTenant();
    expect((await refusal(t.client.request(RevokeApiKeyDocument, { id: '00000000-0000-4000-8000-000000000000' }))).code).toBe('NOT_FOUND');
    const err = await refusal(t.client.request('query Nope { tenant { noSuchField } }'));
    expect(err).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', status: 400, operationName: 'Nope' });
  });

  it("the tenant's own rate limit: RATE_LIMITED with retryAfter", async () => {
    const t = await newTenant();
    await t.client.request(SaveTenantConfigDocument, { document: { rateLimit: { enabled: true, default: { max: 2, windowMs: 60_000 } } } });
    let err: TenantryError | undefined;
    for (let i = 0; i < 5 && !err; i++) err = await t.client.request(TenantDocument).then(() => undefined, (e: TenantryError) => e);
    expect(err).toBeInstanceOf(TenantryError);
    expect(err!.code).toBe('RATE_LIMITED');
    expect(err!.retryAfter).toBeGreaterThan(0);
  });

  it('a database that does not answer in time: SERVICE_UNAVAILABLE with retryAfter (HTTP 503)', async () => {
    const t = await newTenant();
    const holder = new Client({ connectionString: h.ownerUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from tenants where id = $1 for no key update', [t.id]);
      const err = await refusal(t.client.request(UpdateTenantDocument, { input: { name: 'Blocked' } }));
      expect(err).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, retryAfter: 5 });
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
    expect((await t.client.request(UpdateTenantDocument, { input: { name: 'After' } })).updateTenant.name).toBe('After');
  });

  it("the client's codes for the server's errors are the server's", () => {
    expect([...SERVER_ERROR_CODES].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});

describe('transport', () => {
  it('sends the key, X-Tenant-ID and extra headers through a custom fetch', async () => {
    const seen: Headers[] = [];
    const client = new TenantryClient({
      baseUrl: `${baseUrl}/`,
      apiKey: 'rk_live_not-a-key',
      tenantId: '00000000-0000-4000-8000-000000000000',
      headers: { 'x-request-id': 'client-test-1' },
      fetch: (input, init) => {
        seen.push(new Headers(init?.headers));
        return fetch(input, init);
      },
    });
    expect(client.endpoint).toBe(`${baseUrl}/graphql`);
    expect((await refusal(client.request(TenantDocument))).code).toBe('UNAUTHENTICATED');
    expect(seen).toHaveLength(1);
    expect(Object.fromEntries(seen[0])).toMatchObject({
      authorization: 'Bearer rk_live_not-a-key',
      'x-tenant-id': '00000000-0000-4000-8000-000000000000',
      'x-request-id': 'client-test-1',
      'content-type': 'application/json',
    });
  });

  it('a server that never answers: TIMEOUT; the caller aborting: ABORTED', async () => {
    const silent = await stub(() => {});
    try {
      const client = new TenantryClient({ baseUrl: silent.url, timeoutMs: 200 });
      const started = Date.now();
      expect((await refusal(client.request(TenantDocument))).code).toBe('TIMEOUT');
      expect(Date.now() - started).toBeLessThan(2000);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      expect((await refusal(client.request(TenantDocument, {}, { signal: controller.signal, timeoutMs: 0 }))).code).toBe('ABORTED');
    } finally {
      await silent.close();
    }
  });

  it('an answer that is not GraphQL takes its code from the status; nothing listening: NETWORK_ERROR', async () => {
    const proxy = await stub((_req, res) => res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '7' }).end('<h1>Maintenance</h1>'));
    try {
      const err = await refusal(new TenantryClient({ baseUrl: proxy.url }).request(TenantDocument));
      expect(err).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, retryAfter: 7, errors: [] });
    } finally {
      await proxy.close();
    }
    // The port the closed stub held answers nothing now.
    const err = await refusal(new TenantryClient({ baseUrl: proxy.url }).request(TenantDocument));
    expect(err.code).toBe('NETWORK_ERROR');
    expect(err.message).toMatch(/ECONNREFUSED/);
  });
});

describe('the package export', () => {
  let dir = '';
  afterAll(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it("installed as a dependency, require('tenantry/client') and import from 'tenantry/client' load the built client with its types", { timeout: 90_000 }, async () => {
    // A consumer project with Tenantry in its node_modules, built by the client's own tsconfig the
    // way `npm run build` builds it, plus the one package the client's declarations import.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-client-'));
    const pkg = path.join(dir, 'node_modules', 'tenantry');
    fs.mkdirSync(pkg, { recursive: true });
    fs.copyFileSync(path.join(root, 'package.json'), path.join(pkg, 'package.json'));
    for (const dep of ['@graphql-typed-document-node', '@types']) fs.symlinkSync(path.join(root, 'node_modules', dep), path.join(dir, 'node_modules', dep), 'dir');
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.client.json'), '--emitDeclarationOnly', 'false', '--outDir', path.join(pkg, 'dist')]);

    // The client carries none of the server with it.
    const dist = path.join(pkg, 'dist');
    const emitted = fs.readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dist, f)).isFile());
    expect(emitted.every((f) => f.startsWith(path.join('src', 'client')))).toBe(true);
    const { exports } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    for (const target of Object.values<string>(exports['./client'])) expect(emitted).toContain(path.relative('dist', target));

    const cjs = await run(process.execPath, ['-e', "const c = require('tenantry/client'); console.log(typeof c.TenantryClient, String(c.TenantDocument).includes('query Tenant'))"], { cwd: dir });
    expect(cjs.stdout.trim()).toBe('function true');
    const esm = await run(process.execPath, ['--input-type=module', '-e', "import { TenantryClient, TenantryError } from 'tenantry/client'; console.log(typeof TenantryClient, typeof TenantryError)"], { cwd: dir });
    expect(esm.stdout.trim()).toBe('function function');

    // Types resolve for both current (node16, via "exports") and older (node10, via
    // "typesVersions") resolution, and they are strict enough to refuse mistakes.
    fs.writeFileSync(
      path.join(dir, 'consumer.ts'),
      [
        "import { TenantryClient, TenantryError, TenantDocument, CreateApiKeyDocument } from 'tenantry/client';",
        "const client = new TenantryClient({ baseUrl: 'http://localhost:3000', apiKey: 'rk_live_x' });",
        'export async function main(): Promise<string> {',
        '  const { tenant } = await client.request(TenantDocument);',
        "  const created = await client.request(CreateApiKeyDocument, { input: { name: 'ci', scopes: ['tenant:read'] } });",
        '  // @ts-expect-error the input is required',
        '  await client.request(CreateApiKeyDocument);',
        '  // @ts-expect-error not selected by the operation',
        '  void tenant.nope;',
        '  try { return tenant.name + created.createApiKey.key; } catch (e) { return e instanceof TenantryError ? (e.requiredScope ?? e.code) : String(e); }',
        '}',
      ].join('\n'),
    );
    const typecheck = (moduleKind: string, resolution: string) =>
      run(process.execPath, [tsc, '--noEmit', '--strict', '--types', 'node', '--module', moduleKind, '--moduleResolution', resolution, '--target', 'es2022', path.join(dir, 'consumer.ts')], { cwd: dir }).catch((e) => {
        throw new Error(`consumer typecheck (${resolution}) failed: ${e.stdout}${e.stderr}`);
      });
    await Promise.all([typecheck('node16', 'node16'), typecheck('commonjs', 'node10')]);
  });
});
