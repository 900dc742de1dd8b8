import hooks from 'node:async_hooks';
import { syncBuiltinESMExports } from 'node:module';

/**
 * Every AsyncLocalStorage in the process keeps its value in one shared frame per async context,
 * as Node itself does from version 24 (AsyncContextFrame). Imported first by every entry point,
 * before any library has made a storage.
 *
 * Why: before Node 24, each storage in use adds its own work to every promise and other async
 * resource the process makes, for the life of the process: an async hook copies each storage's
 * value onto the new resource. Tenantry has three in use (the row-level scope in
 * db/tenant-scope.ts, and MikroORM's transaction context and flush flag, switched on by its first
 * transaction and flush), and Apollo makes about 50 promises per GraphQL query. One shared storage
 * carrying a frame of all three measured 5 to 8 % more GraphQL reads per second and 4 to 10 % less
 * CPU per read, in interleaved A/B runs (README: Performance). A frame is copied only when a
 * storage's value changes: a request scope entered, a transaction or flush begun.
 */
const NativeStorage = hooks.AsyncLocalStorage;
type Frame = Readonly<Record<symbol, unknown>>;
const frames = new NativeStorage<Frame>();

export class FramedStorage<T> extends NativeStorage<T> {
  readonly #key = Symbol('store');
  #disabled = false;

  override getStore(): T | undefined {
    return this.#disabled ? undefined : (frames.getStore()?.[this.#key] as T | undefined);
  }

  override run<R, A extends unknown[]>(store: T, callback: (...args: A) => R, ...args: A): R {
    this.#disabled = false;
    return this.#within(store, callback, args);
  }

  override enterWith(store: T): void {
    this.#disabled = false;
    frames.enterWith({ ...frames.getStore(), [this.#key]: store });
  }

  override exit<R, A extends unknown[]>(callback: (...args: A) => R, ...args: A): R {
    return this.#within(undefined, callback, args);
  }

  /** As Node's own: no value anywhere until the next run or enterWith. */
  override disable(): void {
    this.#disabled = true;
  }

  #within<R, A extends unknown[]>(store: T | undefined, callback: (...args: A) => R, args: A): R {
    const frame = frames.getStore();
    // As Node's own: a store already current costs no new context.
    if (Object.is(frame?.[this.#key], store)) return callback(...args);
    return frames.run({ ...frame, [this.#key]: store }, callback, ...args);
  }
}

/** Node 24 and later already keep one frame per async context: nothing to do there. */
export const FRAMES_NEEDED = Number(process.versions.node.split('.')[0]) < 24;

if (FRAMES_NEEDED && hooks.AsyncLocalStorage !== FramedStorage) {
  (hooks as { AsyncLocalStorage: typeof NativeStorage }).AsyncLocalStorage = FramedStorage;
  // ES modules that import it by name from node:async_hooks see the same class.
  syncBuiltinESMExports();
}
