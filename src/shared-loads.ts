/**
 * Callers asking for one key while its load is in flight share that load. When a cached entry
 * expires under load, every request in flight misses at once: without this, each ran the same
 * query (32 connections, 32 identical reads per expiry).
 */
export class SharedLoads<K, V> {
  private readonly pending = new Map<K, Promise<V>>();

  get(key: K, load: () => Promise<V>): Promise<V> {
    const pending = this.pending.get(key);
    if (pending) return pending;
    const promise = load();
    this.pending.set(key, promise);
    const settle = () => {
      if (this.pending.get(key) === promise) this.pending.delete(key);
    };
    promise.then(settle, settle);
    return promise;
  }

  /** Later callers start loads of their own: what is in flight may have read before a change. */
  forget(key?: K): void {
    if (key === undefined) this.pending.clear();
    else this.pending.delete(key);
  }
}
