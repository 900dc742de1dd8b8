import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { createServices } from '../src/services';
import { FAILURES_PER_EMAIL } from '../src/modules/sessions/session.service';
import { uniqueEmail, useHarness, type Registered } from './support/harness';
import { CurrentTenant, SetOwnerPassword } from './support/operations';

// A stand-in for the built console: these tests are about serving it, not about what it shows.
const consoleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-console-'));
fs.mkdirSync(path.join(consoleDir, 'assets'));
fs.writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/console/assets/app-1234.js"></script>');
fs.writeFileSync(path.join(consoleDir, 'assets', 'app-1234.js'), 'console.log("hi")');

// Each test signs in from its own address (X-Forwarded-For, trusted here), so the per-address
// limit of one test does not leak into the next.
const h = useHarness({ TENANTRY_TRUST_PROXY: 'true', TENANTRY_LOGIN_ATTEMPTS_PER_MINUTE: '5', TENANTRY_CONSOLE_DIR: consoleDir });
const PASSWORD = 'correct horse battery staple';
const CONSOLE = { 'x-tenantry-console': '1' };
const auth = (key: string) => ({ authorization: `Bearer ${key}` });
let address = 0;
const newAddress = () => `198.51.100.${++address}`;

const TenantById = parse('query ($id: UUID!) { tenantById(id: $id) { id name } }');
const ConsoleApiKeys = parse('query { apiKeys { id name } }');

async function ownerOf(t: Registered, email = uniqueEmail(), password = PASSWORD): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/console-logins', headers: auth(t.key), payload: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  return email;
}

function signIn(email: string, password = PASSWORD, ip = newAddress(), extra: Partial<InjectOptions> = {}) {
  return h.app.inject({ method: 'POST', url: '/console/auth/login', headers: { ...CONSOLE, 'x-forwarded-for': ip }, payload: { email, password }, ...extra });
}

function sessionCookie(res: LightMyRequestResponse): string {
  const header = String(res.headers['set-cookie']);
  const match = /^(tenantry_session|__Host-tenantry_session)=([^;]*)/.exec(header);
  if (!match) throw new Error(`no session cookie in ${header}`);
  return `${match[1]}=${match[2]}`;
}

async function asSession(cookie: string, doc: Parameters<typeof print>[0], variables?: unknown, headers: Record<string, string> = {}) {
  const res = await h.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', cookie, ...CONSOLE, ...headers },
    payload: { query: print(doc), variables },
  });
  return res.json() as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
}

