import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LogFn } from 'pino';

type Logger = FastifyBaseLogger & { setBindings?(bindings: Bindings): void };

/**
 * A request's logger, made the first time the request logs. Fastify gives every request a child
 * of the app's logger, and pino serializes a child's bindings when it is made (and again on
 * every `setBindings`). At the default level a request that succeeds logs nothing, so that was
 * work thrown away on every request; now only a request that logs pays for it.
 */
export class RequestLog implements FastifyBaseLogger {
  private made: Logger | undefined;
  /** Bindings added before the child existed (the tenant and key, once verified). */
  private added: Bindings | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get log(): Logger {
    if (!this.made) {
      this.made = this.parent.child(this.bindings, this.options) as Logger;
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

  setBindings(bindings: Bindings): void {
    if (this.made) this.made.setBindings?.(bindings);
    else this.added = { ...this.added, ...bindings };
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.log.child(bindings, options);
  }

  declare fatal: LogFn;
  declare error: LogFn;
  declare warn: LogFn;
  declare info: LogFn;
  declare debug: LogFn;
  declare trace: LogFn;
  declare silent: LogFn;
}

for (const method of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const) {
  // On the prototype, not as per-instance closures: one logger is made for every request.
  RequestLog.prototype[method] = function (this: RequestLog, ...args: unknown[]) {
    (this['log'][method] as (...a: unknown[]) => void)(...args);
  } as LogFn;
}
