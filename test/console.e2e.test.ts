import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../src/paths';
import { uniqueEmail, useHarness, type Registered } from './support/harness';

/**
 * The admin console end to end: the real build, served by the real app on a real port, driven
 * in Debian's Chromium by playwright-core. One browser session walks the pages a person would;
 * a screenshot of each lands in test-artifacts/console/.
 */
const CHROMIUM = '/usr/bin/chromium';
// As the machine notes say: no sandbox as root, and none of Chromium's own calls home (the
// network is closed, and its retries would only slow the test down).
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = path.join(projectRoot(), 'test-artifacts', 'console');
const PASSWORD = 'an owner password of some length';
const WAIT = { timeout: 15_000 };

const haveChromium = fs.existsSync(CHROMIUM);
// CI installs Chromium (.ci/run); elsewhere its absence skips this file rather than failing it.
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);

const consoleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-console-build-'));

// Before the harness builds the app: the console plugin serves what is built when it registers.
beforeAll(() => {
  if (!haveChromium) return;
  const vite = path.join(projectRoot(), 'node_modules', 'vite', 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', '--config', 'console/vite.config.ts', '--outDir', consoleDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: projectRoot(),
    stdio: 'inherit',
  });
}, 120_000);

const h = useHarness({ TENANTRY_CONSOLE_DIR: consoleDir });
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

let browser: Browser;
let page: Page;
let base = '';
let tenant: Registered;
let ownerEmail = '';
/** The UTC day whose usage was tracked through the API: the charts below assert "today". */
let trackedDay = '';

/** Today's usage, through the API: 64,000 of 100,000 tokens this month, 870 of 1,000 calls today. */
async function trackToday() {
  for (const [resource, metric, amount] of [['llm', 'tokens', 64000], ['api', 'calls', 870]] as const) {
    const tracked = await h.app.inject({ method: 'POST', url: '/tenant/limits/resources/track', headers: auth(tenant.key), payload: { resource, metric, amount } });
    expect(tracked.statusCode, tracked.body).toBe(200);
  }
  trackedDay = new Date().toISOString().slice(0, 10);
}

