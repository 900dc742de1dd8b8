#!/usr/bin/env node
/**
 * The newcomer's path, end to end: `npm start` on a fresh data directory must come up on the
 * embedded PostgreSQL, print the URLs and the platform admin key once, answer the reference's
 * requests, shut down cleanly on SIGINT, and on a second start print no key.
 * Run by .ci/run; needs `npm install` done. Exits non-zero on the first failure.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const assert = require('node:assert/strict');

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-smoke-'));
if (process.getuid?.() === 0) fs.chmodSync(dataDir, 0o711);

function start() {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: path.resolve(__dirname, '..'),
    env: { ...process.env, PORT: '0', TENANTRY_DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: '' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 120 s:\n${output}`)), 120_000);
    const onData = (chunk) => {
      output += chunk;
      const m = /REST:\s+(http:\/\/\S+)\/api\/v1/.exec(output);
      if (m) {
        clearTimeout(timer);
        // Give the key line (printed right after) a moment to arrive.
        setTimeout(() => resolve(m[1]), 300);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited (${code}) before listening:\n${output}`)));
  });
  const stop = () =>
    new Promise((resolve) => {
      child.on('exit', resolve);
      process.kill(-child.pid, 'SIGINT');
    });
  return { ready, stop, output: () => output };
}

async function json(base, method, url, { key, body } = {}) {
  const res = await fetch(base + url, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

async function main() {
  const first = start();
  const base = await first.ready;
  const adminLine = /^Platform admin key: (\S+)$/m.exec(first.output());
  assert.ok(adminLine, `first start prints the platform admin key:\n${first.output()}`);
  assert.match(first.output(), /GraphQL: http:\/\/\S+\/graphql/);

  const reg = await json(base, 'POST', '/api/v1/tenants', {
    body: { name: 'My AI Company', email: 'developer@example.com', settings: { retention_days: 90, max_conversations_per_user: 50 } },
  });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const key = reg.body.api_key;
  const read = await json(base, 'GET', '/api/v1/tenant', { key });
  assert.equal(read.status, 200);
  assert.equal(read.body.settings.retention_days, 90);
  const patch = await json(base, 'PATCH', '/api/v1/tenant', { key, body: { settings: { retention_days: 180 } } });
  assert.equal(patch.body.settings.max_conversations_per_user, 50);
  const created = await json(base, 'POST', '/api/v1/api-keys', { key, body: { name: 'Read-Only', scopes: ['memory:read'] } });
  assert.equal(created.status, 201);
  const denied = await json(base, 'GET', '/api/v1/tenant', { key: created.body.api_key });
  assert.deepEqual(denied, { status: 403, body: { error: 'Forbidden', message: 'API key lacks required scope: tenant:read', requiredScope: 'tenant:read' } });
  const anonymous = await json(base, 'GET', '/api/v1/tenant');
  assert.deepEqual(anonymous, { status: 401, body: { error: 'Unauthorized', message: 'Missing or invalid API key' } });
  const sandbox = await fetch(base + '/graphql', { headers: { accept: 'text/html' } });
  assert.equal(sandbox.status, 200, 'development mode serves the Sandbox landing page');
  const docs = await fetch(base + '/docs/');
  assert.equal(docs.status, 200, 'Swagger UI answers at /docs');
  const openapi = await json(base, 'GET', '/openapi.json');
  assert.equal(openapi.body.openapi, '3.1.0');
  // `npm start` built the console; a tenant owner given a password signs in to it.
  assert.match(first.output(), /Console: http:\/\/\S+\/console/);
  const consolePage = await fetch(base + '/console/tenants');
  assert.equal(consolePage.status, 200, 'the console is built and served');
  assert.match(await consolePage.text(), /<div id="root">/);
  const login = { email: 'developer@example.com', password: 'a long owner password' };
  const owner = await json(base, 'POST', '/api/v1/console-logins', { key, body: login });
  assert.equal(owner.status, 200, JSON.stringify(owner.body));
  const signIn = await fetch(base + '/console/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenantry-console': '1' },
    body: JSON.stringify(login),
  });
  assert.equal(signIn.status, 200);
  assert.match(signIn.headers.get('set-cookie') ?? '', /; HttpOnly; SameSite=Strict/);
  const ready = await json(base, 'GET', '/readyz');
  assert.equal(ready.status, 200);
  await first.stop();

  const second = start();
  const base2 = await second.ready;
  assert.doesNotMatch(second.output(), /Platform admin key/, 'the key is printed on the first start only');
  const again = await json(base2, 'GET', '/api/v1/tenant', { key });
  assert.equal(again.status, 200, 'data survives a restart');
  await second.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  console.log('smoke: npm start answered the reference requests; restart kept data and printed no key');
}

main().catch((err) => {
  console.error('smoke failed:', err.message);
  process.exit(1);
});
