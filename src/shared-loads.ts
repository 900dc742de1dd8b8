/**
 * Callers asking for one key while its load is in flight share that load. When a cached entry
 * expires under load, every request in flight misses at once: without this, each ran the same
 * query (32 connections, 32 identical reads per expiry).
 */
export class SharedLoads<K, V> {
  private readonly pending = new Map<K, Promise<V>>();

  /**
   * The load in flight for `key`, or a new one. `keep` (the caller's cache) is handed its value
   * only if no `forget` of the key came while it loaded: a load that raced a change answers its
   * callers but is not kept, so it cannot outlive the change.
   */
  get(key: K, load: () => Promise<V>, keep?: (value: V) => void): Promise<V> {
    const pending = this.pending.get(key);
    if (pending) return pending;
    // Still ours when it settles: no forget() came for the key meanwhile.
    const current = () => this.pending.get(key) === promise && this.pending.delete(key);
    const promise: Promise<V> = load().then(
      (value) => {
        if (current()) keep?.(value);
        return value;
      },
      (err: unknown) => {
        current();
        throw err;
      },
    );
    this.pending.set(key, promise);
    return promise;
  }

  /** Later callers start loads of their own: what is in flight may have read before a change. */
  forget(key?: K): void {
    if (key === undefined) this.pending.clear();
    else this.pending.delete(key);
  }
}
