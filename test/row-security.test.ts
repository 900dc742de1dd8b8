import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { applicationUrl } from '../src/database';
import { initOrm } from '../src/db/orm';
import { APP_ROLE, asPlatform, inRequestScope } from '../src/db/tenant-scope';
import { useHarness } from './support/harness';

/**
 * The database's own isolation, under the application's: these run SQL that names no tenant, as
 * a service with a forgotten filter would, and show PostgreSQL still returns one tenant's rows.
 */
const h = useHarness();

describe('row-level security: the catalog', () => {
  it('forces a policy on every table with a tenant_id column, and on tenants', async () => {
    const tables = await h.sql<{ table: string; rls: boolean; forced: boolean; using: string | null; check: string | null }>(
      `select c.relname as table, c.relrowsecurity as rls, c.relforcerowsecurity as forced, p.qual as using, p.with_check as check
         from pg_class c
         join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
         left join pg_policies p on p.schemaname = n.nspname and p.tablename = c.relname
        where c.relkind in ('r', 'p')
          and (c.relname = 'tenants' or exists (
                select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped))`,
    );
    // A new tenant-owned table without a policy fails here, naming itself.
    expect(tables.length).toBeGreaterThanOrEqual(20);
    for (const t of tables) {
      expect({ table: t.table, rls: t.rls, forced: t.forced }).toEqual({ table: t.table, rls: true, forced: true });
      expect(t.using, t.table).toContain('tenantry_current_tenant()');
      expect(t.check, t.table).toContain('tenantry_current_tenant()');
    }
  });

  it('runs the application as a role that owns no table and bypasses no policy', async () => {
    const [me] = await h.sql<{ user: string }>('select current_user as user');
    expect(me.user).toBe(APP_ROLE);
    const [role] = await h.sql<{ rolsuper: boolean; rolbypassrls: boolean; owned: string }>(
      `select r.rolsuper, r.rolbypassrls,
              (select count(*) from pg_class c where c.relowner = r.oid) as owned
         from pg_roles r where r.rolname = ?`,
      [APP_ROLE],
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, owned: '0' });
  });
});

