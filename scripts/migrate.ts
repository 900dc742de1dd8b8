/** `npm run migrate`: `tenantry migrate` (src/cli), for checkouts that run the npm scripts. */
import { runCli } from '../src/cli/main';

void runCli(['migrate', ...process.argv.slice(2)]).then((code) => {
  process.exitCode = code;
});
