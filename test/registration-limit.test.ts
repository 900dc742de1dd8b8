import { describe, expect, it } from 'vitest';
import { useHarness } from './support/harness';

const h = useHarness({ TENANTRY_REGISTRATIONS_PER_HOUR: '3' });

const register = (ip: string) =>
  h.app.inject({ method: 'POST', url: '/api/v1/tenants', remoteAddress: ip, payload: { name: 'Limited' } });

describe('public registration is rate-limited per client address', () => {
  it('answers 429 with Retry-After past the limit, per address, through both doors', async () => {
    const before = (await h.sql('select count(*)::int as n from tenants'))[0].n;
    for (let i = 0; i < 3; i++) expect((await register('10.0.0.1')).statusCode).toBe(201);
    const limited = await register('10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: 'Too Many Requests', message: expect.stringMatching(/Too many registrations/) });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect((await h.sql('select count(*)::int as n from tenants'))[0].n).toBe(before + 3);

    // Another address has its own allowance.
    expect((await register('10.0.0.2')).statusCode).toBe(201);

    // GraphQL registrations from the limited address are refused too (the rule is in the service).
    const res = await h.app.inject({
      method: 'POST',
      url: '/graphql',
      remoteAddress: '10.0.0.1',
      headers: { 'content-type': 'application/json' },
      payload: { query: 'mutation($i: RegisterTenantInput!) { registerTenant(input: $i) { key } }', variables: { i: { name: 'x' } } },
    });
    expect(res.json().errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('does not count bad input, and does not limit operators', async () => {
    for (let i = 0; i < 5; i++) {
      const bad = await h.app.inject({ method: 'POST', url: '/api/v1/tenants', remoteAddress: '10.0.0.3', payload: { name: '' } });
      expect(bad.statusCode).toBe(400);
    }
    expect((await register('10.0.0.3')).statusCode).toBe(201);
    const op = await h.operatorKey();
    for (let i = 0; i < 5; i++) {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/tenants', remoteAddress: '10.0.0.1', headers: { authorization: `Bearer ${op}` }, payload: { name: 'ops' } });
      expect(res.statusCode).toBe(201);
    }
  });
});
