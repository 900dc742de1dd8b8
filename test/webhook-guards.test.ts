import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedAgents, isForbiddenAddress, webhookUrlProblem } from '../src/modules/webhooks/address-guard';
import { newSigningSecret, signatureHeader, verify } from '../src/modules/webhooks/signature';
import { secretAad } from '../src/modules/webhooks/webhook.service';
import { useHarness } from './support/harness';
import { startReceiver } from './support/receiver';

// Without TENANTRY_WEBHOOK_ALLOW_PRIVATE: the production rule.
const h = useHarness();

const FORBIDDEN = [
  '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '0.0.0.0',
  '100.64.0.1', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd00:ec2::254', '::ffff:127.0.0.1',
  '::ffff:169.254.169.254', '::ffff:10.0.0.1', '64:ff9b::7f00:1', '2001:db8::1', 'ff02::1',
];

describe('address guard', () => {
  it('refuses loopback, private, link-local, multicast, unspecified and reserved addresses, IPv4 and IPv6', () => {
    for (const address of FORBIDDEN) expect(isForbiddenAddress(address), address).toBe(true);
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111']) expect(isForbiddenAddress(address), address).toBe(false);
  });

  it('refuses, when saved, URLs that can only point inside', () => {
    const refused = [
      'http://0x7f000001/', 'http://2130706433/', 'http://0177.0.0.1/', 'http://127.1/', 'http://[::ffff:127.0.0.1]/', 'http://[::1]/',
      'http://0/', 'http://169.254.169.254/latest/meta-data', 'http://localhost:8080/', 'http://api.localhost/', 'http://intranet/',
      'ftp://files.example.com/', 'https://user:pw@hooks.example.com/', 'not a url',
    ];
    for (const url of refused) expect(webhookUrlProblem(url, false), url).not.toBeNull();
    expect(webhookUrlProblem('https://hooks.example.com/tenantry', false)).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:4000/hook', true)).toBeNull();
  });

  describe('at connect time', () => {
    let server: http.Server;
    let port = 0;
    let connections = 0;

    beforeAll(async () => {
      server = http.createServer((_req, res) => res.end('ok'));
      server.on('connection', () => connections++);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    const get = (url: string, allowPrivate: boolean) =>
      new Promise<number>((resolve, reject) => {
        const req = http.get(url, { agent: guardedAgents(allowPrivate).http }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.setTimeout(2000, () => req.destroy(new Error('timeout')));
      });

    it('never connects to a loopback address, however it is written or resolved', async () => {
      for (const host of ['127.0.0.1', '0x7f000001', '2130706433', '0177.0.0.1', '127.1', 'localhost']) {
        await expect(get(`http://${host}:${port}/`, false), host).rejects.toMatchObject({ code: 'EFORBIDDENADDRESS' });
      }
      expect(connections).toBe(0);
    });

    it('connects when TENANTRY_WEBHOOK_ALLOW_PRIVATE lifts the rule', async () => {
      expect(await get(`http://127.0.0.1:${port}/`, true)).toBe(200);
      expect(connections).toBe(1);
    });
  });
});

describe('Standard Webhooks signatures', () => {
  it('verify with the signing secret, and with either secret during a rotation', () => {
    const [oldSecret, newSecret] = [newSigningSecret(), newSigningSecret()];
    expect(oldSecret).toMatch(/^whsec_/);
    const id = 'msg_2b3c';
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'tenant.updated' });
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureHeader([newSecret, oldSecret], id, timestamp, body) };
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+ v1,[A-Za-z0-9+/=]+$/);
    expect(verify(newSecret, headers, body)).toBe(true);
    expect(verify(oldSecret, headers, body)).toBe(true);
    expect(verify(newSigningSecret(), headers, body)).toBe(false);
    expect(verify(newSecret, headers, body + ' ')).toBe(false);
    expect(verify(newSecret, { ...headers, 'webhook-id': 'msg_other' }, body)).toBe(false);
    expect(verify(newSecret, headers, body, 300, (timestamp + 301) * 1000)).toBe(false);
  });
});

describe('webhooks without the allow flag', () => {
  const LOOPBACK_HOSTS = ['127.0.0.1', '0x7f000001', '2130706433', '0177.0.0.1', '127.1', '127.000.000.001', 'localhost', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]'];

  it('refuses loopback and private URLs when saved, with 400 naming url', async () => {
    const t = await h.register();
    for (const url of ['http://0x7f000001/hook', 'http://[::1]/', 'http://169.254.169.254/latest', 'http://10.1.2.3/', 'http://localhost:3000/']) {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { authorization: `Bearer ${t.key}` }, payload: { url } });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().problems[0].field).toBe('url');
    }
    expect(await h.sql('select 1 from webhook_endpoints where tenant_id = ?', [t.tenantId])).toEqual([]);
  });

  it('the delivery worker never connects to a loopback address, however the stored URL writes it', async () => {
    const receiver = await startReceiver();
    try {
      const t = await h.register();
      const port = new URL(receiver.url()).port;
      // The tenant's data key comes with its first endpoint (one that matches no event here).
      await h.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { authorization: `Bearer ${t.key}` }, payload: { url: 'https://hooks.example.com/', events: ['none.such'] } });
      // Stored as if saved before a DNS change, or by an older release: delivery must still refuse.
      for (const host of LOOPBACK_HOSTS) {
        const id = randomUUID();
        const secret = await h.services.secrets.sealFor(h.orm.em.fork(), t.tenantId, 'whsec_AAAA', secretAad(t.tenantId, id));
        await h.sql(
          `insert into webhook_endpoints (id, tenant_id, url, event_types, secret, created_at) values (?, ?, ?, '[]', ?, now() - interval '1 minute')`,
          [id, t.tenantId, `http://${host}:${port}/hook`, secret],
        );
      }
      await h.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${t.key}` }, payload: { type: 'memory.ingested' } });
      await h.services.deliveries.dispatch();
      await h.services.deliveries.deliverDue();
      expect(receiver.connections).toBe(0);
      const attempts = await h.sql<{ error: string }>('select error from webhook_attempts where tenant_id = ?', [t.tenantId]);
      expect(attempts).toHaveLength(LOOPBACK_HOSTS.length);
      for (const a of attempts) expect(a.error).toMatch(/private or reserved address/);
    } finally {
      await receiver.close();
    }
  });
});
