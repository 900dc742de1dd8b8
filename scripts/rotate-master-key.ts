/** `npm run rotate-master-key`: `tenantry rotate-master-key` (src/cli), for checkouts that run the npm scripts. */
import { runCli } from '../src/cli/main';

void runCli(['rotate-master-key', ...process.argv.slice(2)]).then((code) => {
  process.exitCode = code;
});
