/** `npm run keygen`: `tenantry keygen` (src/cli), for checkouts that run the npm scripts. */
import { runCli } from '../src/cli/main';

void runCli(['keygen', ...process.argv.slice(2)]).then((code) => {
  process.exitCode = code;
});
