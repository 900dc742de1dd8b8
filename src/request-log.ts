import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LogFn } from 'pino';

type Logger = FastifyBaseLogger & {
  setBindings?(bindings: Bindings): void;
  levels?: { values: Record<string, number> };
  isLevelEnabled?(level: string): boolean;
  flush?(cb?: (err?: Error) => void): void;
};

const METHODS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/**
 * A request's logger, made the first time the request logs. Fastify gives every request a child
 * of the app's logger, and pino serializes a child's bindings when it is made (and again on
 * every `setBindings`). At the default level a request that succeeds logs nothing, so that was
 * work thrown away on every request; now only a request that writes a line pays for it.
 */
export class RequestLog implements FastifyBaseLogger {
  private made: Logger | undefined;
  /** Bindings added before the child existed (the tenant and key, once verified). */
  private added: Bindings | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly base: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get log(): Logger {
    if (!this.made) {
      this.made = this.parent.child(this.base, this.options) as Logger;
      if (this.added) this.made.setBindings?.(this.added);
    }
    return this.made;
  }

  get level(): string {
    return this.made?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.log.level = level;
  }

  isLevelEnabled(level: string): boolean {
    if (this.made?.isLevelEnabled) return this.made.isLevelEnabled(level);
    const values = this.parent.levels?.values;
    if (!values || values[level] === undefined) return this.log.isLevelEnabled?.(level) ?? true;
    // `silent` is no level of `values`: nothing is at or above it.
    return this.level !== 'silent' && values[level] >= (values[this.level] ?? 0);
  }

  bindings(): Bindings {
    return { ...(this.parent as { bindings?(): Bindings }).bindings?.(), ...this.base, ...this.added };
  }

  setBindings(bindings: Bindings): void {
    if (this.made) this.made.setBindings?.(bindings);
    else this.added = this.added ? { ...this.added, ...bindings } : bindings;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.log.child(bindings, options);
  }

  flush(cb?: (err?: Error) => void): void {
    if (this.parent.flush) this.parent.flush(cb);
    else cb?.();
  }

  silent(): void {}

  declare fatal: LogFn;
  declare error: LogFn;
  declare warn: LogFn;
  declare info: LogFn;
  declare debug: LogFn;
  declare trace: LogFn;
}

for (const method of METHODS) {
  // On the prototype, not as per-instance closures: one logger is made for every request. A line
  // below the level is dropped before any logger is made for it.
  RequestLog.prototype[method] = function (this: RequestLog, ...args: unknown[]) {
    if (!this['made'] && !this.isLevelEnabled(method)) return;
    (this['log'][method] as (...a: unknown[]) => void)(...args);
  } as LogFn;
}