async function shot(name: string): Promise<void> {
  // Fonts and charts settle within a frame or two of the data arriving.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function signIn(email: string, password: string): Promise<void> {
  await page.goto(`${base}/console`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-as').filter({ hasText: email }).waitFor(WAIT);
}

async function nav(name: string, heading: string): Promise<void> {
  await page.locator('.sidebar').getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor(WAIT);
}

describe.skipIf(!haveChromium)('admin console in Chromium', () => {
  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(h.app.server.address() as { port: number }).port}`;

    tenant = await h.register({ name: 'Acme Robotics' });
    ownerEmail = uniqueEmail();
    const set = await h.app.inject({ method: 'POST', url: '/api/v1/console-logins', headers: auth(tenant.key), payload: { email: ownerEmail, password: PASSWORD } });
    expect(set.statusCode, set.body).toBe(200);

    // A month of usage to chart: past days straight into the daily totals, today through the API.
    const today = new Date();
    for (let d = 1; d < today.getUTCDate(); d++) {
      const day = `${today.toISOString().slice(0, 8)}${String(d).padStart(2, '0')}`;
      await h.sql(`insert into usage_daily (tenant_id, day, resource, metric, shard, value) values (?, ?, 'api', 'calls', 0, ?), (?, ?, 'llm', 'tokens', 0, ?)`, [
        tenant.tenantId, day, 200 + ((d * 137) % 400), tenant.tenantId, day, 1000 + ((d * 7919) % 5000),
      ]);
    }
    const limits = await h.app.inject({
      method: 'PUT',
      url: '/tenant/limits/resources',
      headers: auth(tenant.key),
      payload: [
        { resource: 'llm', metric: 'tokens', period: 'month', limit: 100000 },
        { resource: 'api', metric: 'calls', period: 'day', limit: 1000 },
      ],
    });
    expect(limits.statusCode, limits.body).toBe(200);
    await trackToday();
    // An endpoint with a delivery in its log.
    await h.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(tenant.key), payload: { url: 'https://hooks.example.com/acme', events: ['api_key.*'] } });
    await h.app.inject({ method: 'POST', url: '/tenant/rbac/roles', headers: auth(tenant.key), payload: { name: 'editor', description: 'Edits documents', permissions: ['documents:read', 'documents:write'] } });

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('dialog', (dialog) => void dialog.accept());
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('signs a tenant owner in and shows the tenant overview', async () => {
    await page.goto(`${base}/console`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor(WAIT);
    await page.getByLabel('Email').fill(ownerEmail);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor(WAIT);
    await shot('01-sign-in');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').filter({ hasText: ownerEmail }).waitFor(WAIT);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor(WAIT);
    expect(new URL(page.url()).pathname).toBe(`/console/t/${tenant.tenantId}`);
    await page.locator('.tenant-strip').filter({ hasText: 'Acme Robotics' }).waitFor(WAIT);
    // The cookie is out of reach of the page's scripts.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await shot('02-overview');
  });

  it('creates an API key, shows it once, lists it, and revokes it', async () => {
    await nav('API keys', 'API keys');
    const form = page.getByTestId('create-key-form');
    await form.getByLabel('Name', { exact: true }).fill('e2e ingest key');
    await form.getByRole('checkbox', { name: 'memory:write' }).check();
    await form.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByTestId('shown-once-value');
    await shown.waitFor(WAIT);
    const key = (await shown.textContent())!.trim();
    expect(key).toMatch(/^rk_live_[A-Za-z0-9]{46}$/);
    const row = page.locator('tr[data-key-name="e2e ingest key"]');
    await row.waitFor(WAIT);
    expect(await row.getAttribute('data-key-state')).toBe('active');
    expect(await row.textContent()).toContain('memory:write');
    await shot('03-api-key-created');

    // The key shown is a working key with exactly the scopes chosen.
    expect((await h.app.inject({ url: '/api/v1/tenant', headers: auth(key) })).statusCode).toBe(200);
    expect((await h.app.inject({ url: '/api/v1/api-keys', headers: auth(key) })).statusCode).toBe(403);

    await page.getByRole('button', { name: 'I have stored it' }).click();
    await shown.waitFor({ state: 'detached', ...WAIT });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.waitFor({ state: 'detached', ...WAIT });
    await page.getByRole('checkbox', { name: 'Show revoked' }).check();
    await page.locator('tr[data-key-name="e2e ingest key"][data-key-state="revoked"]').waitFor(WAIT);
    expect((await h.app.inject({ url: '/api/v1/tenant', headers: auth(key) })).statusCode).toBe(401);
    await shot('04-api-key-revoked');
  });

  it('charts daily usage and the consumption of each limit', async () => {
    // A run that crossed midnight UTC since the seeding has a new, empty "today": track it again.
    if (new Date().toISOString().slice(0, 10) !== trackedDay) await trackToday();
    const dayBefore = new Date().getUTCDate();
    await nav('Usage', 'Usage');
    const bars = page.locator('[data-testid="usage-history-chart"] .recharts-bar-rectangle');
    await bars.first().waitFor(WAIT);
    // One bar per day of the month so far (the day may turn while the page loads).
    expect([dayBefore, new Date().getUTCDate()]).toContain(await bars.count());
    await page.locator('[data-testid="tokens-history-chart"] .recharts-area-area').waitFor(WAIT);
    const limitBars = page.locator('[data-testid="limits-chart"] .recharts-bar-rectangle');
    await limitBars.first().waitFor(WAIT);
    expect(await limitBars.count()).toBe(2);
    // 870 of 1000 calls today: the bar is drawn in the warning colour.
    expect(await page.locator('[data-testid="limits-chart"] path[fill="#f08c00"]').count()).toBe(1);
    await shot('05-usage');
  });

  it('shows roles, webhooks with their delivery log, and the audit trail with filters', async () => {
    await nav('Roles', 'Roles');
    await page.getByTestId('roles-table').getByText('editor', { exact: true }).waitFor(WAIT);
    await shot('06-roles');

    await h.services.deliveries.dispatch();
    await nav('Webhooks', 'Webhooks');
    await page.getByTestId('webhooks-table').getByText('https://hooks.example.com/acme').waitFor(WAIT);
    await page.getByRole('button', { name: 'Deliveries' }).click();
    await page.getByTestId('deliveries-table').getByText('api_key.revoked').waitFor(WAIT);
    await shot('07-webhooks');

    await nav('Audit log', 'Audit log');
    await page.locator('tr[data-action="api_key.revoked"]').waitFor(WAIT);
    const filters = page.getByTestId('audit-filters');
    await filters.getByLabel('Action').fill('api_key.created');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.locator('tr[data-action="api_key.revoked"]').waitFor({ state: 'detached', ...WAIT });
    const created = page.locator('tr[data-action="api_key.created"]');
    await created.first().waitFor(WAIT);
    // The console's own change is attributed to the person, not to a key.
    expect(await created.first().textContent()).toContain('owner');
    await shot('08-audit');
  });

  it('lets an operator find, suspend and reactivate tenants', async () => {
    const op = await h.operatorKey();
    const operatorEmail = uniqueEmail();
    const set = await h.app.inject({ method: 'POST', url: '/api/v1/operator-logins', headers: auth(op), payload: { email: operatorEmail, password: PASSWORD } });
    expect(set.statusCode, set.body).toBe(200);
    await h.register({ name: 'Globex Corporation' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor(WAIT);
    await signIn(operatorEmail, PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Tenants' }).waitFor(WAIT);
    await page.getByPlaceholder('Search name or email').fill('Globex');
    await page.getByRole('button', { name: 'Search' }).click();
    const table = page.getByTestId('tenants-table');
    const globex = table.locator('tr', { hasText: 'Globex Corporation' });
    await globex.waitFor(WAIT);
    await table.locator('tr', { hasText: 'Acme Robotics' }).waitFor({ state: 'detached', ...WAIT });
    await globex.getByRole('button', { name: 'Suspend' }).click();
    await globex.getByText('suspended', { exact: true }).waitFor(WAIT);
    await shot('09-tenants');
    await globex.getByRole('button', { name: 'Reactivate' }).click();
    await globex.getByText('active', { exact: true }).waitFor(WAIT);

    // An operator opens any tenant's pages; they act on it through X-Tenant-ID.
    await page.getByPlaceholder('Search name or email').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await table.getByRole('link', { name: 'Acme Robotics' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor(WAIT);
    await nav('API keys', 'API keys');
    await page.locator('tr[data-key-name="Default admin key"]').waitFor(WAIT);
    await shot('10-operator-tenant-keys');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor(WAIT);
    expect(await h.sql('select id from console_sessions')).toHaveLength(0);
  });
});
