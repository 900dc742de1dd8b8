// Lets a child process run the TypeScript sources directly (`node -r ./test/support/register-ts.cjs
// src/main.ts`), compiled on load by @swc/core with the same decorator settings as tsconfig.json.
// Tests that must kill a real server process use it, so they need no build step.
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
