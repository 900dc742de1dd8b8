// Builds the console into dist/console when its sources changed since the last build, so
// `npm start` (which runs `npm run build`) costs nothing extra on a restart. `--force` always builds.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const built = path.join(root, 'dist', 'console', 'index.html');

function newest(entry) {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(entry).map((name) => newest(path.join(entry, name))));
}

const sources = Math.max(newest(here), newest(path.join(root, 'package-lock.json')));
const stale = !fs.existsSync(built) || fs.statSync(built).mtimeMs < sources;
if (stale || process.argv.includes('--force')) {
  await build({ configFile: path.join(here, 'vite.config.ts'), logLevel: 'warn' });
}
