import { MIGRATIONS } from '../migrations';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parseKey } from '../src/auth/key-format';
import { masterKeyId } from '../src/modules/secrets/envelope';
import { withDatabase } from './support/db-url';
import { useHarness } from './support/harness';
import { listeningAt } from './support/listening';

/**
 * The real `tenantry` command, run as a child process from the TypeScript sources, against this
 * file's database (cloned from the run's migrated template) or an embedded PostgreSQL of its own.
 */
const h = useHarness();
const root = path.resolve(__dirname, '..');
const dirs: string[] = [];
const children: ChildProcess[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-cli-'));
  dirs.push(dir);
  return dir;
}
const dataDir = tempDir();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

type Env = Record<string, string | undefined>;

/** The environment a deployment would give it; `undefined` removes a variable. */
function environment(env: Env): NodeJS.ProcessEnv {
  const all: Env = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: h.ownerUrl,
    TENANTRY_MASTER_KEY: h.config.masterKey!.toString('base64'),
    TENANTRY_DATA_DIR: dataDir,
    ...env,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
}

function spawnCli(args: string[], env: Env = {}): ChildProcess {
  const child = spawn(process.execPath, ['-r', './test/support/register-ts.cjs', 'src/cli/main.ts', ...args], {
    cwd: root,
    env: environment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function cli(args: string[], env: Env = {}): Promise<Run> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const listOperatorKeys = (key: string) => h.app.inject({ method: 'GET', url: '/api/v1/operator-keys', headers: auth(key) });

describe('usage', () => {
  it('--help lists every command and the exit codes; each command has its own help', async () => {
    const [overview, create, group, viaHelp] = await Promise.all([
      cli(['--help']),
      cli(['operator-key', 'create', '--help']),
      cli(['operator-key', '--help']),
      cli(['help', 'doctor']),
    ]);
    expect(overview.code).toBe(0);
    for (const name of ['start', 'migrate', 'keygen', 'operator-key create', 'operator-key list', 'operator-key revoke <id>', 'rotate-master-key', 'purge', 'doctor']) {
      expect(overview.stdout).toContain(`  ${name}  `);
    }
    expect(overview.stdout).toMatch(/Exit codes:\n {2}0 {2}success\n {2}1 {2}error.*\n {2}2 {2}usage.*\n {2}3 {2}incomplete/);
    expect(create).toMatchObject({ code: 0, stderr: '' });
    expect(create.stdout).toContain('Usage: tenantry operator-key create --name <name> [--expires-at <date-time>] [--json]');
    expect(group.stdout).toContain('Usage: tenantry operator-key <create|list|revoke> [options]');
    expect(viaHelp.stdout).toContain('Usage: tenantry doctor [--json]');
  });

  it('a wrong command line exits 2 and says what is wrong on stderr, doing nothing', async () => {
    const runs = await Promise.all([
      cli([]),
      cli(['frobnicate']),
      cli(['keygen', '--bogus']),
      cli(['operator-key']),
      cli(['operator-key', 'rename']),
      cli(['operator-key', 'revoke']),
      cli(['operator-key', 'revoke', 'a', 'b']),
      cli(['operator-key', 'create']),
      cli(['operator-key', 'create', '--name']),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
    }
    const errors = runs.map((r) => r.stderr.split('\n')[0]);
    expect(errors).toEqual([
      'tenantry: run and operate a Tenantry tenant control plane',
      "tenantry: unknown command 'frobnicate'",
      "tenantry keygen: Unknown option '--bogus'",
      'Usage: tenantry operator-key <create|list|revoke> [options]',
      "tenantry: unknown command 'operator-key rename' (tenantry operator-key <create|list|revoke> [options])",
      'tenantry operator-key revoke: missing <id>',
      "tenantry operator-key revoke: unexpected argument 'b'",
      'tenantry operator-key create: --name is required',
      "tenantry operator-key create: Option '--name <value>' argument missing",
    ]);
    expect(runs[1].stderr).toContain("Run 'tenantry --help' for usage.");
    expect(runs[5].stderr).toContain("Run 'tenantry operator-key revoke --help' for usage.");
  });

  it('--version prints the package version', async () => {
    const run = await cli(['--version']);
    expect(run).toEqual({ code: 0, stdout: `${JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version}\n`, stderr: '' });
  });
});

describe('keygen', () => {
  it('prints one well-formed key with the configured prefix; a bad prefix is a configuration error', async () => {
    const [live, test, acme, bad] = await Promise.all([
      cli(['keygen'], { DATABASE_URL: undefined }),
      cli(['keygen', '--test']),
      cli(['keygen'], { TENANTRY_KEY_PREFIX: 'acme' }),
      cli(['keygen'], { TENANTRY_KEY_PREFIX: 'Not-A-Prefix' }),
    ]);
    expect(live.code).toBe(0);
    expect(live.stdout).toMatch(/^rk_live_[A-Za-z0-9]+\n$/);
    expect(parseKey(live.stdout.trim())).toMatchObject({ environment: 'live' });
    expect(parseKey(test.stdout.trim())).toMatchObject({ environment: 'test' });
    expect(acme.stdout).toMatch(/^acme_live_/);
    expect(parseKey(acme.stdout.trim())).not.toBeNull();
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('TENANTRY_KEY_PREFIX: must be 1-16 lowercase letters');
  });
});

describe('operator-key', () => {
  it('create -> the API accepts the key -> list shows it -> revoke -> the API refuses it; the CLI is the audited actor', async () => {
    const [created, human] = await Promise.all([
      cli(['operator-key', 'create', '--name', 'CI deploy', '--json']),
      cli(['operator-key', 'create', '--name', 'on-call', '--expires-at', '2099-01-01T00:00:00Z']),
    ]);
    expect(created.code).toBe(0);
    const body = JSON.parse(created.stdout);
    expect(body).toMatchObject({ name: 'CI deploy', scopes: ['platform:admin'], expires_at: null, revoked_at: null });
    const key: string = body.api_key;
    expect(parseKey(key)).not.toBeNull();
    expect((await listOperatorKeys(key)).statusCode).toBe(200);

    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Created operator key "on-call": id [0-9a-f-]{36}, prefix rk_live_\w{4}, expires 2099-01-01 00:00Z\.\n/);
    const shown = /Operator key: (\S+)\n/.exec(human.stdout)![1];
    expect((await listOperatorKeys(shown)).statusCode).toBe(200);

    const [list, listJson] = await Promise.all([cli(['operator-key', 'list']), cli(['operator-key', 'list', '--json'])]);
    expect(list.code).toBe(0);
    const [header, ...rows] = list.stdout.trim().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+PREFIX\s+STATUS\s+CREATED\s+LAST USED\s+EXPIRES$/);
    const row = rows.find((r) => r.startsWith(body.key_id))!;
    expect(row).toMatch(new RegExp(`^${body.key_id}\\s+CI deploy\\s+${body.api_key_prefix}\\s+active\\s`));
    expect(list.stdout).not.toContain(key);
    const listed = JSON.parse(listJson.stdout);
    expect(listed.api_keys.map((k: { key_id: string }) => k.key_id)).toContain(body.key_id);

    const revoked = await cli(['operator-key', 'revoke', body.key_id]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(new RegExp(`^Revoked operator key "CI deploy" \\(${body.key_id}, ${body.api_key_prefix}\\) at `));
    const refused = await listOperatorKeys(key);
    expect(refused.statusCode).toBe(401);
    expect((await listOperatorKeys(shown)).statusCode).toBe(200);

    const [after, all, again] = await Promise.all([
      cli(['operator-key', 'list']),
      cli(['operator-key', 'list', '--all']),
      cli(['operator-key', 'revoke', body.key_id]),
    ]);
    expect(after.stdout).not.toContain(body.key_id);
    expect(all.stdout).toMatch(new RegExp(`${body.key_id}\\s+CI deploy\\s+\\S+\\s+revoked`));
    expect(again.code).toBe(0); // revoking is idempotent

    const audit = await h.sql<{ action: string; actor_type: string; actor_key_id: string | null; actor_prefix: string; request_id: string }>(
      `select action, actor_type, actor_key_id, actor_prefix, request_id from audit_events where target_id = ? order by created_at`,
      [body.key_id],
    );
    expect(audit.map((a) => a.action)).toEqual(['operator_key.created', 'operator_key.revoked']);
    for (const entry of audit) {
      expect(entry).toMatchObject({ actor_type: 'operator', actor_key_id: null, actor_prefix: `cli:${os.userInfo().username}` });
      expect(entry.request_id).toMatch(/^cli-[0-9a-f-]{36}$/);
    }
  });

  it('bad values are usage errors named as typed; an unknown id is an error', async () => {
    const [past, malformed, unknown] = await Promise.all([
      cli(['operator-key', 'create', '--name', 'x', '--expires-at', '2001-01-01T00:00:00Z']),
      cli(['operator-key', 'revoke', 'not-an-id']),
      cli(['operator-key', 'revoke', '00000000-0000-4000-8000-000000000000']),
    ]);
    expect(past).toMatchObject({ code: 2, stdout: '' });
    expect(past.stderr).toContain('tenantry operator-key create: --expires-at: must be in the future');
    expect(malformed).toMatchObject({ code: 2, stdout: '' });
    expect(malformed.stderr).toContain('tenantry operator-key revoke: <id>: must be a UUID');
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toBe('tenantry operator-key revoke: Operator key not found\n');
  });
});

describe('purge', () => {
  it('purges deleted tenants past their retention now, and only those', async () => {
    const expired = await h.register();
    const recent = await h.register();
    await h.sql(`update tenants set status = 'deleted', deleted_at = now() - interval '31 days' where id = ?`, [expired.tenantId]);
    await h.sql(`update tenants set status = 'deleted', deleted_at = now() - interval '29 days' where id = ?`, [recent.tenantId]);

    // History past its retention goes in the same run (see retention.test.ts for each kind).
    await h.sql(`insert into usage_idempotency (tenant_id, key, response, created_at) values (?, 'old', '{}', now() - interval '8 days')`, [recent.tenantId]);

    const run = await cli(['purge']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Purged 1 deleted tenant(s) past their retention:\n  ${expired.tenantId}\nDeleted past their retention:\n  idempotency keys: 1\n`);
    expect(await h.sql('select id from tenants where id = ?', [expired.tenantId])).toEqual([]);
    expect(await h.sql('select id from tenants where id = ?', [recent.tenantId])).toHaveLength(1);
    const [purged] = await h.sql(`select actor_type from audit_events where action = 'tenant.purged' and target_id = ?`, [expired.tenantId]);
    expect(purged).toEqual({ actor_type: 'system' });

    const again = await cli(['purge', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ purged: [], deleted: { events: 0, auditEvents: 0, usageCounters: 0, limitAlerts: 0, idempotencyKeys: 0 } });
  });
});

describe('doctor', () => {
  it('ok: one line per check, exit 0; --json says the same', async () => {
    const [run, json] = await Promise.all([cli(['doctor']), cli(['doctor', '--json'])]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.map((l) => l.slice(0, 20).trimEnd())).toEqual([
      'ok    configuration',
      'ok    database',
      'ok    migrations',
      'ok    app role',
      'ok    master key',
      'All checks passed.',
    ]);
    expect(lines[1]).toMatch(/PostgreSQL \d+/);
    expect(lines[2]).toContain(`all ${MIGRATIONS.length} applied`);
    const report = JSON.parse(json.stdout);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual([
      'configuration:ok',
      'database:ok',
      'migrations:ok',
      'app role:ok',
      'master key:ok',
    ]);
  });

  it('fails, exit 1, with the reason: unreachable database, production without a master key, unreachable Redis', async () => {
    const [noDb, production, redis] = await Promise.all([
      cli(['doctor'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing' }),
      cli(['doctor'], { NODE_ENV: 'production', TENANTRY_MASTER_KEY: undefined }),
      cli(['doctor'], { REDIS_URL: 'redis://127.0.0.1:1' }),
    ]);
    expect(noDb.code).toBe(1);
    expect(noDb.stdout).toMatch(/^FAIL {2}database {7}.*ECONNREFUSED 127\.0\.0\.1:1$/m);
    expect(noDb.stdout).toMatch(/^skip {2}migrations {5}needs the database$/m);
    expect(noDb.stdout).toContain('1 of 5 checks failed.');

    expect(production.code).toBe(1);
    expect(production.stdout).toMatch(/^FAIL {2}configuration {2}TENANTRY_MASTER_KEY: is required when NODE_ENV=production$/m);

    expect(redis.code).toBe(1);
    expect(redis.stdout).toMatch(/^ok {4}master key/m);
    expect(redis.stdout).toMatch(/^FAIL {2}redis {10}connect ECONNREFUSED 127\.0\.0\.1:1$/m);
  });

  it.runIf(process.env.REDIS_URL)('checks Redis when REDIS_URL is set', async () => {
    const run = await cli(['doctor'], { REDIS_URL: process.env.REDIS_URL });
    expect(run.stdout).toMatch(/^ok {4}redis {10}PONG in/m);
  });

  it('master key: a wrong key fails; a rotation re-seals (exit 3 while some remain) and can be run again', async () => {
    const t = await h.register();
    const stored = await h.app.inject({ method: 'POST', url: '/tenant/secrets', headers: auth(t.key), payload: { key: 'API_TOKEN', value: 's3cret' } });
    expect(stored.statusCode).toBeLessThan(300);
    const old = h.config.masterKey!.toString('base64');
    const fresh = randomBytes(32).toString('base64');
    const stranger = randomBytes(32).toString('base64');

    // Before the rotation, all at once: none of these changes anything.
    const [wrong, stuck, pending, unset] = await Promise.all([
      cli(['doctor'], { TENANTRY_MASTER_KEY: fresh }),
      // The key in use is not among the previous ones: refused before anything changes.
      cli(['rotate-master-key'], { TENANTRY_MASTER_KEY: fresh, TENANTRY_PREVIOUS_MASTER_KEYS: stranger }),
      cli(['doctor'], { TENANTRY_MASTER_KEY: fresh, TENANTRY_PREVIOUS_MASTER_KEYS: old }),
      cli(['rotate-master-key'], { TENANTRY_MASTER_KEY: fresh }),
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/^FAIL {2}master key {5}1 of 1 tenant data keys are sealed by master key [0-9a-f]{16}, which is not configured/m);

    expect(stuck.code).toBe(1);
    expect(stuck.stdout).toBe('');
    expect(stuck.stderr).toMatch(/master key [0-9a-f]{16} seals new data keys, and it is neither TENANTRY_MASTER_KEY nor in TENANTRY_PREVIOUS_MASTER_KEYS/);
    expect(await h.sql('select master_key_id from master_key_pin')).toEqual([{ master_key_id: masterKeyId(Buffer.from(old, 'base64')) }]);

    expect(pending.stdout).toMatch(/^ok {4}master key {5}TENANTRY_MASTER_KEY seals 0 of 1 tenant data keys; 1 await `tenantry rotate-master-key`$/m);
    const rotated = await cli(['rotate-master-key'], { TENANTRY_MASTER_KEY: fresh, TENANTRY_PREVIOUS_MASTER_KEYS: old });
    expect(rotated).toEqual({ code: 0, stdout: 'Re-sealed 1 tenant data keys; 0 remaining.\n', stderr: '' });
    const [rerun, healthy] = await Promise.all([
      cli(['rotate-master-key'], { TENANTRY_MASTER_KEY: fresh, TENANTRY_PREVIOUS_MASTER_KEYS: old }),
      cli(['doctor'], { TENANTRY_MASTER_KEY: fresh }),
    ]);
    expect(rerun).toEqual({ code: 0, stdout: 'Re-sealed 0 tenant data keys; 0 remaining.\n', stderr: '' });
    expect(healthy.stdout).toMatch(/^ok {4}master key {5}TENANTRY_MASTER_KEY sealed all 1 tenant data keys$/m);

    // A damaged record does not stall the rotation: it is named and left, exit 3.
    const damaged = await h.register();
    await h.sql(`insert into tenant_data_keys (tenant_id, wrapped_key, master_key_id) values (?, '\\x00', ?)`, [damaged.tenantId, masterKeyId(Buffer.from(old, 'base64'))]);
    const stalled = await cli(['rotate-master-key'], { TENANTRY_MASTER_KEY: fresh, TENANTRY_PREVIOUS_MASTER_KEYS: old });
    expect(stalled.code).toBe(3);
    expect(stalled.stdout).toBe('Re-sealed 0 tenant data keys; 1 remaining.\n');
    expect(stalled.stderr).toContain(`1 could not be opened with the configured master keys (tenants ${damaged.tenantId})`);
    await h.sql('delete from tenant_data_keys where tenant_id = ?', [damaged.tenantId]);

    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('set TENANTRY_MASTER_KEY to the new key and TENANTRY_PREVIOUS_MASTER_KEYS');

    // A key pinned that this configuration neither uses nor rotates from (set here by hand, as an
    // instance configured elsewhere would have): doctor says this instance would refuse to seal.
    const [{ master_key_id: pinned }] = await h.sql<{ master_key_id: string }>(`select master_key_id from master_key_pin`);
    await h.sql(`update master_key_pin set master_key_id = 'feedfeedfeedfeed'`);
    const behind = await cli(['doctor'], { TENANTRY_MASTER_KEY: fresh });
    await h.sql(`update master_key_pin set master_key_id = ?`, [pinned]);
    expect(behind.code).toBe(1);
    expect(behind.stdout).toMatch(/^FAIL {2}master key {5}master key feedfeedfeedfeed seals new data keys .*: this instance refuses to seal new data keys until it is configured as the others are$/m);

    // Back to the harness's key, for the app this file runs in.
    expect((await cli(['rotate-master-key'], { TENANTRY_MASTER_KEY: old, TENANTRY_PREVIOUS_MASTER_KEYS: fresh })).code).toBe(0);
    const read = await h.app.inject({ method: 'GET', url: '/tenant/secrets/API_TOKEN', headers: auth(t.key) });
    expect(read.statusCode).toBe(200);
    expect(read.body).toContain('s3cret');
  });
});

describe('migrate', () => {
  it('migrates an empty database, then changes nothing; other commands wait for it', async () => {
    const { adminUrl } = inject('database');
    const name = `${new URL(h.ownerUrl).pathname.slice(1)}_empty`;
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    try {
      const env = { DATABASE_URL: withDatabase(adminUrl, name) };
      const [doctor, list] = await Promise.all([cli(['doctor'], env), cli(['operator-key', 'list'], env)]);
      expect(doctor.code).toBe(1);
      expect(doctor.stdout).toMatch(new RegExp(`^FAIL {2}migrations {5}${MIGRATIONS.length} pending \\(Migration\\w+_core, Migration\\w+_lifecycle, Migration\\w+_audit and ${MIGRATIONS.length - 3} more\\): run \`tenantry migrate\`$`, 'm'));
      expect(doctor.stdout).toMatch(/^skip {2}app role {7}tenantry_app is made by the migrations$/m);
      expect(list.code).toBe(1);
      expect(list.stderr).toContain(`has ${MIGRATIONS.length} pending migration(s): run \`tenantry migrate\` first`);

      const first = await cli(['migrate'], env);
      expect(first.code).toBe(0);
      expect(first.stdout).toBe(`Applied migrations: ${MIGRATIONS.map((m) => m.name).join(', ')}\n`);
      const [second, healthy] = await Promise.all([cli(['migrate'], env), cli(['doctor'], env)]);
      expect(second).toEqual({ code: 0, stdout: 'Database is up to date.\n', stderr: '' });
      expect(healthy.code).toBe(0);
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});

describe('start', () => {
  it('serves as npm start does, on the embedded database, and other commands work beside it', async () => {
    const dir = tempDir();
    const adminKey = (await cli(['keygen'])).stdout.trim();
    const env = {
      DATABASE_URL: undefined,
      TENANTRY_DATA_DIR: dir,
      TENANTRY_ADMIN_KEY: adminKey,
      TENANTRY_PURGE_INTERVAL_SECONDS: '0',
      HOST: '127.0.0.1',
      PORT: '0',
    };
    const server = spawnCli(['start'], env);
    const { base, output } = await listeningAt(server);
    expect(output).toContain(`Embedded PostgreSQL running, data in ${dir}`);
    expect(output).toMatch(/Applied migrations: Migration\w+_core/);
    expect(output).toContain('Tenantry test server listening');
    // TENANTRY_ADMIN_KEY was installed: nothing printed, the key works.
    expect(output).not.toContain('Platform admin key:');
    expect((await fetch(`${base}/api/v1/operator-keys`, { headers: auth(adminKey) })).status).toBe(200);

    // The server holds the embedded database's files: the commands use its running server.
    const [list, doctor] = await Promise.all([cli(['operator-key', 'list'], env), cli(['doctor'], env)]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('Platform admin key (TENANTRY_ADMIN_KEY)');
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toContain(`embedded, of the server running on ${dir}`);

    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Stopped with the server; a command now starts the database for itself.
    const after = await cli(['operator-key', 'list'], env);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('Platform admin key (TENANTRY_ADMIN_KEY)');
  });

  it('a start that cannot start exits 1 with the reason, as npm start does', async () => {
    const run = await cli(['start'], { NODE_ENV: 'production', TENANTRY_MASTER_KEY: undefined });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('Invalid configuration:\n  TENANTRY_MASTER_KEY: is required when NODE_ENV=production\n');
  });
});
