import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { MaybePromise } from '../maybe';
import { SharedLoads } from '../shared-loads';

export const CHANNEL = 'tenantry_invalidate';

export type Invalidation = { kind: 'key'; id: string } | { kind: 'tenant'; id: string } | { kind: 'rbac'; id: string };
type Handler = (message: Invalidation | { kind: 'all' }) => void;

/**
 * Cross-instance cache invalidation over PostgreSQL LISTEN/NOTIFY. A change publishes with
 * `pg_notify` inside its own transaction, so every instance hears of it when, and only when, it
 * commits. One dedicated connection listens; while it is down (or was down) nothing can be
 * trusted, so every subscriber is told to drop everything ("all"), and caches stay bounded by
 * their own short TTLs in any case.
 */
export class ChangeFeed {
  private client?: Client;
  private readonly handlers: Handler[] = [];
  private stopped = true;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly url: string,
    private readonly onError: (err: unknown) => void,
  ) {}

  subscribe(handler: Handler): void {
    this.handlers.push(handler);
  }

  /** Inside the change's transaction: delivered to every instance (this one too) at commit. */
  async publish(em: EntityManager, message: Invalidation): Promise<void> {
    await em.execute('select pg_notify(?, ?)', [CHANNEL, `${message.kind}:${message.id}`]);
  }

  /** This instance's caches, at once (after commit): no wait for the round trip. */
  local(message: Invalidation): void {
    this.emit(message);
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  get listening(): boolean {
    return !!this.client;
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url });
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      const at = n.payload.indexOf(':');
      const kind = n.payload.slice(0, at);
      if (kind === 'key' || kind === 'tenant' || kind === 'rbac') this.emit({ kind, id: n.payload.slice(at + 1) });
    });
    client.on('error', (err) => {
      this.onError(err);
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      this.client = client;
      // Anything published while no connection listened was missed.
      this.emit({ kind: 'all' });
    } catch (err) {
      this.onError(err);
      await client.end().catch(() => {});
      this.lost(client);
    }
  }

  private lost(client: Client): void {
    if (this.client === client) this.client = undefined;
    this.emit({ kind: 'all' });
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped && !this.client) void this.connect();
    }, 1000);
    this.retry.unref();
  }

  private emit(message: Invalidation | { kind: 'all' }): void {
    for (const h of this.handlers) h(message);
  }
}

/**
 * A small cache that is only used while the change feed listens: entries live `ttlMs` at most,
 * every invalidation evicts the entries `evicts` names (a reconnect, everything), and a load
 * that raced an invalidation is returned but not kept, so it cannot outlive the change.
 */
export class FeedCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  private readonly loads = new SharedLoads<string, V | undefined>();

  constructor(
    private readonly feed: ChangeFeed,
    private readonly ttlMs: number,
    evicts: (message: Invalidation, key: string, value: V) => boolean,
    private readonly max = 10_000,
  ) {
    feed.subscribe((m) => {
      this.loads.forget();
      if (m.kind === 'all') this.entries.clear();
      else for (const [key, entry] of this.entries) if (evicts(m, key, entry.value)) this.entries.delete(key);
    });
  }

  /**
   * The entry now when it is cached and fresh; otherwise a promise of the loaded one, shared by
   * the callers that miss while it loads (none that asks after an invalidation joins it).
   */
  get(key: string, load: () => Promise<V | undefined>): MaybePromise<V | undefined> {
    if (!this.feed.listening) return load();
    const hit = this.entries.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    return this.loads.get(key, load, (value) => value !== undefined && this.keep(key, value));
  }

  private keep(key: string, value: V): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: Date.now() + this.ttlMs });
  }

}
