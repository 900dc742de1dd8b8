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

/**
 * One storage's value in front of the rest of its context's values: a short list, each storage
 * in it at most once. Cheaper to make than a copied object of every value, and of one shape, so
 * reading it stays fast (a copied object took 1.2 % of a cached REST read's CPU, profiled).
 */
class Frame {
  constructor(
    readonly key: symbol,
    readonly value: unknown,
    readonly next: Frame | undefined,
  ) {}
}

const frames = new NativeStorage<Frame>();

function valueIn(frame: Frame | undefined, key: symbol): unknown {
  for (let f = frame; f; f = f.next) if (f.key === key) return f.value;
  return undefined;
}

/** `frame` without `key`'s entry: the entries before it are copied, the rest shared. */
function without(frame: Frame | undefined, key: symbol): Frame | undefined {
  if (!frame) return undefined;
  if (frame.key === key) return frame.next;
  const rest = without(frame.next, key);
  return rest === frame.next ? frame : new Frame(frame.key, frame.value, rest);
}

const withValue = (frame: Frame | undefined, key: symbol, value: unknown) => new Frame(key, value, without(frame, key));

export class FramedStorage<T> extends NativeStorage<T> {
  readonly #key = Symbol('store');
  #disabled = false;

  override getStore(): T | undefined {
    return this.#disabled ? undefined : (valueIn(frames.getStore(), this.#key) as T | undefined);
  }

  override run<R, A extends unknown[]>(store: T, callback: (...args: A) => R, ...args: A): R {
    this.#disabled = false;
    return this.#within(store, callback, args);
  }

  override enterWith(store: T): void {
    this.#disabled = false;
    frames.enterWith(withValue(frames.getStore(), this.#key, store));
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
    if (Object.is(valueIn(frame, this.#key), store)) return callback(...args);
    return frames.run(withValue(frame, this.#key, store), callback, ...args);
  }
}

/** Node 24 and later already keep one frame per async context: nothing to do there. */
export const FRAMES_NEEDED = Number(process.versions.node.split('.')[0]) < 24;

if (FRAMES_NEEDED && hooks.AsyncLocalStorage !== FramedStorage) {
  (hooks as { AsyncLocalStorage: typeof NativeStorage }).AsyncLocalStorage = FramedStorage;
  // ES modules that import it by name from node:async_hooks see the same class.
  syncBuiltinESMExports();
}
