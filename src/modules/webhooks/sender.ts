import http from 'node:http';
import https from 'node:https';
import { guardedAgents } from './address-guard';

/** Only the start of a receiver's answer is kept: enough to debug, never a memory risk. */
export const MAX_RESPONSE_BYTES = 1024;

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
  responseBody: string | null;
}

/**
 * One POST to a receiver. Every connection goes through the address guard (at connect time,
 * after DNS), redirects are never followed (a 3xx is a failure), the whole exchange has one
 * deadline, and the response body is read only up to MAX_RESPONSE_BYTES.
 */
export class WebhookSender {
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(
    allowPrivate: boolean,
    private readonly timeoutMs: number,
  ) {
    this.agents = guardedAgents(allowPrivate);
  }

  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    return new Promise((resolve) => {
      let settled = false;
      let deadline: NodeJS.Timeout | undefined;
      const finish = (r: Omit<SendResult, 'latencyMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve({ ...r, latencyMs: elapsed() });
      };
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return finish({ ok: false, statusCode: null, error: 'invalid URL', responseBody: null });
      }
      const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
      if (!client) return finish({ ok: false, statusCode: null, error: 'only http and https are delivered to', responseBody: null });
      let req: http.ClientRequest;
      try {
        req = client.request(target, {
          method: 'POST',
          agent: target.protocol === 'https:' ? this.agents.https : this.agents.http,
          headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Tenantry-Webhooks/1' },
        });
      } catch (err) {
        return finish({ ok: false, statusCode: null, error: describe(err as Error), responseBody: null });
      }
      deadline = setTimeout(() => {
        req.destroy();
        finish({ ok: false, statusCode: null, error: `no answer within ${this.timeoutMs} ms`, responseBody: null });
      }, this.timeoutMs);
      req.on('error', (err) => finish({ ok: false, statusCode: null, error: describe(err), responseBody: null }));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const responseBody = printable(Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8'));
          const ok = status >= 200 && status < 300;
          const error = ok ? null : status >= 300 && status < 400 ? `redirect (${status}) not followed` : `answered ${status}`;
          finish({ ok, statusCode: status, error, responseBody });
        };
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
          size += chunk.length;
          // Enough read: the rest of the body is not wanted, and a receiver could send forever.
          if (size >= MAX_RESPONSE_BYTES) {
            res.destroy();
            done();
          }
        });
        res.on('end', done);
        res.on('error', done);
        res.on('close', done);
      });
      req.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

/** PostgreSQL text cannot hold NUL: a binary answer is stored with it replaced. */
const printable = (s: string) => s.replace(/\u0000/g, '\uFFFD');

function describe(err: Error & { code?: string }): string {
  if (err.code === 'EFORBIDDENADDRESS') return err.message;
  if (err.code === 'ECONNREFUSED') return 'connection refused';
  if (err.code === 'ENOTFOUND') return 'host not found';
  if (err.code === 'ECONNRESET') return 'connection reset';
  return printable((err.code ? `${err.code}: ` : '') + err.message.slice(0, 300));
}
