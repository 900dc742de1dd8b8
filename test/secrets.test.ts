import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { DecryptionError, Keyring, masterKeyFromFile, masterKeyId, open, seal } from '../src/modules/secrets/envelope';
import { createServices } from '../src/services';
import { useHarness, type Registered } from './support/harness';
import { DeleteSecret, Secrets, SecretValue, StoreSecret } from './support/operations';

const h = useHarness();

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const store = (t: Registered, key: string, value: string, prefix = '') =>
  h.app.inject({ method: 'POST', url: `${prefix}/tenant/secrets`, headers: auth(t.key), payload: { key, value } });
const readValue = (key: string, name: string) => h.app.inject({ url: `/tenant/secrets/${name}`, headers: auth(key) });

async function dumpDatabase(): Promise<string> {
  const tables = await h.sql<{ tablename: string }>(`select tablename from pg_tables where schemaname = 'public'`);
  const parts: string[] = [];
  for (const { tablename } of tables) {
    const rows = await h.sql<{ row: string }>(`select row_to_json(t)::text as row from "${tablename}" t`);
    parts.push(...rows.map((r) => r.row));
  }
  return parts.join('\n');
}

describe('secrets over the reference paths', () => {
  it('store, list names, read with secrets:read, delete: at /tenant and /api/v1/tenant', async () => {
    const t = await h.register();
    for (const prefix of ['', '/api/v1']) {
      const stored = await store(t, 'STRIPE_SECRET_KEY', 'sk_live_abc', prefix);
      expect(stored.json()).toEqual({ success: true, message: 'Secret stored' });
    }
    await store(t, 'JIRA_API_TOKEN', 'jira-123');
    for (const prefix of ['', '/api/v1']) {
      const list = await h.app.inject({ url: `${prefix}/tenant/secrets`, headers: { ...auth(t.key), 'x-tenant-id': t.tenantId } });
      expect(list.json()).toEqual({ secrets: ['JIRA_API_TOKEN', 'STRIPE_SECRET_KEY'] });
    }
    const reader = await h.keyWith(t, ['secrets:read']);
    expect((await readValue(reader, 'STRIPE_SECRET_KEY')).json()).toEqual({ key: 'STRIPE_SECRET_KEY', value: 'sk_live_abc' });
    expect((await h.gql(SecretValue, { name: 'JIRA_API_TOKEN' }, reader)).data?.secretValue).toBe('jira-123');
    const writerOnly = await h.keyWith(t, ['secrets:write']);
    expect((await readValue(writerOnly, 'STRIPE_SECRET_KEY')).statusCode).toBe(403);
    expect((await h.app.inject({ url: '/tenant/secrets', headers: auth(writerOnly) })).statusCode).toBe(200);

    const del = await h.app.inject({ method: 'DELETE', url: '/tenant/secrets/STRIPE_SECRET_KEY', headers: auth(t.key) });
    expect(del.json()).toEqual({ success: true, message: 'Secret deleted' });
    expect((await readValue(reader, 'STRIPE_SECRET_KEY')).statusCode).toBe(404);
    expect((await h.gql(Secrets, {}, t.key)).data?.secrets.map((s) => s.name)).toEqual(['JIRA_API_TOKEN']);
    expect((await h.gql(StoreSecret, { name: 'VIA_GQL', value: 'v' }, t.key)).data?.storeSecret.name).toBe('VIA_GQL');
    expect((await h.gql(DeleteSecret, { name: 'VIA_GQL' }, t.key)).data?.deleteSecret.name).toBe('VIA_GQL');
  });

  it('audits every read, with no value in any audit entry', async () => {
    const t = await h.register();
    await store(t, 'AUDITED', 'very-secret-value-1');
    await store(t, 'AUDITED', 'very-secret-value-2');
    const reader = await h.keyWith(t, ['secrets:read']);
    await readValue(reader, 'AUDITED');
    await h.gql(SecretValue, { name: 'AUDITED' }, reader);
    const events = await h.sql(`select action, changes::text as changes from audit_events where tenant_id = ? and target_type = 'secret' order by created_at`, [t.tenantId]);
    expect(events.map((e) => e.action)).toEqual(['secret.stored', 'secret.updated', 'secret.read', 'secret.read']);
    expect(JSON.stringify(events)).not.toMatch(/very-secret-value/);
  });

  it('stores no plaintext value anywhere in the database, and logs none', async () => {
    const t = await h.register();
    const value = `plain-${randomBytes(12).toString('hex')}`;
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (c) => lines.push(String(c)));
    const app = await buildApp(createServices(h.orm, { ...h.config, logLevel: 'trace', logRequests: true }, () => {}), { logStream: stream });
    try {
      await app.inject({ method: 'POST', url: '/tenant/secrets', headers: auth(t.key), payload: { key: 'LOGGED', value } });
      await app.inject({ url: '/tenant/secrets/LOGGED', headers: auth(t.key) });
      await app.inject({ method: 'POST', url: '/tenant/secrets', headers: auth(t.key), payload: { key: 'bad name', value } });
      const tooLong = await app.inject({ method: 'POST', url: '/tenant/secrets', headers: auth(t.key), payload: { key: 'LONG', value: value.repeat(4000) } });
      expect(tooLong.body).not.toContain(value);
    } finally {
      await app.close();
    }
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain(value);
    const dump = await dumpDatabase();
    expect(dump).not.toContain(value);
    expect(dump).not.toContain(Buffer.from(value).toString('hex'));
  });

  it('refuses bad names and values with 400, writing nothing', async () => {
    const t = await h.register();
    const cases: [object, string][] = [
      [{ key: 'lower_case', value: 'x' }, 'key'],
      [{ key: '9LIVES', value: 'x' }, 'key'],
      [{ key: 'A'.repeat(129), value: 'x' }, 'key'],
      [{ key: 'EMPTY', value: '' }, 'value'],
      [{ key: 'NUMBER', value: 42 }, 'value'],
      [{ key: 'HUGE', value: 'x'.repeat(64 * 1024 + 1) }, 'value'],
      [{ key: 'NOVALUE' }, 'value'],
      [{ key: 'EXTRA', value: 'x', ttl: 5 }, 'ttl'],
    ];
    for (const [payload, field] of cases) {
      const res = await h.app.inject({ method: 'POST', url: '/tenant/secrets', headers: auth(t.key), payload });
      expect(res.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(400);
      expect(res.json().field).toBe(field);
    }
    expect(await h.sql('select * from secrets where tenant_id = ?', [t.tenantId])).toEqual([]);
    const multibyte = await store(t, 'MULTIBYTE', 'é'.repeat(32 * 1024 + 1));
    expect(multibyte.statusCode).toBe(400);
    expect((await store(t, 'AT_LIMIT', 'x'.repeat(64 * 1024))).statusCode).toBe(200);
  });
});