describe('row-level security: a pool serving alternating tenants', () => {
  let orm: MikroORM;
  const tenants: string[] = [];

  beforeAll(async () => {
    // Two connections, so each is handed to both tenants in turn.
    orm = await initOrm({ url: h.orm.config.getClientUrl(), poolMax: 2 });
    for (let i = 0; i < 2; i++) {
      const t = await h.register();
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/tenant-setting',
        headers: { authorization: `Bearer ${t.key}` },
        payload: { name: 'colour', value: `tenant-${i}` },
      });
      expect(res.statusCode).toBe(201);
      tenants.push(t.tenantId);
    }
  });

  afterAll(() => orm?.close());

  const asTenant = <T>(tenantId: string, work: () => Promise<T>) =>
    inRequestScope((scope) => {
      scope.confine(tenantId);
      return work();
    });

  /** Every row a filterless query can see, by table. */
  const visible = async () => {
    const conn = orm.em.getConnection();
    const rows = await Promise.all(
      ['api_keys', 'tenant_settings', 'audit_events', 'roles'].map((t) => conn.execute<{ tenant_id: string }[]>(`select tenant_id from ${t}`)),
    );
    const [own] = await conn.execute<{ id: string }[]>('select array_agg(id) as id from tenants');
    return { tenantIds: new Set(rows.flat().map((r) => r.tenant_id)), count: rows.flat().length, tenants: own.id };
  };

  it('shows each tenant only its own rows, through failures, terminations and concurrency', async () => {
    const all = await asPlatform(visible);
    expect(all.tenantIds).toEqual(expect.objectContaining(new Set(tenants)));
    const failures: Array<[RegExp, (t: string) => Promise<unknown>]> = [
      // A failed autocommit statement.
      [/division by zero/, () => orm.em.getConnection().execute('select 1 / 0')],
      // A transaction that fails after writing, and is rolled back.
      [
        /division by zero/,
        () =>
        orm.em.fork().transactional(async (em) => {
          await em.getConnection().execute(`update tenant_settings set value = 'x'`, [], 'all', em.getTransactionContext());
          await em.getConnection().execute('select 1 / 0', [], 'all', em.getTransactionContext());
        }),
      ],
      // A write naming another tenant: refused by the policy's check.
      [/row-level security/, (t) => {
        const other = tenants.find((x) => x !== t)!;
        return orm.em.getConnection().execute(
          `insert into tenant_settings (id, tenant_id, name, value, created_at, updated_at) values (gen_random_uuid(), ?, 'stolen', '1', now(), now())`,
          [other],
        );
      }],
      // The connection killed under it.
      [/terminat/, () => orm.em.getConnection().execute('select pg_terminate_backend(pg_backend_pid())')],
    ];

    for (let round = 0; round < 24; round++) {
      const t = tenants[round % 2];
      const [reason, fail] = failures[round % failures.length];
      await expect(asTenant(t, () => fail(t))).rejects.toThrow(reason);
      // Both tenants at once, so both connections are in use and swap owners.
      const seen = await Promise.all(tenants.map((x) => asTenant(x, visible)));
      seen.forEach((s, i) => {
        expect([...s.tenantIds]).toEqual([tenants[i]]);
        expect(s.tenants).toEqual([tenants[i]]);
        expect(s.count).toBeGreaterThan(0);
      });
    }

    // Nothing written across: the rolled-back update left both values, and no stolen row exists.
    const values = await asPlatform(() =>
      orm.em.getConnection().execute<{ tenant_id: string; name: string; value: unknown }[]>(
        `select tenant_id, name, value from tenant_settings where tenant_id in (?, ?) order by name`,
        tenants,
      ),
    );
    expect(values.map((v) => v.name)).toEqual(['colour', 'colour']);
    expect(values.map((v) => v.value).sort()).toEqual(['tenant-0', 'tenant-1']);
  });

  it('a request whose key is not yet verified sees nothing and writes nothing', async () => {
    const seen = await inRequestScope(() => visible());
    expect(seen.count).toBe(0);
    expect(seen.tenants).toBeNull();
    await expect(
      inRequestScope(() =>
        orm.em.getConnection().execute(`update tenants set name = 'taken' returning id`),
      ),
    ).resolves.toEqual([]);
  });

  it('another tenant’s rows cannot be changed or removed, only silently not found', async () => {
    const [a, b] = tenants;
    const changed = await asTenant(a, () =>
      orm.em.getConnection().execute(`update tenant_settings set value = 'mine' where tenant_id = ? returning id`, [b]),
    );
    expect(changed).toEqual([]);
    const removed = await asTenant(a, () => orm.em.getConnection().execute(`delete from api_keys where tenant_id = ? returning id`, [b]));
    expect(removed).toEqual([]);
    const [still] = await asPlatform(() => orm.em.getConnection().execute<{ n: string }[]>(`select count(*) as n from api_keys where tenant_id = ?`, [b]));
    expect(Number(still.n)).toBeGreaterThan(0);
  });
});

describe('row-level security: the application on a login of its own', () => {
  it('with TENANTRY_APP_DATABASE_URL holds no credential that escapes the policies, even after RESET ROLE', async () => {
    const login = `tenantry_app_login_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await h.ownerSql(`create role ${login} login password '${password}' in role ${APP_ROLE}`);
    const own = new URL(h.ownerUrl);
    own.username = login;
    own.password = password;
    const url = await applicationUrl({ url: h.ownerUrl }, { appDatabaseUrl: own.toString() });
    expect(url).toBe(own.toString());
    const orm = await initOrm({ url, poolMax: 1 });
    try {
      const t = await h.register();
      const conn = orm.em.getConnection();
      const [who] = await conn.execute<{ session: string; current: string }[]>('select session_user as session, current_user as current');
      expect(who).toEqual({ session: login, current: APP_ROLE });
      const seen = await inRequestScope(async (scope) => {
        scope.confine(t.tenantId);
        return orm.em.fork().transactional(async (em) => {
          const tx = em.getTransactionContext();
          // What an injected statement could try: drop the role, then read everything.
          await em.getConnection().execute('reset role', [], 'all', tx);
          const rows = await em.getConnection().execute<{ id: string }[]>('select id from tenants', [], 'all', tx);
          await expect(em.getConnection().execute(`set role postgres`, [], 'all', tx)).rejects.toThrow(/permission denied/);
          return rows;
        });
      }).catch((err) => err);
      expect(seen).toEqual([{ id: t.tenantId }]);
    } finally {
      await orm.close();
      await h.ownerSql(`drop role ${login}`);
    }
  });
});
