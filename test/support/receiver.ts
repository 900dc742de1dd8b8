import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface Reply {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Answer after this long (or never, with Infinity). */
  delayMs?: number;
}

/** A real HTTP receiver on loopback that records every request and answers as told. */
export interface Receiver {
  received: Received[];
  connections: number;
  url(path?: string): string;
  /** Decides each answer; the default is 200. */
  reply: (r: Received, n: number) => Reply;
  close(): Promise<void>;
}

export async function startReceiver(reply: Receiver['reply'] = () => ({})): Promise<Receiver> {
  const sockets = new Set<import('node:net').Socket>();
  const r: Receiver = {
    received: [],
    connections: 0,
    reply,
    url: (path = '/hook') => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got: Received = { path: req.url ?? '', headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      r.received.push(got);
      const answer = r.reply(got, r.received.length);
      const send = () => {
        res.writeHead(answer.status ?? 200, answer.headers ?? {});
        res.end(answer.body ?? 'ok');
      };
      if (answer.delayMs === Infinity) return;
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  server.on('connection', (s) => {
    r.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return r;
}