describe('console sign-in', () => {
  it('signs an owner in with an HttpOnly, SameSite=Strict session cookie that acts as the tenant', async () => {
    const t = await h.register({ name: 'Owned' });
    const email = await ownerOf(t, uniqueEmail().toUpperCase());
    const res = await signIn(email.toLowerCase());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ email: email.toLowerCase(), role: 'owner', tenantId: t.tenantId });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^tenantry_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    // Not Secure outside production (plain http on localhost); see the production test below.
    expect(cookie).not.toMatch(/Secure/);

    const me = await h.app.inject({ url: '/console/auth/me', headers: { cookie: sessionCookie(res), ...CONSOLE } });
    expect(me.json()).toEqual({ email: email.toLowerCase(), role: 'owner', tenantId: t.tenantId });
    const tenant = await asSession(sessionCookie(res), CurrentTenant);
    expect(tenant.errors).toBeUndefined();
    expect(tenant.data.tenant).toMatchObject({ id: t.tenantId, name: 'Owned' });
  });

  it('stores only a digest of the token, and audits the sign-in with the person as actor', async () => {
    const t = await h.register();
    const email = await ownerOf(t);
    const res = await signIn(email);
    const token = sessionCookie(res).split('=')[1];
    const rows = await h.sql<{ digest: string; tenant_id: string; expires_at: Date }>('select digest, tenant_id, expires_at from console_sessions where tenant_id = ?', [t.tenantId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].digest).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(await h.sql('select * from console_sessions'))).not.toContain(token);
    expect(JSON.stringify(await h.sql('select * from console_logins'))).not.toContain(PASSWORD);
    const [event] = await h.sql<{ actor_type: string; actor_key_id: string; tenant_id: string }>(`select * from audit_events where action = 'console.signed_in' and tenant_id = ?`, [t.tenantId]);
    const [login] = await h.sql<{ id: string }>('select id from console_logins where email = ?', [email]);
    expect(event).toMatchObject({ actor_type: 'owner', actor_key_id: login.id, tenant_id: t.tenantId });
  });

  it('answers 401 for a wrong password and an unknown email alike', async () => {
    const t = await h.register();
    const email = await ownerOf(t);
    const wrong = await signIn(email, 'not the password at all');
    const unknown = await signIn(uniqueEmail(), PASSWORD);
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'Unauthorized', message: 'Wrong email or password' });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('refuses sign-in without the console header (a cross-site form cannot send one)', async () => {
    const t = await h.register();
    const email = await ownerOf(t);
    const res = await h.app.inject({ method: 'POST', url: '/console/auth/login', payload: { email, password: PASSWORD } });
    expect(res.statusCode).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('ignores the cookie on a request without the console header', async () => {
    const t = await h.register();
    const cookie = sessionCookie(await signIn(await ownerOf(t)));
    const res = await h.app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', cookie }, payload: { query: print(CurrentTenant) } });
    expect(res.json().errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const rest = await h.app.inject({ url: '/api/v1/tenant', headers: { cookie } });
    expect(rest.statusCode).toBe(401);
  });

  it('limits attempts per client address (429 with Retry-After), before any password is checked', async () => {
    const ip = newAddress();
    const email = uniqueEmail();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await signIn(email, 'wrong password!', ip)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const limited = await signIn(email, 'wrong password!', ip);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().error).toBe('Too Many Requests');
  });

  it('limits failed sign-ins per email from any address; the right password then waits too', async () => {
    const t = await h.register();
    const email = await ownerOf(t);
    for (let i = 0; i < FAILURES_PER_EMAIL; i++) expect((await signIn(email, 'wrong password!')).statusCode).toBe(401);
    const res = await signIn(email, PASSWORD);
    expect(res.statusCode).toBe(429);
    expect(res.json().message).toMatch(/failed sign-ins for this email/);
  });

  it('counts guesses sent at once: no more than the limit are ever checked', async () => {
    const t = await h.register();
    const email = await ownerOf(t);
    const answers = await Promise.all(Array.from({ length: FAILURES_PER_EMAIL + 6 }, () => signIn(email, 'wrong password!')));
    const statuses = answers.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401).length).toBe(FAILURES_PER_EMAIL);
    expect(statuses.filter((s) => s === 429).length).toBe(6);
  });

  it('is made only by a live key that does not expire: a test or expiring key cannot mint a session', async () => {
    const t = await h.register();
    const create = async (payload: object) =>
      (await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(t.key), payload: { name: 'k', scopes: ['tenant:admin'], ...payload } })).json().api_key as string;
    const keys = [await create({ environment: 'test' }), await create({ expires_at: new Date(Date.now() + 3600_000).toISOString() })];
    for (const key of keys) {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/console-logins', headers: auth(key), payload: { email: uniqueEmail(), password: PASSWORD } });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().message).toMatch(/live API key that does not expire/);
    }
  });

  it('signs out: the session row is deleted, the cookie cleared, the old cookie refused', async () => {
    const t = await h.register();
    const cookie = sessionCookie(await signIn(await ownerOf(t)));
    const out = await h.app.inject({ method: 'POST', url: '/console/auth/logout', headers: { cookie, ...CONSOLE } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^tenantry_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
    expect(await h.sql('select id from console_sessions where tenant_id = ?', [t.tenantId])).toEqual([]);
    const after = await asSession(cookie, CurrentTenant);
    expect(after.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(after.errors?.[0].message).toMatch(/Session expired or signed out/);
    expect((await h.sql(`select action from audit_events where tenant_id = ? and action like 'console.%' order by created_at`, [t.tenantId])).map((e) => e.action)).toEqual([
      'console.signed_in',
      'console.signed_out',
    ]);
  });

  it('refuses an expired session', async () => {
    const t = await h.register();
    const cookie = sessionCookie(await signIn(await ownerOf(t)));
    expect((await asSession(cookie, CurrentTenant)).errors).toBeUndefined();
    await h.sql(`update console_sessions set expires_at = now() - interval '1 second' where tenant_id = ?`, [t.tenantId]);
    const res = await asSession(cookie, CurrentTenant);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const me = await h.app.inject({ url: '/console/auth/me', headers: { cookie, ...CONSOLE } });
    expect(me.statusCode).toBe(401);
  });

  it("confines a session of tenant A to A: B's tenant, keys and X-Tenant-ID stay out of reach", async () => {
    const a = await h.register();
    const b = await h.register({ name: 'Victim' });
    const cookie = sessionCookie(await signIn(await ownerOf(a)));
    const byId = await asSession(cookie, TenantById, { id: b.tenantId });
    expect(byId.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const named = await asSession(cookie, ConsoleApiKeys, undefined, { 'x-tenant-id': b.tenantId });
    expect(named.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const own = await asSession(cookie, ConsoleApiKeys);
    const [bKey] = await h.sql<{ id: string }>('select id from api_keys where tenant_id = ?', [b.tenantId]);
    expect(own.data.apiKeys.map((k: { id: string }) => k.id)).not.toContain(bKey.id);
    const revoke = await h.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', cookie, ...CONSOLE },
      payload: { query: `mutation { revokeApiKey(id: "${bKey.id}") { id } }` },
    });
    expect(revoke.json().errors[0].extensions.code).toBe('NOT_FOUND');
    const [still] = await h.sql<{ revoked_at: Date | null }>('select revoked_at from api_keys where id = ?', [bKey.id]);
    expect(still.revoked_at).toBeNull();
  });

  it('refuses an email that already signs in for another tenant, and ends sessions on a new password', async () => {
    const a = await h.register();
    const b = await h.register();
    const email = await ownerOf(a);
    const taken = await h.gql(SetOwnerPassword, { input: { email, password: PASSWORD } }, b.key);
    expect(taken.errors?.[0].extensions?.code).toBe('CONFLICT');
    const cookie = sessionCookie(await signIn(email));
    await ownerOf(a, email, 'another long password');
    expect((await asSession(cookie, CurrentTenant)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await signIn(email, PASSWORD)).statusCode).toBe(401);
    expect((await signIn(email, 'another long password')).statusCode).toBe(200);
  });

  it('validates passwords: at least 12 characters, at most 72 bytes', async () => {
    const t = await h.register();
    for (const password of ['short', 'é'.repeat(37)]) {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/console-logins', headers: auth(t.key), payload: { email: uniqueEmail(), password } });
      expect(res.statusCode).toBe(400);
      expect(res.json().field).toBe('password');
    }
  });

  it("refuses a suspended tenant's owner, and ends its sessions' access", async () => {
    const t = await h.register();
    const email = await ownerOf(t);
    const cookie = sessionCookie(await signIn(email));
    const op = await h.operatorKey();
    await h.app.inject({ method: 'POST', url: `/api/v1/tenants/${t.tenantId}/suspend`, headers: auth(op) });
    expect((await asSession(cookie, CurrentTenant)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const res = await signIn(email);
    expect(res.statusCode).toBe(403);
  });

  it('signs an operator in with platform:admin: every tenant, and one by X-Tenant-ID', async () => {
    const op = await h.operatorKey();
    const t = await h.register({ name: 'Seen by operator' });
    const email = uniqueEmail();
    const set = await h.app.inject({ method: 'POST', url: '/api/v1/operator-logins', headers: auth(op), payload: { email, password: PASSWORD } });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ email, role: 'operator', tenant_id: null });
    const res = await signIn(email);
    expect(res.json()).toEqual({ email, role: 'operator', tenantId: null });
    const cookie = sessionCookie(res);
    const byId = await asSession(cookie, TenantById, { id: t.tenantId });
    expect(byId.data.tenantById.name).toBe('Seen by operator');
    const keys = await asSession(cookie, ConsoleApiKeys, undefined, { 'x-tenant-id': t.tenantId });
    expect(keys.errors).toBeUndefined();
    expect(keys.data.apiKeys.length).toBeGreaterThan(0);
    // A tenant key cannot make operator logins.
    const refused = await h.app.inject({ method: 'POST', url: '/api/v1/operator-logins', headers: auth(t.key), payload: { email: uniqueEmail(), password: PASSWORD } });
    expect(refused.statusCode).toBe(403);
  });

  it('in production the cookie is Secure and __Host- prefixed', async () => {
    const config = { ...h.config, production: true, bcryptCost: 4 };
    const services = createServices(h.orm, config, () => {});
    const app = await buildApp(services);
    try {
      const t = await h.register();
      const email = await ownerOf(t);
      const res = await app.inject({ method: 'POST', url: '/console/auth/login', headers: { ...CONSOLE, 'x-forwarded-for': newAddress() }, payload: { email, password: PASSWORD } });
      expect(String(res.headers['set-cookie'])).toMatch(/^__Host-tenantry_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
      // The plain name is not read in production: a cookie planted over http does not count.
      const plain = sessionCookie(res).replace('__Host-', '');
      const me = await app.inject({ url: '/console/auth/me', headers: { cookie: plain, ...CONSOLE } });
      expect(me.statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});

describe('serving the console', () => {
  it('answers every page of the app with index.html under a strict CSP, and assets as immutable files', async () => {
    for (const url of ['/console', '/console/', '/console/tenants', '/console/t/abc/keys']) {
      const res = await h.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['cache-control']).toBe('no-cache');
    }
    const asset = await h.app.inject({ url: '/console/assets/app-1234.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toMatch(/immutable/);
    expect((await h.app.inject({ url: '/console/assets/missing.js' })).statusCode).toBe(404);
    expect((await h.app.inject({ url: '/console/../package.json' })).statusCode).not.toBe(200);
    expect((await h.app.inject({ url: '/console/assets/..%2f..%2findex.html' })).statusCode).not.toBe(200);
  });

  it('answers 503 naming the fix when the console is not built', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-console-empty-'));
    const services = createServices(h.orm, { ...h.config, consoleDir: empty }, () => {});
    const app = await buildApp(services);
    try {
      const res = await app.inject({ url: '/console/tenants' });
      expect(res.statusCode).toBe(503);
      expect(res.json().message).toMatch(/npm run build/);
    } finally {
      await app.close();
    }
  });

  it('is off with TENANTRY_CONSOLE=false', async () => {
    const services = createServices(h.orm, { ...h.config, console: false }, () => {});
    const app = await buildApp(services);
    try {
      expect((await app.inject({ url: '/console' })).statusCode).toBe(404);
      expect((await app.inject({ method: 'POST', url: '/console/auth/login', headers: CONSOLE, payload: {} })).statusCode).toBe(404);
      // A session made while it was on counts for nothing once it is off.
      const t = await h.register();
      const cookie = sessionCookie(await signIn(await ownerOf(t)));
      const res = await app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', cookie, ...CONSOLE },
        payload: { query: print(CurrentTenant) },
      });
      expect(res.json().errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await app.close();
    }
  });
});
