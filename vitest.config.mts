import { createRequire } from 'node:module';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // vitest's default transform drops decorator metadata, which type-graphql and MikroORM read.
  plugins: [swc.vite({ module: { type: 'es6' } })],
  // graphql ships CJS and ESM copies; libraries load the CJS one under Node, so the tests must
  // too, or a schema built from two copies fails with "another module or realm".
  resolve: { alias: { graphql: createRequire(import.meta.url).resolve('graphql') } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // As the entry points do, before MikroORM makes its storages (src/async-context.ts).
    setupFiles: ['src/async-context.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: { NODE_ENV: 'test' },
  },
});