describe('encryption', () => {
  it('refuses tampered, truncated and short-tag ciphertexts, and the wrong associated data', () => {
    const key = randomBytes(32);
    const blob = seal(key, Buffer.from('hello'), 'tenant-a:NAME');
    expect(open(key, blob, 'tenant-a:NAME').toString()).toBe('hello');
    const flipped = Buffer.from(blob);
    flipped[20] ^= 1;
    expect(() => open(key, flipped, 'tenant-a:NAME')).toThrow(DecryptionError);
    expect(() => open(key, blob.subarray(0, blob.length - 12), 'tenant-a:NAME')).toThrow(DecryptionError);
    expect(() => open(key, blob.subarray(0, 20), 'tenant-a:NAME')).toThrow(DecryptionError);
    expect(() => open(key, blob, 'tenant-b:NAME')).toThrow(DecryptionError);
    expect(() => open(randomBytes(32), blob, 'tenant-a:NAME')).toThrow(DecryptionError);
  });

  it('a ciphertext moved to another tenant or name, or altered in the database, does not decrypt', async () => {
    const a = await h.register();
    const b = await h.register();
    await store(a, 'ORIGINAL', 'a-value');
    await store(a, 'OTHER_NAME', 'placeholder');
    await store(b, 'TARGET', 'b-value');
    const [{ ciphertext }] = await h.sql('select ciphertext from secrets where tenant_id = ? and name = ?', [a.tenantId, 'ORIGINAL']);
    await h.sql('update secrets set ciphertext = ? where tenant_id = ? and name = ?', [ciphertext, b.tenantId, 'TARGET']);
    await h.sql('update secrets set ciphertext = ? where tenant_id = ? and name = ?', [ciphertext, a.tenantId, 'OTHER_NAME']);
    const moved = await readValue(b.key, 'TARGET');
    expect(moved.statusCode).toBe(500);
    expect(moved.body).not.toContain('a-value');
    expect((await readValue(a.key, 'OTHER_NAME')).statusCode).toBe(500);
    expect((await readValue(a.key, 'ORIGINAL')).json().value).toBe('a-value');
    await h.sql(`update secrets set ciphertext = substring(ciphertext from 1 for length(ciphertext) - 4) where tenant_id = ? and name = ?`, [a.tenantId, 'ORIGINAL']);
    expect((await readValue(a.key, 'ORIGINAL')).statusCode).toBe(500);
  });

  it('master-key rotation, interrupted halfway and resumed, leaves every secret readable', async () => {
    const oldKey = h.config.masterKey!;
    const newKey = randomBytes(32);
    const tenants: Registered[] = [];
    for (let i = 0; i < 5; i++) {
      const t = await h.register();
      await store(t, 'ROTATED', `value-${i}`);
      tenants.push(t);
    }
    const rotating = createServices(h.orm, { ...h.config, masterKey: newKey, previousMasterKeys: [oldKey] }, () => {});
    const total = (await h.sql('select count(*)::int as n from tenant_data_keys'))[0].n;
    const first = await rotating.secrets.rotateMasterKey(h.orm, { batch: 2, maxBatches: 1 });
    expect(first).toEqual({ rewrapped: 2, remaining: total - 2, failed: [] });

    // Halfway: both keys are in use, and an instance holding both reads everything.
    const ids = await h.sql<{ master_key_id: string }>('select distinct master_key_id from tenant_data_keys');
    expect(new Set(ids.map((r) => r.master_key_id))).toEqual(new Set([masterKeyId(oldKey), masterKeyId(newKey)]));
    const app = await buildApp(rotating);
    try {
      for (const [i, t] of tenants.entries()) {
        const res = await app.inject({ url: '/tenant/secrets/ROTATED', headers: auth(t.key) });
        expect(res.json().value).toBe(`value-${i}`);
      }
    } finally {
      await app.close();
    }

    const resumed = await rotating.secrets.rotateMasterKey(h.orm, { batch: 2 });
    expect(resumed).toEqual({ rewrapped: total - 2, remaining: 0, failed: [] });
    // Done: the new key alone reads everything; the old key alone reads nothing.
    const newOnly = await buildApp(createServices(h.orm, { ...h.config, masterKey: newKey, previousMasterKeys: [] }, () => {}));
    const oldOnly = await buildApp(createServices(h.orm, { ...h.config, masterKey: oldKey, previousMasterKeys: [] }, () => {}));
    try {
      for (const [i, t] of tenants.entries()) {
        expect((await newOnly.inject({ url: '/tenant/secrets/ROTATED', headers: auth(t.key) })).json().value).toBe(`value-${i}`);
        expect((await oldOnly.inject({ url: '/tenant/secrets/ROTATED', headers: auth(t.key) })).statusCode).toBe(500);
      }
      // New secrets of an existing tenant are sealed under its (re-sealed) data key.
      expect((await newOnly.inject({ method: 'POST', url: '/tenant/secrets', headers: auth(tenants[0].key), payload: { key: 'AFTER', value: 'v' } })).statusCode).toBe(200);
    } finally {
      await newOnly.close();
      await oldOnly.close();
      // Back to the harness's key, for the rest of this file.
      await createServices(h.orm, { ...h.config, masterKey: oldKey, previousMasterKeys: [newKey] }, () => {}).secrets.rotateMasterKey(h.orm);
    }
  });

  it('after a rotation pinned the new master key, an instance still on the old one refuses to seal a data key; one configured for the rotation may', async () => {
    const oldKey = h.config.masterKey!;
    const newKey = randomBytes(32);
    const errors: unknown[] = [];
    // Configured for the rotation (new key, old one previous) before it runs, and left behind (old key only).
    const ahead = await buildApp(createServices(h.orm, { ...h.config, masterKey: newKey, previousMasterKeys: [oldKey] }, () => {}));
    const stale = await buildApp(createServices(h.orm, { ...h.config, masterKey: oldKey, previousMasterKeys: [] }, (err) => errors.push(err)));
    const storeOn = (app: typeof ahead, t: Registered, name: string) => app.inject({ method: 'POST', url: '/tenant/secrets', headers: auth(t.key), payload: { key: name, value: 'v' } });
    const keyOf = (t: Registered) => h.sql<{ master_key_id: string }>('select master_key_id from tenant_data_keys where tenant_id = ?', [t.tenantId]);
    try {
      const early = await h.register();
      expect((await storeOn(ahead, early, 'EARLY')).statusCode).toBe(200);
      expect(await keyOf(early)).toEqual([{ master_key_id: masterKeyId(newKey) }]);

      const rotating = createServices(h.orm, { ...h.config, masterKey: newKey, previousMasterKeys: [oldKey] }, () => {});
      expect(await rotating.secrets.rotateMasterKey(h.orm)).toMatchObject({ remaining: 0, failed: [] });

      const late = await h.register();
      const refused = await storeOn(stale, late, 'LATE');
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.json()).toEqual({ error: 'Service Unavailable', message: 'Secrets cannot be sealed by this instance right now; try again shortly', retryAfter: 5 });
      // Nothing written, and the operator is told why.
      expect(await keyOf(late)).toEqual([]);
      expect(await h.sql('select name from secrets where tenant_id = ?', [late.tenantId])).toEqual([]);
      expect(String(errors.at(-1))).toContain(`master key ${masterKeyId(oldKey)} (TENANTRY_MASTER_KEY) is not the one in use, ${masterKeyId(newKey)}`);

      expect((await storeOn(ahead, late, 'LATE')).statusCode).toBe(200);
      expect(await keyOf(late)).toEqual([{ master_key_id: masterKeyId(newKey) }]);
      expect(await h.sql('select count(*)::int as n from tenant_data_keys where master_key_id <> ?', [masterKeyId(newKey)])).toEqual([{ n: 0 }]);
    } finally {
      await ahead.close();
      await stale.close();
      await createServices(h.orm, { ...h.config, masterKey: oldKey, previousMasterKeys: [newKey] }, () => {}).secrets.rotateMasterKey(h.orm);
    }
  });
});

describe('master key configuration', () => {
  it('production refuses to start without TENANTRY_MASTER_KEY; a malformed key is refused', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/TENANTRY_MASTER_KEY: is required/);
    expect(() => loadConfig({ TENANTRY_MASTER_KEY: 'c2hvcnQ=' })).toThrow(/TENANTRY_MASTER_KEY/);
    const key = randomBytes(32).toString('base64');
    expect(loadConfig({ NODE_ENV: 'production', TENANTRY_MASTER_KEY: key }).masterKey?.toString('base64')).toBe(key);
  });

  it('without one, a key is generated into the data directory, owner-only, and reused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-mk-'));
    const first = masterKeyFromFile(dir);
    expect(first).toHaveLength(32);
    expect(fs.statSync(path.join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(masterKeyFromFile(dir).equals(first)).toBe(true);
    fs.rmSync(dir, { recursive: true });
    expect(() => new Keyring(randomBytes(16))).toThrow(/32 bytes/);
  });
});
