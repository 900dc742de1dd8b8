import { TransactionContext } from '@mikro-orm/core';
import { execFile } from 'node:child_process';
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FRAMES_NEEDED, FramedStorage } from '../src/async-context';
import { asPlatform, currentSetting, inRequestScope } from '../src/db/tenant-scope';
import { useHarness } from './support/harness';

/**
 * Every AsyncLocalStorage shares one frame per async context (src/async-context.ts): each must
 * still behave as Node's own, and MikroORM's must be among them, or the process pays for three.
 */
const root = path.resolve(__dirname, '..');

describe.runIf(FRAMES_NEEDED)('one async context frame for every storage', () => {
  it('is what node:async_hooks hands out, and what MikroORM made its storages with', () => {
    expect(new AsyncLocalStorage()).toBeInstanceOf(FramedStorage);
    expect((TransactionContext as unknown as { storage: unknown }).storage).toBeInstanceOf(FramedStorage);
  });

  it.each(['src/main.ts', 'src/cli/main.ts'])('is in place before MikroORM loads, in %s', async (entry) => {
    // Loading the entry point starts nothing (each runs only as the main module).
    const check = `require('./${entry}');
      const { TransactionContext } = require('@mikro-orm/core');
      const { FramedStorage } = require('./src/async-context.ts');
      process.stdout.write(String(TransactionContext.storage instanceof FramedStorage));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', './test/support/register-ts.cjs', '-e', check], {
      cwd: root,
      env: { PATH: process.env.PATH, NODE_ENV: 'test' },
    });
    expect(stdout).toBe('true');
  }, 60_000);

  it('keeps each storage its own value, through awaits, timers, callbacks and events', async () => {
    const a = new AsyncLocalStorage<string>();
    const b = new AsyncLocalStorage<number>();
    const seen: unknown[] = [];
    const events = new EventEmitter();
    await a.run('outer', async () => {
      expect([a.getStore(), b.getStore()]).toEqual(['outer', undefined]);
      await b.run(1, async () => {
        await tick();
        seen.push([a.getStore(), b.getStore()]);
        await new Promise<void>((resolve) =>
          setTimeout(() => {
            seen.push([a.getStore(), b.getStore()]);
            resolve();
          }, 1),
        );
        await a.run('inner', async () => {
          await Promise.resolve().then(() => seen.push([a.getStore(), b.getStore()]));
          events.on('ping', () => seen.push(['event', a.getStore(), b.getStore()]));
        });
        seen.push([a.getStore(), b.getStore()]);
      });
      seen.push([a.getStore(), b.getStore()]);
    });
    // An event runs in its emitter's context, not its listener's, as with Node's own storages.
    a.run('emitter', () => events.emit('ping'));
    expect(seen).toEqual([
      ['outer', 1],
      ['outer', 1],
      ['inner', 1],
      ['outer', 1],
      ['outer', undefined],
      ['event', 'emitter', undefined],
    ]);
    expect([a.getStore(), b.getStore()]).toEqual([undefined, undefined]);
  });

  it('never shows one context the value another set concurrently', async () => {
    const s = new AsyncLocalStorage<number>();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        s.run(i, async () => {
          const mine: number[] = [];
          for (let step = 0; step < 5; step++) {
            await tick();
            mine.push(s.getStore()!);
          }
          return mine;
        }),
      ),
    );
    results.forEach((mine, i) => expect(mine).toEqual([i, i, i, i, i]));
  });

  it('changes one storage of several without touching the others, at any depth of the frame', async () => {
    const [a, b, c] = [new AsyncLocalStorage<string>(), new AsyncLocalStorage<string>(), new AsyncLocalStorage<string>()];
    const values = () => [a.getStore(), b.getStore(), c.getStore()];
    a.run('a1', () =>
      b.run('b1', () =>
        c.run('c1', () => {
          // a is the frame's oldest value: changing it copies the two set after it.
          a.run('a2', () => {
            expect(values()).toEqual(['a2', 'b1', 'c1']);
            b.exit(() => expect(values()).toEqual(['a2', undefined, 'c1']));
            c.run('c2', () => expect(values()).toEqual(['a2', 'b1', 'c2']));
            expect(values()).toEqual(['a2', 'b1', 'c1']);
          });
          expect(values()).toEqual(['a1', 'b1', 'c1']);
        }),
      ),
    );
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        // Entering again and again in one context replaces the value each time.
        for (let i = 0; i < 1000; i++) {
          a.enterWith(`a${i}`);
          b.enterWith(`b${i}`);
        }
        void Promise.resolve().then(() => {
          expect(values()).toEqual(['a999', 'b999', undefined]);
          resolve();
        });
      }),
    );
    expect(values()).toEqual([undefined, undefined, undefined]);
  });

  it('supports exit, enterWith and disable as Node does', async () => {
    const s = new AsyncLocalStorage<string>();
    const other = new AsyncLocalStorage<string>();
    await other.run('kept', async () => {
      await s.run('value', async () => {
        s.exit(() => expect([s.getStore(), other.getStore()]).toEqual([undefined, 'kept']));
        const later = s.exit(async () => {
          await tick();
          return s.getStore();
        });
        expect(await later).toBeUndefined();
        expect(s.getStore()).toBe('value');
        // A function that runs in another context, where the storage holds another value.
        const sibling = s.run('sibling', () => AsyncLocalStorage.bind(() => s.getStore()));
        expect(sibling()).toBe('sibling');
        s.disable();
        // Gone everywhere, as with Node's own, until the storage is used again.
        expect([s.getStore(), sibling(), other.getStore()]).toEqual([undefined, undefined, 'kept']);
        expect(s.run('again', () => s.getStore())).toBe('again');
      });
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          s.enterWith('entered');
          void Promise.resolve().then(() => {
            expect([s.getStore(), other.getStore()]).toEqual(['entered', 'kept']);
            resolve();
          });
        }),
      );
      expect(s.getStore()).toBeUndefined();
    });
    const bound = s.run('bound', () => AsyncLocalStorage.bind(() => s.getStore()));
    expect(bound()).toBe('bound');
  });
});

describe('MikroORM transactions inside a request scope', () => {
  const h = useHarness();

  it('see both their transaction and the row-level scope, and leave both as they were', async () => {
    const { tenantId } = await h.register();
    await inRequestScope(async (scope) => {
      scope.confine(tenantId);
      const em = h.orm.em.fork();
      await em.transactional(async (tx) => {
        expect(TransactionContext.getEntityManager(tx.name)).toBe(tx);
        expect(currentSetting()).toBe(tenantId);
        const [row] = await tx.getConnection().execute<{ setting: string }[]>("select current_setting('tenantry.tenant') as setting", [], 'all', tx.getTransactionContext());
        expect(row.setting).toBe(tenantId);
        await asPlatform(async () => {
          await tick();
          expect(currentSetting()).toBe('*');
          expect(TransactionContext.getEntityManager(tx.name)).toBe(tx);
        });
        expect(currentSetting()).toBe(tenantId);
      });
      expect(TransactionContext.getEntityManager(em.name)).toBeUndefined();
      expect(currentSetting()).toBe(tenantId);
    });
    expect(currentSetting()).toBe('*');
  });
});
