import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createServices } from '../src/services';
import { useHarness } from './support/harness';
import { CurrentTenant } from './support/operations';

const h = useHarness();

describe('configuration', () => {
  it('has safe local defaults', () => {
    expect(loadConfig({})).toMatchObject({ env: 'development', port: 3000, host: '0.0.0.0', keyPrefix: 'rk', registration: 'open' });
    expect(loadConfig({ PORT: '', NODE_ENV: '' }).port).toBe(3000);
  });

  it('refuses invalid values naming each variable', () => {
    expect(() => loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', TENANTRY_KEY_PREFIX: 'RK!' })).toThrow(
      /PORT[\s\S]*DATABASE_URL: must be a postgres:\/\/[\s\S]*TENANTRY_KEY_PREFIX/,
    );
    expect(() => loadConfig({ TENANTRY_REGISTRATION: 'sometimes' })).toThrow(/TENANTRY_REGISTRATION/);
    expect(() => loadConfig({ TENANTRY_TRUST_PROXY: '10.0.0.0/8, proxy.local' })).toThrow(/TENANTRY_TRUST_PROXY: .*"proxy.local" is neither/);
  });

  it('trusts X-Forwarded-For only as far as TENANTRY_TRUST_PROXY says', async () => {
    const addressSeen = async (trustProxy: string) => {
      const services = createServices(h.orm, { ...h.config, trustProxy: loadConfig({ TENANTRY_TRUST_PROXY: trustProxy }).trustProxy }, () => {});
      const app = await buildApp(services);
      try {
        // The client wrote the first entry itself; the load balancer (127.0.0.1 here) appended
        // the address it saw.
        const res = await app.inject({ method: 'POST', url: '/api/v1/tenants', headers: { 'x-forwarded-for': '203.0.113.66, 198.51.100.7' }, payload: { name: 'Via proxy' } });
        const [row] = await h.sql<{ ip: string }>(`select ip from audit_events where action = 'tenant.created' and target_id = ?`, [res.json().tenant_id]);
        return row.ip;
      } finally {
        await app.close();
      }
    };
    expect(await addressSeen('false')).toBe('127.0.0.1');
    // Only the listed proxy is trusted: the client cannot choose its own address.
    expect(await addressSeen('127.0.0.1/32')).toBe('198.51.100.7');
    // Trusting every hop takes the client's own claim, which is why a list is the safe setting.
    expect(await addressSeen('true')).toBe('203.0.113.66');
  });
});

describe('HTTP surface', () => {
  it('answers health and readiness', async () => {
    expect((await h.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await h.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('answers unknown routes with a JSON 404 and echoes a request id', async () => {
    const res = await h.app.inject({ url: '/api/v1/nope', headers: { 'x-request-id': 'abc-123' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'Not Found', message: 'Route GET /api/v1/nope not found' });
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('answers an over-long path parameter with a JSON 414', async () => {
    const res = await h.app.inject({ url: `/api/v1/tenants/${'x'.repeat(300)}` });
    expect(res.statusCode).toBe(414);
    expect(res.json(), res.body).toMatchObject({ error: 'URI Too Long' });
  });

  it('serves the Sandbox landing page and introspection in development', async () => {
    const page = await h.app.inject({ url: '/graphql', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/sandbox/i);
    const intro = await h.app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ __schema { queryType { name } } }' } });
    expect(intro.json().data.__schema.queryType.name).toBe('Query');
  });

  it('turns off introspection, the landing page and field suggestions in production', async () => {
    const services = createServices(h.orm, { ...h.config, env: 'production', production: true }, () => {});
    const app = await buildApp(services);
    try {
      const page = await app.inject({ url: '/graphql', headers: { accept: 'text/html' } });
      expect(page.body).not.toMatch(/sandbox/i);
      const intro = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ __schema { queryType { name } } }' } });
      expect(intro.json().errors[0].message).toMatch(/introspection/i);
      const typo = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ tenat { id } }' } });
      expect(typo.json().errors[0].message).not.toMatch(/Did you mean/);
    } finally {
      await app.close();
    }
  });

  it('masks unexpected failures: a generic 500 with a request id, no internals', async () => {
    const t = await h.register();
    await h.ownerSql('alter table tenants rename to tenants_moved');
    try {
      const rest = await h.app.inject({ url: '/api/v1/tenant', headers: { authorization: `Bearer ${t.key}` } });
      expect(rest.statusCode).toBe(500);
      expect(rest.json()).toEqual({ error: 'Internal Server Error', message: 'Unexpected error', request_id: rest.headers['x-request-id'] });
      const gql = await h.gql(CurrentTenant, {}, t.key);
      expect(gql.errors?.[0]).toMatchObject({ message: 'Unexpected error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(JSON.stringify(gql)).not.toMatch(/tenants|relation|at /);
    } finally {
      await h.ownerSql('alter table tenants_moved rename to tenants');
    }
  });
});
