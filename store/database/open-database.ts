import { mkdir } from 'node:fs/promises';
import pg from 'pg';
import { PrismaClient } from '../../generated/prisma/client.js';
import type { DatabaseTarget } from '../../infra/database-target.js';
import { openAdapter } from './adapter.js';
import { FolderLockedError, lockFolder } from './folder-lock.js';
import { applyMigrations, readMigrations } from './migrations.js';
import { pgClientSession, pgliteSession } from './sql-session.js';

/** An open domain store: the Prisma client, a health probe, and how to close it. */
export interface Database {
  readonly target: DatabaseTarget;
  readonly prisma: PrismaClient;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class DatabaseOpenError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
}

/** Describes the target for logs, without the password. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'postgres') {
    const url = new URL(target.url);
    return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
  }
  return target.kind === 'pglite' ? `embedded PostgreSQL (PGlite) in ${target.dir}` : 'in-memory PGlite';
}

/**
 * Opens the database, applies the committed migrations, and returns a Prisma client on it.
 * Errors say which database could not be reached and what to check.
 */
export async function openDatabase(target: DatabaseTarget, options: { migrate?: boolean } = {}): Promise<Database> {
  const migrate = options.migrate ?? true;
  let unlock = async () => {};
  if (target.kind === 'pglite') {
    try {
      await mkdir(target.dir, { recursive: true });
    } catch (error) {
      throw new DatabaseOpenError(
        `Cannot create the database folder ${target.dir}: ${(error as Error).message}. ` +
          'Set CONCERTO_DATA_DIR to a writable folder.',
        { cause: error },
      );
    }
    try {
      unlock = await lockFolder(`${target.dir}.lock`);
    } catch (error) {
      if (!(error instanceof FolderLockedError)) throw error;
      throw new DatabaseOpenError(
        `The embedded database ${target.dir} is open in another process (pid ${error.holderPid}), ` +
          'perhaps a running `npm start`: stop it first, or go through its HTTP API.',
        { cause: error },
      );
    }
  }
  if (target.kind === 'postgres') {
    if (migrate) await migratePostgres(target.url);
  }
  let opened: ReturnType<typeof openAdapter>;
  try {
    opened = openAdapter(target);
    if (opened.pglite) {
      await opened.pglite.waitReady;
      if (migrate) await applyMigrations(pgliteSession(opened.pglite), await readMigrations());
    }
  } catch (error) {
    await unlock();
    throw new DatabaseOpenError(
      `Cannot open ${describeTarget(target)}: ${(error as Error).message}. ` +
        (target.kind === 'pglite'
          ? 'Check that the folder is writable and not damaged.'
          : 'Check DATABASE_URL and that the server is running.'),
      { cause: error },
    );
  }
  // PGlite has one connection and a pool may be busy: a transaction waits its turn up to 10 s (Prisma's default
  // is 2 s, which a loaded machine exceeds, and the request then fails) and may run 20 s.
  const prisma = new PrismaClient({
    adapter: opened.adapter,
    transactionOptions: { maxWait: 10_000, timeout: 20_000 },
  });
  return {
    target,
    prisma,
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    async close() {
      await prisma.$disconnect();
      await opened.close();
      await unlock();
    },
  };
}

async function migratePostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new DatabaseOpenError(
      `Cannot connect to ${describeTarget({ kind: 'postgres', url })}: ${(error as Error).message}. ` +
        'Check DATABASE_URL and that the server is running.',
      { cause: error },
    );
  }
  try {
    await applyMigrations(pgClientSession(client), await readMigrations());
  } finally {
    await client.end();
  }
}
