/**
 * A value now, or a promise of it later. The request path answers from memory (cached keys,
 * rate-limit configuration, tenant reads) without making a promise: on Node 20 every promise
 * costs about a microsecond once AsyncLocalStorage is in use (row-level scope here, and MikroORM
 * turns on its own after the first transaction), and a cached read made some 30 of them.
 */
export type MaybePromise<T> = T | Promise<T>;

/** `next(value)` now when the value is at hand, after it resolves otherwise. (Not named `then`:
 * a module exporting `then` is a thenable, and awaiting its dynamic import would call it.) */
export function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
